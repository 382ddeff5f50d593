"""Each chart's text alternative: a sentence from the same plain values as its figure, no database."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace as Row

from assessments.charts import category_score_summary
from assessments.dashboard import charts as dashboard_charts
from assessments.dashboard.selectors import CategoryRow, MonthMoney
from finances.charts import income_expenses_summary
from kube_registry import chart_text

LABELS = {"tumbuh": "Tumbuh", "berkembang": "Berkembang", "mandiri": "Mandiri"}


def month(m, income, expenses):
    return Row(period=dt.date(2024, m, 1), income=income, expenses=expenses)


def test_extremes_name_the_highest_and_lowest_label_first_of_equals_wins():
    text = chart_text.extremes("Pendapatan", ["Jan", "Feb", "Mar", "Apr"], [500, 2_400_000, 0, 2_400_000])
    assert text == "Pendapatan tertinggi Rp 2.400.000 (Feb), terendah Rp 0 (Mar)"
    assert chart_text.extremes("X", ["Jan", "Feb"], [None, 5], chart_text.percent) == (
        "X tertinggi 5% (Feb), terendah 5% (Feb)"
    )
    assert chart_text.extremes("X", [], []) == ""


def test_sentence_without_anything_to_say_says_there_is_no_data():
    assert chart_text.sentence("Grafik", ["", ""]) == "Grafik: Belum ada data."
    assert chart_text.sentence("Grafik", ["a", "", "b"]) == "Grafik: a; b."


def test_income_summary_names_the_months_the_extremes_and_the_profit():
    text = income_expenses_summary([month(1, 1_000_000, 400_000), month(2, 0, 100_000), month(3, 2_400_000, 900_000)])
    assert text.startswith("Pendapatan dan pengeluaran per bulan, Jan 2024–Mar 2024 (3 bulan): ")
    assert "Pendapatan tertinggi Rp 2.400.000 (Mar 2024), terendah Rp 0 (Feb 2024)" in text
    assert "Pengeluaran tertinggi Rp 900.000 (Mar 2024), terendah Rp 100.000 (Feb 2024)" in text
    assert text.endswith("jumlah laba Rp 2.000.000.")
    assert income_expenses_summary([]) == "Pendapatan dan pengeluaran per bulan: Belum ada data."


def test_income_summary_of_a_loss_says_minus():
    assert "jumlah laba -Rp 300.000" in income_expenses_summary([month(5, 100_000, 400_000)])


def test_assessment_summary_follows_dates_not_input_order():
    points = [
        Row(
            as_of=dt.date(2024, 6, 30), score=Decimal("72.5"), computed_category="berkembang", final_category="mandiri"
        ),
        Row(as_of=dt.date(2023, 6, 30), score=Decimal("41"), computed_category="tumbuh", final_category="tumbuh"),
    ]
    text = category_score_summary(points)
    assert text.startswith("Skor dan kategori penilaian, 30 Jun 2023–30 Jun 2024 (2 penilaian): ")
    assert "skor dari 41,0 menjadi 72,5" in text
    assert "kategori akhir terakhir Mandiri" in text
    assert "1 kali kategori ditetapkan petugas" in text


def category_row(label, tumbuh, berkembang, mandiri):
    row = CategoryRow(key=label, label=label)
    row.counts.update(tumbuh=tumbuh, berkembang=berkembang, mandiri=mandiri)
    return row


def test_dashboard_summaries_say_what_each_block_chart_shows():
    change = dashboard_charts.category_change_summary(
        {"tumbuh": 8, "berkembang": 7}, {"tumbuh": 10, "berkembang": 5}, LABELS, titles=("Jun 2023", "Jun 2024")
    )
    assert change == ("Jun 2023 dibanding Jun 2024: Tumbuh 10 menjadi 8; Berkembang 5 menjadi 7; Mandiri 0 menjadi 0.")
    rows = [category_row("Bontang Utara", 4, 2, 1), category_row("Bontang Barat", 0, 9, 3)]
    stacked = dashboard_charts.stacked_categories_summary(rows, LABELS)
    assert "jumlah Tumbuh 4, Berkembang 11, Mandiri 4" in stacked
    assert "terbanyak Bontang Barat (12 KUBE)" in stacked
    movement = dashboard_charts.movement_summary(
        {("tumbuh", "berkembang"): 3, ("mandiri", "tumbuh"): 1, ("tumbuh", "tumbuh"): 5}
    )
    assert movement == "Perpindahan kategori: naik kategori 3 KUBE, turun 1 KUBE, tetap 5 KUBE."
    money = dashboard_charts.money_summary(
        [
            MonthMoney(period=dt.date(2024, 1, 1), income=5_000, iks=100),
            MonthMoney(period=dt.date(2024, 2, 1), income=9_000, iks=50),
        ]
    )
    assert money == (
        "Jan 2024–Feb 2024: Pendapatan tertinggi Rp 9.000 (Feb 2024), terendah Rp 5.000 (Jan 2024); "
        "IKS terkumpul tertinggi Rp 100 (Jan 2024), terendah Rp 50 (Feb 2024)."
    )
    trend = dashboard_charts.completeness_trend_summary(
        [
            Row(period=dt.date(2024, 1, 1), completeness=80, timeliness=60),
            Row(period=dt.date(2024, 2, 1), completeness=None, timeliness=None),
        ]
    )
    assert "terakhir Feb 2024: lengkap —, tepat waktu —" in trend
    assert "Kelengkapan tertinggi 80% (Jan 2024)" in trend
    people = dashboard_charts.completeness_facilitator_summary(
        [
            Row(facilitator_id=1, facilitator_name="Sari", completeness=100),
            Row(facilitator_id=None, facilitator_name="", completeness=40),
        ],
        no_facilitator="Tanpa pendamping",
    )
    assert people == "Kelengkapan per pendamping: Kelengkapan tertinggi 100% (Sari), terendah 40% (Tanpa pendamping)."
    assert dashboard_charts.stacked_categories_summary([], LABELS) == "KUBE per kategori: Belum ada data."
