"""The kelompok sheet's `kategori`, `skor`, `tanggal_penilaian`: each group's latest assessment."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.exports import latest_assessment_columns
from groups.models import Kube
from pages import workbook
from tests.assessments.test_listing import assessed, build_city
from tests.factories import KubeFactory
from tests.kube_registry.test_exporting import export, sheets_of

COLUMNS = ("kategori", "skor", "tanggal_penilaian")
EXPECTED = {
    "Anggrek": ["mandiri", 92.5, dt.datetime(2024, 12, 31)],
    "Bougenvil": ["tumbuh", 40, dt.datetime(2024, 12, 31)],
    "Cempaka": ["berkembang", 70, dt.datetime(2024, 6, 30)],  # an officer's final category
    "Dahlia": ["berkembang", 85, dt.datetime(2024, 12, 31)],
    "Edelweis": [None, None, None],  # never assessed
}


@pytest.fixture
def city(facilitator):
    return build_city(facilitator)


def columns_by_name(rows: list[list]) -> dict[str, list]:
    header, *body = rows
    index = [header.index(column) for column in COLUMNS]
    name = header.index("nama_kube")
    return {row[name]: [row[i] for i in index] for row in body}


def test_the_workbook_adds_the_assessment_columns_to_kelompok():
    assert latest_assessment_columns in [added.values for added in workbook.KELOMPOK_ADDED]


def test_export_registry_fills_the_columns_with_the_latest_assessment(tmp_path, city):
    path, _out = export(tmp_path)
    assert columns_by_name(sheets_of(path)["kelompok"]) == EXPECTED


def test_export_registry_csv_carries_the_same_values(tmp_path, city):
    path = tmp_path / "kelompok.csv"
    call_command("export_registry", "--output", str(path), stdout=io.StringIO())
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert columns_by_name(rows) == {
        "Anggrek": ["mandiri", "92.5", "2024-12-31"],
        "Bougenvil": ["tumbuh", "40", "2024-12-31"],
        "Cempaka": ["berkembang", "70", "2024-06-30"],
        "Dahlia": ["berkembang", "85", "2024-12-31"],
        "Edelweis": ["", "", ""],
    }


def test_web_export_of_the_filtered_list_carries_the_latest_assessment(client_for, officer, city):
    client = client_for(officer)
    response = client.get(reverse("groups:kube_export", args=["xlsx"]), {"kategori": "berkembang", "o": "-score"})
    assert response.status_code == 200
    assert columns_by_name(sheets_of(response.content)["kelompok"]) == {
        name: EXPECTED[name] for name in ("Cempaka", "Dahlia")
    }
    response = client.get(reverse("groups:kube_export", args=["csv"]), {"kategori": "mandiri"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert columns_by_name(rows) == {"Anggrek": ["mandiri", "92.5", "2024-12-31"]}


def test_the_list_links_its_export_with_the_category_filter(client_for, officer, city):
    html = client_for(officer).get(reverse("groups:kube_list"), {"kategori": "mandiri"}).content.decode()
    assert f'href="{reverse("groups:kube_export", args=["csv"])}?kategori=mandiri"' in html


@pytest.mark.parametrize("groups", [2, 30])
def test_one_query_per_chunk_whatever_the_number_of_groups_and_assessments(db, groups):
    for kube in KubeFactory.create_batch(groups):
        for year in (2022, 2023, 2024):
            assessed(kube, dt.date(year, 12, 31), "tumbuh", str(year - 2000))
    ids = list(Kube.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        values = latest_assessment_columns(ids)
    assert len(queries) == 1
    assert len(values) == groups
    assert {tuple(v.values()) for v in values.values()} == {("tumbuh", 24, dt.date(2024, 12, 31))}
