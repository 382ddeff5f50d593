"""The facilitator's home: groups not visited within the period first, each with its
last visit, and their groups' open follow-ups, the overdue first."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from groups.models import KubeStatus
from monitoring.models import FollowUp, FollowUpOwner, Visit
from tests.factories import KubeFactory

TODAY = dt.date(2026, 6, 30)


def visit(kube, days_ago):
    return Visit.objects.create(
        kube=kube, visited_on=TODAY - dt.timedelta(days=days_ago), kind="pendampingan", visitor=kube.facilitator
    )


@freeze_time("2026-06-30 12:00:00+08:00")
def test_not_visited_groups_rank_higher_with_their_last_visit(client_for, facilitator, other_facilitator):
    recent = KubeFactory(facilitator=facilitator, name="A baru dikunjungi")
    visit(recent, 89)  # day 90 of the period: covered
    old = KubeFactory(facilitator=facilitator, name="B lama")
    visit(old, 90)  # day 91: not covered
    KubeFactory(facilitator=facilitator, name="C belum pernah")
    KubeFactory(facilitator=facilitator, name="D tidak aktif", status=KubeStatus.TIDAK_AKTIF)
    theirs = KubeFactory(facilitator=other_facilitator, name="Z milik lain")
    agreed_old = Visit.objects.filter(kube=old).first()
    FollowUp.objects.create(
        visit=agreed_old, kube=old, action="Susun jadwal piket", owner=FollowUpOwner.PENDAMPING, due_on=TODAY
    )
    FollowUp.objects.create(
        visit=agreed_old,
        kube=old,
        action="Buka rekening bersama",
        owner=FollowUpOwner.DINAS,
        due_on=TODAY - dt.timedelta(days=1),
    )
    other = visit(theirs, 1)
    FollowUp.objects.create(visit=other, kube=theirs, action="Rahasia lain", owner=FollowUpOwner.DINAS, due_on=TODAY)
    response = client_for(facilitator).get("/")
    names = [row.kube.name for row in response.context["rows"]]
    # Never visited before visited longest ago, among the not-visited; the inactive group is not expected.
    assert names == ["C belum pernah", "B lama", "A baru dikunjungi", "D tidak aktif"]
    page = response.content.decode()
    assert "1 Apr 2026" in page and "belum pernah" in page and "2 Apr 2026" in page
    assert [f.action for f in response.context["follow_ups"]] == ["Buka rekening bersama", "Susun jadwal piket"]
    assert "lewat batas" in page and "Rahasia lain" not in page


@freeze_time("2026-06-30 12:00:00+08:00")
def test_home_queries_do_not_grow_with_visits_and_follow_ups(client_for, facilitator):
    client = client_for(facilitator)
    kube = KubeFactory(facilitator=facilitator)
    agreed = visit(kube, 3)
    FollowUp.objects.create(visit=agreed, kube=kube, action="x", owner=FollowUpOwner.DINAS, due_on=TODAY)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(6):
        more = KubeFactory(facilitator=facilitator)
        for days in (5, 100, 400):
            agreed = visit(more, days + i)
            FollowUp.objects.create(visit=agreed, kube=more, action="y", owner=FollowUpOwner.DINAS, due_on=TODAY)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(few) == len(many)
