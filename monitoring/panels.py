"""The group profile's field panels: "Kunjungan dan dinamika" (visits, the dynamics last
observed and their trend, open follow-ups, trainings) and "Enam faktor kemandirian" (the
evidence the register has for each of the six independence factors of the Mekar Sari
study: numbers and dates, no score). Each is a fixed number of queries."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from finances.selectors import kube_products, report_facts
from kube_registry.panels import ProfilePanel
from partnerships.models import PartnershipForm
from partnerships.selectors import partnerships_active_on

from . import selectors
from .dynamics import ASPECTS, level_description
from .models import Visit

ASPECT = {aspect.field: aspect for aspect in ASPECTS}


def _visit_list_url(kube) -> str:
    return reverse("monitoring:visit_list", kwargs={"pk": kube.pk})


def _latest_with(kube, *fields: str) -> Visit | None:
    """The group's latest visit where any of `fields` was observed; one query."""
    observed = Q()
    for name in fields:
        observed |= Q(**{f"{name}__isnull": False})
    return Visit.objects.filter(kube=kube).filter(observed).order_by("-visited_on", "-pk").first()


def visits_context(request, kube) -> dict:
    """Four queries: the last visit with the year's count, the two latest observations,
    the open follow-ups, the trainings (nothing without access)."""
    user = request.user
    if not user.has_perm("monitoring.view_visit"):
        return {"visible": False}
    today = timezone.localdate()
    observations = selectors.latest_observations(kube, limit=2)
    latest = observations[0] if observations else None
    previous = observations[1] if len(observations) > 1 else None
    follow_ups = list(selectors.open_follow_ups(None, today, kube=kube))
    return {
        "visible": True,
        "summary": selectors.visit_summary(kube, today),
        "observation": latest,
        "previous": previous,
        "readings": selectors.dynamics_readings(latest, previous) if latest else [],
        "follow_ups": follow_ups,
        "overdue": sum(1 for f in follow_ups if f.is_overdue),
        "trainings": selectors.kube_trainings(kube) if user.has_perm("monitoring.view_training") else [],
        "visit_list_url": _visit_list_url(kube),
        "today": today,
    }


def factors_context(request, kube) -> dict:
    """Seven queries: the visits of the year, the partnerships in force, the latest
    cohesion/rota observation, the reports of the last 12 months, the latest leadership
    observation, the products, the trainings (nothing without access)."""
    user = request.user
    if not user.has_perm("monitoring.view_visit"):
        return {"visible": False}
    today = timezone.localdate()
    year_ago = selectors.year_start(today)
    partnerships = partnerships_active_on([kube.pk], today)[kube.pk]
    forms = dict(PartnershipForm.choices)
    management = _latest_with(kube, "cohesion", "task_structure")
    leadership = _latest_with(kube, "leadership")
    reports = report_facts([kube.pk], year_ago, today).get(kube.pk, [])
    products = kube_products(kube)
    trainings = selectors.kube_trainings(kube) if user.has_perm("monitoring.view_training") else []
    return {
        "visible": True,
        "today": today,
        "visits": selectors.visit_summary(kube, today),
        "partners": partnerships.partners,
        "partner_forms": [(forms[form], count) for form, count in partnerships.by_form.items() if count],
        "management": management,
        "cohesion": level_description(ASPECT["cohesion"], management.cohesion) if management else "",
        "task_structure": level_description(ASPECT["task_structure"], management.task_structure) if management else "",
        "reports": len(reports),
        "last_report": reports[-1].period if reports else None,
        "leadership_visit": leadership,
        "leadership": level_description(ASPECT["leadership"], leadership.leadership) if leadership else "",
        "products": products,
        "products_current": sum(1 for p in products if p.ended_on is None),
        "trainings": trainings,
        "training_people": sum(t.kube_participants for t in trainings),
    }


VISITS_PANEL = ProfilePanel(template="monitoring/includes/profile_visits.html", context=visits_context)
FACTORS_PANEL = ProfilePanel(template="monitoring/includes/profile_factors.html", context=factors_context)
