"""What a facilitator's phone keeps for work without a signal (issue 17), written once.

The phone keeps exactly the pages listed here, and only for the user they were listed for:
the home, the queue page, and for each of the facilitator's OWN active groups its profile
(with the active members, masked as for every facilitator), the visit form and the
monthly report form of the current month and of every month still to do on their home.
Officers and admins work at the office: their phones keep no pages.
"""

import datetime as dt

from django.urls import reverse

from finances.selectors import facilitator_months
from groups.models import Kube, KubeStatus
from kube_registry.roles import is_facilitator

# How long a kept page may be shown before the banner says it is too old to trust.
MAX_AGE_HOURS = 72


def facilitator_pages(user, today: dt.date) -> list[str]:
    if not is_facilitator(user) or user.has_perm("groups.view_all_kube"):
        return []
    pages = [reverse("groups:home"), reverse("offline:queue")]
    kubes = list(Kube.objects.visible_to(user).filter(status=KubeStatus.AKTIF).order_by("name", "pk"))
    for row in facilitator_months(kubes, today=today):
        kube = row.kube
        pages += [kube.get_absolute_url(), reverse("monitoring:visit_create", kwargs={"pk": kube.pk})]
        # A month's form while it can still be written: no report yet, a draft, or returned.
        for cell in [*row.months, row.current]:
            if cell.needs_action:
                pages.append(reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": cell.period}))
    return list(dict.fromkeys(pages))
