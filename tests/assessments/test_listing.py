"""The group list's assessment columns: latest category, score and flags; filter and sorts."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from pages.group_list import COLUMNS, KubeListFilter
from tests.factories import KubeFactory, MembershipFactory

LIST = reverse("groups:kube_list")
ANGGREK_BREAKDOWN = {
    "administrasi": "15",
    "organisasi": "15",
    "usaha": "15",
    "pemasaran": "10",
    "aset": "15",
    "akses_sumber": "15",
    "lembaga_keuangan": "7.5",
}


def assessed(
    kube, as_of, category, score, *, computed=None, inactive=False, at_risk=False, breakdown=None
) -> Assessment:
    """A stored assessment; `computed` differs from `category` where an officer overrode it."""
    computed = computed or category
    return Assessment.objects.create(
        kube=kube,
        as_of=as_of,
        computed_category=computed,
        final_category=category,
        override_reason="" if computed == category else "Keputusan dinas",
        score=Decimal(score),
        score_breakdown=breakdown or {},
        rubric_version="v1",
        is_inactive=inactive,
        is_at_risk=at_risk,
        assessed_at=timezone.now(),
    )


def build_city(facilitator) -> dict:
    """Five groups: each latest assessment differs from an older one; one never assessed."""
    groups = {
        name: KubeFactory(name=name, facilitator=facilitator)
        for name in ("Anggrek", "Bougenvil", "Cempaka", "Dahlia", "Edelweis")
    }
    assessed(groups["Anggrek"], dt.date(2023, 12, 31), "tumbuh", "30")
    assessed(groups["Anggrek"], dt.date(2024, 12, 31), "mandiri", "92.5", breakdown=ANGGREK_BREAKDOWN)
    assessed(groups["Bougenvil"], dt.date(2023, 12, 31), "mandiri", "95")
    assessed(groups["Bougenvil"], dt.date(2024, 12, 31), "tumbuh", "40", inactive=True, at_risk=True)
    assessed(groups["Cempaka"], dt.date(2024, 6, 30), "berkembang", "70", computed="tumbuh")
    assessed(groups["Dahlia"], dt.date(2024, 12, 31), "berkembang", "85", at_risk=True)
    return groups


@pytest.fixture
def city(facilitator):
    return build_city(facilitator)


def names(response) -> list[str]:
    return [kube.name for kube in response.context["object_list"]]


def test_the_group_list_declares_the_assessment_filter_and_columns():
    assert "kategori" in KubeListFilter.declared_filters
    assert "assessments/listing_columns.html" in [columns.template for columns in COLUMNS]


def test_list_shows_the_latest_final_category_score_and_flags(client_for, officer, city):
    response = client_for(officer).get(LIST)
    rows = {kube.name: kube for kube in response.context["object_list"]}
    assert (rows["Anggrek"].latest_final_category, rows["Anggrek"].latest_score) == ("mandiri", Decimal("92.5"))
    assert (rows["Cempaka"].latest_final_category, rows["Cempaka"].latest_as_of) == ("berkembang", dt.date(2024, 6, 30))
    assert (rows["Bougenvil"].latest_is_inactive, rows["Bougenvil"].latest_is_at_risk) == (True, True)
    assert rows["Edelweis"].latest_final_category is None
    html = response.content.decode()
    cells = {
        name: re.search(rf">{name}</a>.*?</tr>", html, re.S).group(0) for name in ("Anggrek", "Bougenvil", "Edelweis")
    }
    assert "Mandiri</span>" in cells["Anggrek"]
    assert (
        '<span title="Administrasi 15 · Organisasi 15 · Usaha 15 · Pemasaran 10 · Aset 15 · Akses sumber daya 15 · '
        'Lembaga keuangan 7,5">92,5</span>'
    ) in cells["Anggrek"]
    assert "Penilaian per 31 Des 2024" in cells["Anggrek"]
    assert "Tumbuh</span>" in cells["Bougenvil"]
    assert 'title="Tidak aktif"' in cells["Bougenvil"]
    assert 'title="Berisiko"' in cells["Bougenvil"]
    assert "Tidak aktif" not in cells["Anggrek"]
    assert 'title="Belum dinilai"' in cells["Edelweis"]
    assert '<th scope="col">Kategori</th>' in html


def test_facilitators_list_shows_the_columns_for_their_own_groups(client_for, facilitator, city):
    KubeFactory(name="Lain")
    response = client_for(facilitator).get(LIST)
    assert sorted(names(response)) == sorted(city)
    assert "Mandiri</span>" in response.content.decode()


@pytest.mark.parametrize(
    ("category", "expected"),
    [("mandiri", ["Anggrek"]), ("tumbuh", ["Bougenvil"]), ("berkembang", ["Cempaka", "Dahlia"])],
)
def test_filter_by_category_keeps_the_groups_whose_latest_final_category_it_is(
    client_for, officer, city, category, expected
):
    response = client_for(officer).get(LIST, {"kategori": category})
    assert names(response) == expected
    assert "<details open>" in response.content.decode()


def test_category_filter_is_labelled_in_indonesian_and_ignores_unknown_values(client_for, officer, city):
    response = client_for(officer).get(LIST, {"kategori": "juara"})
    assert len(names(response)) == 5
    field = response.context["filter"].form["kategori"]
    assert field.label == "Kategori"
    assert [label for _value, label in field.field.choices] == ["Semua kategori", "Tumbuh", "Berkembang", "Mandiri"]
    assert (
        "Masukkan pilihan yang valid. juara bukan salah satu dari pilihan yang tersedia." in response.content.decode()
    )


def test_sort_by_score_both_ways_with_unassessed_groups_last(client_for, officer, city):
    client = client_for(officer)
    assert names(client.get(LIST, {"o": "score"})) == ["Bougenvil", "Cempaka", "Dahlia", "Anggrek", "Edelweis"]
    assert names(client.get(LIST, {"o": "-score"})) == ["Anggrek", "Dahlia", "Cempaka", "Bougenvil", "Edelweis"]


def test_sort_by_category_in_order_of_independence_then_by_score(client_for, officer, city):
    client = client_for(officer)
    assert names(client.get(LIST, {"o": "category"})) == ["Bougenvil", "Cempaka", "Dahlia", "Anggrek", "Edelweis"]
    assert names(client.get(LIST, {"o": "-category"})) == ["Anggrek", "Dahlia", "Cempaka", "Bougenvil", "Edelweis"]


def test_sort_choices_are_labelled_in_indonesian(client_for, officer, city):
    choices = dict(client_for(officer).get(LIST).context["filter"].form["o"].field.choices)
    assert choices["-score"] == "Skor penilaian (menurun)"
    assert choices["category"] == "Kategori"
    assert choices["members"] == "Jumlah anggota"  # the registry's own sorts stay


def test_filter_and_sort_together_and_with_the_registry_filters(client_for, officer, city):
    response = client_for(officer).get(LIST, {"kategori": "berkembang", "o": "-score", "q": "a"})
    assert names(response) == ["Dahlia", "Cempaka"]


@pytest.mark.parametrize("count", [2, 30])
def test_query_count_with_the_assessment_columns_does_not_grow(client_for, officer, django_assert_num_queries, count):
    for number, kube in enumerate(KubeFactory.create_batch(count)):
        MembershipFactory(kube=kube)
        assessed(kube, dt.date(2023, 12, 31), "tumbuh", "20")
        assessed(kube, dt.date(2024, 12, 31), ("tumbuh", "berkembang", "mandiri")[number % 3], str(number))
    client = client_for(officer)
    # session, user, roles, permissions x2, filter choices (kecamatan, kelurahan,
    # facilitators), count, page of groups with their latest assessment, the bell's unread count
    with django_assert_num_queries(11):
        response = client.get(LIST, {"o": "-score"})
    assert len(response.context["object_list"]) == min(count, 25)
    with django_assert_num_queries(11):
        response = client.get(LIST, {"kategori": "tumbuh", "o": "category"})
    assert len(response.context["object_list"]) == len(range(0, count, 3))


def test_groups_and_kube_registry_never_import_assessments():
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for app in ("groups", "kube_registry")
        for path in (root / app).rglob("*.py")
        if re.search(r"^\s*(from|import)\s+assessments\b", path.read_text(), re.M)
    ]
    assert offenders == []
