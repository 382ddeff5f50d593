"""On the pages, each chart carries its sentence and points at the table of its numbers."""

import datetime as dt
import re

from django.urls import reverse
from freezegun import freeze_time

from finances.models import ReportStatus
from tests.finances.factories import MonthlyReportFactory
from tests.kube_registry.test_form_a11y import Page


def charts_on(html: str):
    page = Page(html)
    return page, [attrs for _tag, attrs in page.elements if "data-figure" in attrs]


def assert_described(page, chart):
    assert chart["role"] == "img"
    caption = chart["aria-describedby"]
    assert ("caption", caption) in {(tag, attrs.get("id")) for tag, attrs in page.elements}
    assert "grafik" in page.text_by_id[caption].lower()


@freeze_time("2024-04-05 09:00:00+08:00")
def test_finance_chart_says_its_months_and_extremes(client_for, officer, kube):
    for month, income in ((1, 1_500_000), (2, 2_400_000)):
        MonthlyReportFactory(kube=kube, period=dt.date(2024, month, 1), income=income, status=ReportStatus.VERIFIED)
    html = client_for(officer).get(reverse("finances:kube_finance", kwargs={"pk": kube.pk})).content.decode()
    page, charts = charts_on(html)
    (chart,) = charts
    assert re.match(r"Pendapatan dan pengeluaran per bulan, Jan 2024–Feb 2024 \(2 bulan\): ", chart["aria-label"])
    assert "Pendapatan tertinggi Rp 2.400.000 (Feb 2024)" in chart["aria-label"]
    assert_described(page, chart)


def test_every_dashboard_chart_has_a_sentence_and_its_table(client_for, officer, kube):
    html = client_for(officer).get(reverse("assessments:dashboard")).content.decode()
    page, charts = charts_on(html)
    assert len(charts) >= 4
    for chart in charts:
        assert chart["aria-label"].startswith("Grafik ")
        assert ": " in chart["aria-label"]  # the block's sentence follows its title
        assert_described(page, chart)
