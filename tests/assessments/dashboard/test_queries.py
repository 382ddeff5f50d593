"""The number of queries of the dashboard and the facilitator's home does not grow with the groups."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment
from finances.models import MonthlyReport
from groups.models import Kelurahan, Kube
from monitoring.models import Visit
from tests.factories import FacilitatorFactory

from .helpers import AS_OF, YEAR_BEFORE, assessment

CATEGORIES = ("tumbuh", "berkembang", "mandiri")


def build_city(count: int, facilitators: list) -> None:
    """`count` groups spread over every kelurahan and the facilitators, assessed twice, with a year of reports."""
    kelurahans = list(Kelurahan.objects.all())
    start = Kube.objects.count()
    kubes = Kube.objects.bulk_create(
        Kube(
            no_registrasi=f"6474-2019-{start + i:05d}",
            name=f"KUBE Banyak {start + i}",
            kelurahan=kelurahans[i % len(kelurahans)],
            founded_on=dt.date(2019, 1, 1),
            business_field=("jasa", "perdagangan", "produksi")[i % 3],
            facilitator=facilitators[i % len(facilitators)],
        )
        for i in range(count)
    )
    flags = [{"key": "berisiko", "reasons": ["anggota aktif 4 (kurang dari 5)"]}]
    Assessment.objects.bulk_create(
        [
            assessment(kube, day, CATEGORIES[(i + shift) % 3], flags=flags if i % 4 == 0 else ())
            for i, kube in enumerate(kubes)
            for shift, day in enumerate((YEAR_BEFORE, AS_OF))
        ]
    )
    # Visits (two each to half the groups): the coverage block counts them in the database.
    Visit.objects.bulk_create(
        Visit(kube=kube, visited_on=AS_OF - dt.timedelta(days=d), kind="pendampingan", visitor=kube.facilitator)
        for i, kube in enumerate(kubes)
        if i % 2
        for d in (3, 200)
    )
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            kube=kube,
            period=dt.date(2024, month, 1),
            income=1_000_000,
            expenses=500_000,
            iks_collected=20_000,
            status="verified",
        )
        for kube in kubes
        for month in range(1, 13)
    )


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_groups(client_for, officer):
    facilitators = [FacilitatorFactory(username="dasbor_a"), FacilitatorFactory(username="dasbor_b")]
    client = client_for(officer)
    url = reverse("assessments:dashboard")
    build_city(10, facilitators)
    small = count_queries(client, url, {"tahun": 2024})
    build_city(190, [*facilitators, FacilitatorFactory(username="dasbor_c")])
    large = count_queries(client, url, {"tahun": 2024})
    assert small == large
    # Each block is one or two queries; "cakupan_kunjungan" adds one (coverage by kecamatan).
    assert 10 < large < 40
    page = client.get(url, {"tahun": 2024})
    assert sum(page.context["blocks"]["kategori"].extra["counts"].values()) == 200


def test_export_queries_do_not_grow_with_groups(client_for, officer):
    facilitators = [FacilitatorFactory(username="dasbor_a")]
    client = client_for(officer)
    url = reverse("assessments:dashboard_export", args=["berisiko", "xlsx"])
    build_city(10, facilitators)
    small = count_queries(client, url, {"tahun": 2024})
    build_city(190, facilitators)
    assert count_queries(client, url, {"tahun": 2024}) == small


def test_facilitator_home_queries_do_not_grow_with_groups(client_for, db):
    facilitator = FacilitatorFactory(username="dasbor_f")
    client = client_for(facilitator)
    url = reverse("assessments:facilitator_home")
    build_city(3, [facilitator])
    small = count_queries(client, url)
    build_city(30, [facilitator])
    assert count_queries(client, url) == small
