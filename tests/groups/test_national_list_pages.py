"""The group list's pages cut on ids first (issue 19, part 3), against the plain slice of the list.

PostgreSQL computed the annotations of every row an OFFSET skipped (seconds for a deep
page of a national list); the page's ids are now read first, then its groups. Each page,
in every order, must hold the groups the plain slice holds, in the same order.
"""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import Assessment
from groups.models import Kube, Role
from groups.selectors import kube_queryset
from pages.group_list import KubeListFilter
from tests.factories import KubeFactory, MembershipFactory

PAGE = 25


@pytest.fixture
def many(facilitator):
    """60 groups with varied members and assessments (some none), so every order has ties and gaps."""
    now = timezone.now()
    for n in range(60):
        kube = KubeFactory(facilitator=facilitator, name=f"KUBE Halaman {n % 7}", founded_on=dt.date(2020, 1, 1))
        for _m in range(n % 4):
            MembershipFactory(kube=kube, role=Role.ANGGOTA)
        if n % 3:
            category = ["tumbuh", "berkembang", "mandiri"][n % 3]
            Assessment.objects.create(
                kube=kube,
                as_of=dt.date(2025, 12, 31),
                computed_category=category,
                final_category=category,
                score=n % 10,
                rubric_version="v1",
                assessed_at=now,
            )


def _plain(user, params: dict) -> list[int]:
    """The list's groups in its order, every one, with the plain queryset."""
    queryset = kube_queryset(user).order_by("no_registrasi")
    return list(KubeListFilter(params, queryset=queryset, user=user).qs.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "params",
    [{}, {"o": "-members"}, {"o": "name"}, {"o": "score"}, {"o": "-category"}, {"kategori": "mandiri"}, {"q": "6"}],
)
def test_every_page_holds_the_plain_slice(client_for, officer, many, params):
    client = client_for(officer)
    plain = _plain(officer, params)
    assert len(plain) > 0
    pages = (len(plain) + PAGE - 1) // PAGE
    shown = []
    for number in range(1, pages + 1):
        response = client.get("/kelompok/", {**params, "page": number})
        assert response.status_code == 200
        rows = response.context["object_list"]
        assert [kube.pk for kube in rows] == plain[(number - 1) * PAGE : number * PAGE]
        shown += [kube.pk for kube in rows]
        for kube in rows:  # the annotations came with the rows
            assert kube.active_member_count == Kube.objects.get(pk=kube.pk).memberships.filter(left_on=None).count()
    assert shown == plain


def test_a_page_past_the_last_is_not_found(client_for, officer, many):
    assert client_for(officer).get("/kelompok/", {"page": 99}).status_code == 404
