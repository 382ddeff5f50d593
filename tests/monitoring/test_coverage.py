"""Coverage of the active groups by visits, on a constructed calendar, and the
follow-ups the office sees (monitoring.selectors, /pemantauan/)."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from freezegun import freeze_time

from groups.models import Kecamatan, Kelurahan, KubeStatus
from monitoring import selectors
from monitoring.models import FollowUp, FollowUpOwner, Visit, VisitKind
from tests.factories import ADMIN, ANON, FAC, OFFICER, OTHER, FacilitatorFactory, KubeFactory

AS_OF = dt.date(2026, 6, 30)


def visit(kube, day, *, kind=VisitKind.PENDAMPINGAN, **scores):
    return Visit.objects.create(kube=kube, visited_on=day, kind=kind, visitor=kube.facilitator, **scores)


def day_back(n: int) -> dt.date:
    """The n-th day of the period ending on AS_OF (day 1 is AS_OF itself)."""
    return AS_OF - dt.timedelta(days=n - 1)


def test_coverage_start_is_the_ninetieth_day_back():
    assert selectors.coverage_start(AS_OF, 90) == day_back(90) == dt.date(2026, 4, 2)
    assert selectors.is_covered(day_back(90), AS_OF, 90)
    assert not selectors.is_covered(day_back(91), AS_OF, 90)
    assert not selectors.is_covered(None, AS_OF, 90)
    assert not selectors.is_covered(AS_OF + dt.timedelta(days=1), AS_OF, 90)


@pytest.mark.django_db
def test_a_visit_on_day_90_covers_and_on_day_91_does_not(settings):
    settings.KUBE_MONITORING_PERIOD_DAYS = 90
    on_90, on_91 = KubeFactory(name="A 90"), KubeFactory(name="B 91")
    KubeFactory(name="C belum")
    visit(on_90, day_back(90))
    visit(on_91, day_back(91))
    visit(on_91, AS_OF + dt.timedelta(days=1))  # after the day asked: does not count
    rows = {k.name: k for k in selectors.coverage_kubes(KubeFactory._meta.model.objects.all(), AS_OF)}
    assert rows["A 90"].is_covered and rows["A 90"].last_visit_on == day_back(90)
    assert not rows["B 91"].is_covered and rows["B 91"].last_visit_on == day_back(91)
    assert not rows["C belum"].is_covered and rows["C belum"].last_visit_on is None
    # One day later, the day-90 visit has left the period too.
    later = selectors.coverage_kubes(KubeFactory._meta.model.objects.filter(pk=on_90.pk), AS_OF + dt.timedelta(days=1))
    assert not later.get().is_covered
    assert [k.name for k in selectors.not_visited(KubeFactory._meta.model.objects.all(), AS_OF)] == [
        "C belum",
        "B 91",
    ]


@pytest.mark.django_db
def test_the_period_is_a_setting(settings):
    settings.KUBE_MONITORING_PERIOD_DAYS = 30
    kube = KubeFactory()
    visit(kube, day_back(31))
    assert not selectors.coverage_kubes(KubeFactory._meta.model.objects.all(), AS_OF).get().is_covered
    settings.KUBE_MONITORING_PERIOD_DAYS = 31
    assert selectors.coverage_kubes(KubeFactory._meta.model.objects.all(), AS_OF).get().is_covered


@pytest.mark.django_db
def test_per_facilitator_and_kecamatan_count_only_active_groups():
    Kube = KubeFactory._meta.model
    ani = FacilitatorFactory(username="ani", first_name="Ani", last_name="")
    budi = FacilitatorFactory(username="budi", first_name="Budi", last_name="")
    selatan = Kelurahan.objects.filter(kecamatan__name__icontains="Selatan").first()
    a1, a2 = KubeFactory(facilitator=ani), KubeFactory(facilitator=ani, kelurahan=selatan)
    b1 = KubeFactory(facilitator=budi)
    KubeFactory(facilitator=budi, status=KubeStatus.BUBAR)  # not counted
    KubeFactory(facilitator=budi, status=KubeStatus.TIDAK_AKTIF)  # not counted
    KubeFactory(facilitator=budi, founded_on=AS_OF + dt.timedelta(days=1))  # not founded yet
    visit(a1, day_back(1))
    visit(a1, day_back(10))  # two visits of one group count it once
    visit(a2, day_back(200))
    visit(b1, day_back(5))
    rows = {r.label: r for r in selectors.coverage_by_facilitator(Kube.objects.all(), AS_OF, 90)}
    assert (rows["Ani"].active, rows["Ani"].covered, rows["Ani"].not_covered, rows["Ani"].percent) == (2, 1, 1, 50)
    assert (rows["Budi"].active, rows["Budi"].covered, rows["Budi"].percent) == (1, 1, 100)
    by_kecamatan = {r.label: r for r in selectors.coverage_by_kecamatan(Kube.objects.all(), AS_OF, 90)}
    utara = Kecamatan.objects.get(kelurahans__code="64.74.01.1004").name
    assert (by_kecamatan[utara].active, by_kecamatan[utara].covered) == (2, 2)
    assert (by_kecamatan[selatan.kecamatan.name].active, by_kecamatan[selatan.kecamatan.name].covered) == (1, 0)
    total = selectors.coverage_total(list(by_kecamatan.values()))
    assert (total.active, total.covered, total.not_covered) == (3, 2, 1)


@pytest.mark.django_db
def test_open_and_overdue_follow_ups():
    kube = KubeFactory()
    agreed = visit(kube, AS_OF - dt.timedelta(days=40))
    late = FollowUp.objects.create(
        visit=agreed, kube=kube, action="Buat jadwal piket", owner=FollowUpOwner.PENDAMPING, due_on=day_back(2)
    )
    due_today = FollowUp.objects.create(
        visit=agreed, kube=kube, action="Buka rekening", owner=FollowUpOwner.DINAS, due_on=AS_OF
    )
    FollowUp.objects.create(
        visit=agreed,
        kube=kube,
        action="Sudah",
        owner=FollowUpOwner.DINAS,
        due_on=day_back(30),
        closed_on=day_back(20),
        outcome="Selesai",
    )
    closed_later = FollowUp.objects.create(
        visit=agreed,
        kube=kube,
        action="Ditutup sesudahnya",
        owner=FollowUpOwner.DINAS,
        due_on=day_back(30),
        closed_on=AS_OF + dt.timedelta(days=3),
        outcome="Selesai",
    )
    open_ = list(selectors.open_follow_ups(None, AS_OF))
    assert [f.pk for f in open_] == [closed_later.pk, late.pk, due_today.pk]
    assert [f.is_overdue for f in open_] == [True, True, False]
    assert [f.pk for f in selectors.overdue_follow_ups(None, AS_OF)] == [closed_later.pk, late.pk]


# --- The page ---------------------------------------------------------------------------------


URL = "/pemantauan/"


def test_coverage_url_is_the_contracts():
    assert reverse("monitoring_coverage:coverage") == URL


@pytest.mark.django_db
def test_coverage_page_access(client_for, personas):
    assert client_for(personas[ANON]).get(URL).status_code == 302
    assert client_for(personas[FAC]).get(URL).status_code == 403
    assert client_for(personas[OTHER]).get(URL).status_code == 403
    assert client_for(personas[OFFICER]).get(URL).status_code == 200
    assert client_for(personas[ADMIN]).get(URL).status_code == 200
    assert client_for(personas[OFFICER]).post(URL).status_code == 405


@pytest.mark.django_db
@freeze_time("2026-06-30 12:00:00+08:00")
def test_coverage_page_shows_tables_lists_and_follow_ups(client_for, officer, kube):
    visited = KubeFactory(name="KUBE Rajin", facilitator=kube.facilitator)
    agreed = visit(visited, day_back(90))
    visit(kube, day_back(91))
    FollowUp.objects.create(
        visit=agreed, kube=visited, action="Tulis jadwal piket", owner=FollowUpOwner.PENDAMPING, due_on=day_back(3)
    )
    page = client_for(officer).get(URL).content.decode()
    assert "1 dari 2 KUBE aktif dikunjungi" in page
    assert "50%" in page
    assert "KUBE Mekar Uji" in page and "1 Apr 2026" in page  # not visited, last visit on day 91
    assert "Tulis jadwal piket" in page and "lewat batas" in page
    # The period is a filter: 91 days covers both.
    page = client_for(officer).get(URL, {"hari": 91}).content.decode()
    assert "2 dari 2 KUBE aktif dikunjungi" in page
    # As of before any visit: nobody covered, never visited.
    page = client_for(officer).get(URL, {"tanggal": "2026-01-01"}).content.decode()
    assert "0 dari 2 KUBE aktif dikunjungi" in page and "belum pernah" in page
    # A date after today is refused with a message, and the page falls back to today.
    response = client_for(officer).get(URL, {"tanggal": "2026-07-01"})
    assert "Tanggal tidak boleh melewati hari ini." in response.content.decode()


@pytest.mark.django_db
@freeze_time("2026-06-30 12:00:00+08:00")
def test_every_group_not_visited_and_every_follow_up_is_reachable_page_by_page(client_for, officer, kube):
    from monitoring.coverage_views import PER_PAGE

    agreed = visit(KubeFactory(facilitator=kube.facilitator), day_back(1))
    for i in range(PER_PAGE + 2):
        KubeFactory(name=f"KUBE Sepi {i:03d}", facilitator=kube.facilitator)
        FollowUp.objects.create(
            visit=agreed, kube=agreed.kube, action=f"Tugas {i:03d}", owner=FollowUpOwner.DINAS, due_on=day_back(1)
        )
    client = client_for(officer)
    first = client.get(URL).content.decode()
    assert "KUBE Sepi 000" in first and "KUBE Sepi 051" not in first
    assert "Tugas 000" in first and "Tugas 051" not in first
    # The second page of one list keeps the other list on its own page, and the filters.
    second = client.get(URL, {"hari": 30, "hal_kube": 2}).content.decode()
    assert "KUBE Sepi 051" in second and "KUBE Sepi 000" not in second
    assert "Tugas 000" in second and "Tugas 051" not in second
    assert "hari=30&amp;hal_kube=2&amp;hal_tl=2#tindak-lanjut" in second
    last = client.get(URL, {"hal_tl": 2}).content.decode()
    assert "Tugas 051" in last and "Tugas 000" not in last
    assert "53 lewat batas waktu" not in last and "0 lewat batas waktu" in last  # due today: not overdue yet


def _world(n: int):
    selatan = Kelurahan.objects.filter(kecamatan__name__icontains="Selatan").first()
    for i in range(n):
        facilitator = FacilitatorFactory()
        for j in range(2):
            kube = (
                KubeFactory(facilitator=facilitator, kelurahan=selatan) if j else KubeFactory(facilitator=facilitator)
            )
            if (i + j) % 2:
                agreed = visit(kube, day_back(5 + i))
                FollowUp.objects.create(
                    visit=agreed, kube=kube, action="x", owner=FollowUpOwner.DINAS, due_on=day_back(1 + i)
                )


@pytest.mark.django_db
@freeze_time("2026-06-30 12:00:00+08:00")
def test_coverage_page_query_count_does_not_grow(client_for, officer, django_assert_num_queries):
    client = client_for(officer)
    _world(1)
    client.get(URL)
    # session, user, permissions (x2: the user's and their groups'), coverage by facilitator,
    # by kecamatan, the groups not visited and their count, the open follow-ups and their
    # count, the overdue count, the user's role names (the menu), the kecamatan choices,
    # the bell's unread count.
    with django_assert_num_queries(14) as few:
        client.get(URL)
    _world(6)
    with django_assert_num_queries(len(few)):
        client.get(URL)


# --- The dashboard block ------------------------------------------------------------------------


@pytest.mark.django_db
@freeze_time("2026-06-30 12:00:00+08:00")
def test_dashboard_coverage_block_and_its_export(client_for, officer, kube):
    visit(KubeFactory(facilitator=kube.facilitator), day_back(90))
    visit(kube, day_back(91))
    KubeFactory(status=KubeStatus.BUBAR)
    response = client_for(officer).get(reverse("assessments:dashboard"))
    block = response.context["blocks"]["cakupan_kunjungan"]
    utara = Kecamatan.objects.get(kelurahans__code="64.74.01.1004").name
    assert block.table.rows == [[utara, 2, 1, 1, 50]]
    assert block.table.total[1:] == [2, 1, 1, 50]
    assert block.figure is not None and "50%" in block.summary
    assert 'id="cakupan_kunjungan"' in response.content.decode()
    # As of a day before: the day-91 visit was then within the period.
    block = client_for(officer).get(reverse("assessments:dashboard"), {"tanggal": "2026-06-29"}).context["blocks"]
    assert block["cakupan_kunjungan"].table.total[1:] == [2, 2, 0, 100]
    export = client_for(officer).get(reverse("assessments:dashboard_export", args=["cakupan_kunjungan", "csv"]))
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == ["Kecamatan", "KUBE aktif", "Dikunjungi", "Belum dikunjungi", "Cakupan"]
    assert rows[1] == [utara, "2", "1", "1", "50"]
    assert (
        client_for(kube.facilitator)
        .get(reverse("assessments:dashboard_export", args=["cakupan_kunjungan", "csv"]))
        .status_code
        == 403
    )
