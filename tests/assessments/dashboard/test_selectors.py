"""The dashboard's numbers against the registry, on constructed data (see conftest.city)."""

import datetime as dt

from assessments.dashboard import selectors
from assessments.dashboard.blocks import BLOCKS
from assessments.dashboard.filters import DashboardParams
from groups.models import Kube

from .conftest import MID_YEAR
from .helpers import AS_OF, YEAR_BEFORE


def kubes():
    return selectors.dashboard_kubes(Kube.objects.all())


def params(**changes) -> DashboardParams:
    values = dict(
        kubes=kubes(),
        as_of=AS_OF,
        year_before=YEAR_BEFORE,
        movement_from=YEAR_BEFORE,
        last_month=dt.date(2024, 12, 1),
        query="",
    )
    return DashboardParams(**(values | changes))


def test_counts_by_category_now_and_a_year_before(city):
    assert selectors.counts_by_category(kubes(), AS_OF) == {"tumbuh": 2, "berkembang": 3, "mandiri": 1, "": 1}
    assert selectors.counts_by_category(kubes(), YEAR_BEFORE) == {"tumbuh": 2, "berkembang": 2, "mandiri": 1, "": 2}


def test_latest_assessment_on_or_before_the_date(city):
    # Mid-2024, A was mandiri; C still mandiri from 2023; D not yet assessed.
    assert selectors.counts_by_category(kubes(), MID_YEAR) == {"tumbuh": 1, "berkembang": 2, "mandiri": 2, "": 2}
    assert selectors.counts_by_category(kubes(), dt.date(2023, 1, 1)) == {
        "tumbuh": 0,
        "berkembang": 0,
        "mandiri": 0,
        "": 7,
    }


def test_dissolved_groups_are_not_counted(city):
    counted = selectors.counts_by_category(kubes(), AS_OF)
    assert sum(counted.values()) == Kube.objects.exclude(status="bubar").count() == 7


def test_categories_by_kecamatan_match_the_registry(city):
    rows = {row.label: row for row in selectors.by_kecamatan(kubes(), AS_OF)}
    assert rows["Bontang Utara"].counts == {"tumbuh": 1, "berkembang": 3, "mandiri": 0, "": 0}
    assert rows["Bontang Selatan"].counts == {"tumbuh": 1, "berkembang": 0, "mandiri": 1, "": 1}
    for label, row in rows.items():
        assert row.total == kubes().filter(kelurahan__kecamatan__name=label).count()


def test_categories_by_business_field(city):
    rows = {row.key: row.counts for row in selectors.by_business_field(kubes(), AS_OF)}
    assert rows == {
        "jasa": {"tumbuh": 1, "berkembang": 0, "mandiri": 1, "": 1},
        "produksi": {"tumbuh": 1, "berkembang": 3, "mandiri": 0, "": 0},
    }


def test_categories_over_the_years_count_year_end_rounds(city):
    rows = selectors.by_year(kubes(), AS_OF)
    assert [(row.label, row.counts["tumbuh"], row.counts["berkembang"], row.counts["mandiri"]) for row in rows] == [
        ("2023", 2, 2, 1),
        ("2024", 2, 3, 1),
    ]


def test_movements_between_two_dates(city):
    matrix = selectors.movement_matrix(kubes(), YEAR_BEFORE, AS_OF)
    assert matrix == {
        ("tumbuh", "berkembang"): 1,
        ("berkembang", "berkembang"): 1,
        ("mandiri", "berkembang"): 1,
        ("tumbuh", "tumbuh"): 1,
        ("berkembang", "mandiri"): 1,
    }
    up = selectors.moved_groups(kubes(), YEAR_BEFORE, AS_OF, up=True)
    down = selectors.moved_groups(kubes(), YEAR_BEFORE, AS_OF, up=False)
    assert sorted(k.name for k in up) == ["KUBE A", "KUBE I"]
    assert [(k.name, k.category_from, k.category_to) for k in down] == [("KUBE C", "mandiri", "berkembang")]
    # From mid-2024: A came down from mandiri, and C (still mandiri from 2023) too.
    down = selectors.moved_groups(kubes(), MID_YEAR, AS_OF, up=False)
    assert [k.name for k in down] == ["KUBE A", "KUBE C"]


def test_at_risk_and_closest_to_next(city):
    count, rows = selectors.at_risk(kubes(), AS_OF)
    assert count == 1 and [a.kube.name for a in rows] == ["KUBE G"]
    closest = selectors.closest_to_next(kubes(), AS_OF)
    assert [a.kube.name for a in closest["tumbuh"]] == ["KUBE D", "KUBE G"]
    assert closest["berkembang"][0].kube.name == "KUBE A"


def test_money_counts_submitted_and_verified_reports(city):
    rows = selectors.money_by_month(kubes(), dt.date(2024, 12, 1))
    assert len(rows) == 12 and rows[0].period == dt.date(2024, 1, 1)
    december = rows[-1]
    assert (december.reports, december.income, december.iks) == (2, 4_000_000, 120_000)
    assert all(row.reports == 0 for row in rows[:-1])


def test_blocks_tables(city):
    built = {key: build(params()) for key, build in BLOCKS.items() if key != "kelompok_pindah"}
    categories = built["kategori"].table
    assert categories.rows[:3] == [["Tumbuh", 2, 2, 0], ["Berkembang", 3, 2, 1], ["Mandiri", 1, 1, 0]]
    assert categories.total == ["Jumlah", 7, 7, 0]
    trend = built["kelengkapan_bulanan"].table.rows[-1]
    assert trend[1:4] == [7, 2, 29]  # expected, received, percent
    by_facilitator = {row[0]: row[1:] for row in built["kelengkapan_pendamping"].table.rows}
    assert by_facilitator == {
        city["f1"].first_name: [4, 2, 50, 2],
        city["f2"].first_name: [3, 0, 0, 3],
    }
    assert built["perpindahan"].extra == {"up": 2, "down": 1}
    moved = BLOCKS["kelompok_pindah"](params(), built=built)
    assert [(row[0], str(row[1])) for row in moved.table.rows] == [
        ("naik", "KUBE A"),
        ("naik", "KUBE I"),
        ("turun", "KUBE C"),
    ]
    assert moved.table.more == 0
    at_risk = built["berisiko"].table.rows
    assert at_risk[0][0].url == city["G"].get_absolute_url()
    assert at_risk[0][-1] == ["berisiko: IKS terkumpul hanya di 2 dari 12 bulan"]


def test_filters_narrow_every_block(city):
    utara = params(kubes=kubes().filter(kelurahan__kecamatan__name="Bontang Utara"))
    assert BLOCKS["kategori"](utara).extra["counts"] == {"tumbuh": 1, "berkembang": 3, "mandiri": 0, "": 0}
    assert [row[0] for row in BLOCKS["kecamatan"](utara).table.rows] == ["Bontang Utara"]
    assert BLOCKS["perpindahan"](utara).extra == {"up": 1, "down": 1}
