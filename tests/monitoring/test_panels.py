"""The profile's field panels: "Kunjungan dan dinamika" and "Enam faktor kemandirian"."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from monitoring.dynamics import ASPECTS
from monitoring.models import FollowUp, FollowUpOwner, Training, TrainingKind, Visit
from tests.factories import MembershipFactory
from tests.finances.factories import MonthlyReportFactory, ProductFactory
from tests.partnerships.factories import PartnershipFactory, home_city

TODAY = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2026-06-30 12:00:00+08:00"):
        yield


COMMUNICATION, COHESION, LEADERSHIP, TASKS = (
    ASPECTS[0],
    ASPECTS[2],
    ASPECTS[3],
    ASPECTS[5],
)


def visit(kube, day, **scores):
    return Visit.objects.create(kube=kube, visited_on=day, kind="pendampingan", visitor=kube.facilitator, **scores)


def build_history(kube, *, extra_visits: int = 0):
    older = visit(kube, dt.date(2026, 1, 10), communication=2, cohesion=3, leadership=2, task_structure=2)
    latest = visit(kube, dt.date(2026, 5, 20), communication=3, cohesion=3, leadership=1, task_structure=4)
    visit(kube, dt.date(2026, 6, 10))  # no dynamics observed: the last visit, not an observation
    visit(kube, dt.date(2025, 5, 1))  # more than 12 months ago
    for i in range(extra_visits):
        visit(kube, dt.date(2025, 7, 1) + dt.timedelta(days=i), communication=1 + i % 4)
    FollowUp.objects.create(
        visit=older, kube=kube, action="Susun jadwal piket tertulis", owner=FollowUpOwner.PENDAMPING, due_on=TODAY
    )
    FollowUp.objects.create(
        visit=latest,
        kube=kube,
        action="Daftarkan ke pameran",
        owner=FollowUpOwner.DINAS,
        due_on=dt.date(2026, 6, 1),
    )
    FollowUp.objects.create(
        visit=older,
        kube=kube,
        action="Sudah beres",
        owner=FollowUpOwner.DINAS,
        due_on=dt.date(2026, 2, 1),
        closed_on=dt.date(2026, 2, 1),
        outcome="Selesai",
    )
    training, _created = Training.objects.get_or_create(
        city=home_city(), title="Studi banding ke Malang", held_on=dt.date(2025, 11, 3), kind=TrainingKind.STUDI_BANDING
    )
    members = [MembershipFactory(kube=kube) for _ in range(3)]
    training.participants.add(*members[:2], MembershipFactory())  # one of another group
    PartnershipFactory(kube=kube, has_koordinasi=True, has_pemasaran=True)
    ProductFactory(kube=kube, name="Amplang", started_on=dt.date(2022, 3, 1))
    ProductFactory(kube=kube, name="Kerupuk", started_on=dt.date(2023, 1, 1), ended_on=dt.date(2024, 1, 1))
    MonthlyReportFactory(kube=kube, period=dt.date(2026, 4, 1), status="verified")
    MonthlyReportFactory(kube=kube, period=dt.date(2024, 4, 1), status="verified")  # too old


def test_visits_panel_shows_the_last_visit_dynamics_trend_follow_ups_and_trainings(client_for, officer, kube):
    build_history(kube)
    response = client_for(officer).get(kube.get_absolute_url())
    page = response.content.decode()
    assert "Kunjungan dan dinamika" in page
    assert "Kunjungan terakhir: 10 Juni 2026" in page
    assert "3 kunjungan dalam 12 bulan terakhir" in page
    assert "Diamati 20 Mei 2026" in page and "Dibanding pengamatan 10 Januari 2026" in page
    assert f"3/4 · {COMMUNICATION.levels[2]}" in page
    assert "↑ membaik" in page and "↓ menurun" in page and "= tetap" in page
    assert "Tindak lanjut terbuka: 2 (1 lewat batas)" in page
    assert "Daftarkan ke pameran" in page and "Susun jadwal piket tertulis" in page and "Sudah beres" not in page
    assert "Studi banding ke Malang (Studi banding)" in page and "2 anggota ikut" in page


def test_six_factors_panel_shows_evidence_with_numbers_and_dates(client_for, officer, kube):
    build_history(kube)
    page = client_for(officer).get(kube.get_absolute_url()).content.decode()
    assert "Enam faktor kemandirian" in page
    assert "3 kunjungan dalam 12 bulan terakhir" in page and "terakhir 10 Jun 2026" in page
    assert "1 mitra aktif per 30 Jun 2026" in page and "Koordinasi 1" in page and "Pemasaran 1" in page
    assert f"kekompakan 3/4 ({COHESION.levels[2]})" in page
    assert f"pembagian tugas 4/4 ({TASKS.levels[3]})" in page
    assert "1 laporan bulanan dalam 12 bulan terakhir" in page and "terakhir April 2026" in page
    assert "Diamati 20 Mei 2026: 1/4" in page and str(LEADERSHIP.levels[0]) in page
    assert "2 produk/usaha pernah dimulai, 1 masih berjalan" in page and "Amplang (Mar 2022)" in page
    assert "1 kegiatan, 2 keikutsertaan anggota" in page


def test_a_group_never_visited(client_for, officer, kube):
    page = client_for(officer).get(kube.get_absolute_url()).content.decode()
    assert "Belum pernah dikunjungi." in page and "Belum ada pengamatan dinamika." in page
    assert "belum pernah dikunjungi." in page and "Belum diamati." in page


def test_panels_are_shown_to_the_groups_facilitator(client_for, kube):
    build_history(kube)
    page = client_for(kube.facilitator).get(kube.get_absolute_url()).content.decode()
    assert "Kunjungan dan dinamika" in page and "Enam faktor kemandirian" in page


def _profile_queries(client, kube) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(kube.get_absolute_url()).status_code == 200
    return len(queries)


def test_profile_queries_do_not_grow_with_visits(client_for, officer, kube, other_facilitator):
    from tests.factories import KubeFactory

    client = client_for(officer)
    build_history(kube)
    few = _profile_queries(client, kube)
    crowded = KubeFactory(facilitator=kube.facilitator)
    build_history(crowded, extra_visits=40)
    assert _profile_queries(client, crowded) == few


def test_each_panel_is_a_fixed_number_of_queries(rf, officer, kube):
    from monitoring.panels import factors_context, visits_context

    build_history(kube)
    request = rf.get("/")
    request.user = officer
    officer.get_all_permissions()
    # visits: the last visit with the year's count, the two latest observations, the open follow-ups, the trainings.
    with CaptureQueriesContext(connection) as queries:
        visits_context(request, kube)
    assert len(queries) == 4
    # factors: the year's visits, partnerships in force, the latest cohesion/rota observation, the latest
    # leadership observation, the reports of 12 months, the products, the trainings.
    with CaptureQueriesContext(connection) as queries:
        factors_context(request, kube)
    assert len(queries) == 7


def test_the_last_12_months_start_the_day_after_a_year_ago(kube):
    from monitoring.selectors import visit_summary

    visit(kube, dt.date(2025, 6, 30))  # a year ago to the day: outside
    visit(kube, dt.date(2025, 7, 1))  # inside
    summary = visit_summary(kube, TODAY)
    assert summary.last_year == 1 and summary.last.visited_on == dt.date(2025, 7, 1)
