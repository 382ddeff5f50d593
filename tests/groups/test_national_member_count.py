"""Active member counts as a subquery per group (issue 19, part 3), against the plain joined Count.

The group list used to join every group in view to its memberships and group them
before cutting the page; the subquery counts only the page's groups. Same numbers.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from groups.models import Kube, Role
from tests.factories import KubeFactory, MembershipFactory


@pytest.fixture
def groups(facilitator):
    """Groups with 0 to 4 members, some of whom left."""
    made = []
    for n in range(5):
        kube = KubeFactory(facilitator=facilitator, name=f"KUBE Hitung {n}")
        for m in range(n):
            left = m % 2 == 1
            MembershipFactory(
                kube=kube,
                role=Role.ANGGOTA,
                joined_on=dt.date(2020, 1, 1),
                left_on=dt.date(2021, 1, 1) if left else None,
                leave_reason="pindah" if left else "",
            )
        made.append(kube)
    return made


def _plain():
    counted = Kube.objects.annotate(n=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
    return dict(counted.values_list("pk", "n"))


def test_the_subquery_counts_what_the_joined_count_counts(groups):
    counts = dict(Kube.objects.with_member_count().values_list("pk", "active_member_count"))
    assert counts == _plain()
    assert sorted(counts[k.pk] for k in groups) == [0, 1, 1, 2, 2]


def test_the_list_shows_and_sorts_by_the_same_counts(client_for, officer, groups):
    client = client_for(officer)
    response = client.get("/kelompok/", {"o": "-members"})
    assert response.status_code == 200
    shown = [(kube.pk, kube.active_member_count) for kube in response.context["object_list"]]
    plain = _plain()
    assert all(count == plain[pk] for pk, count in shown)
    assert [count for _pk, count in shown] == sorted(plain.values(), reverse=True)


def test_the_pager_counts_groups_without_joining_members(client_for, officer, groups):
    with CaptureQueriesContext(connection) as queries:
        response = client_for(officer).get("/kelompok/")
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts, "the pager counts the groups"
    assert all("groups_membership" not in sql for sql in counts)
