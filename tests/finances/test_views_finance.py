"""A group's finance page: the yearly table, the chart and its table, loans, assets."""

import datetime as dt
import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from freezegun import freeze_time

from finances.models import ReportStatus
from tests.factories import MembershipFactory
from tests.finances.factories import AssetFactory, GrantFactory, LoanFactory, MonthlyReportFactory, RepaymentFactory


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def finance_page(client, kube):
    return client.get(reverse("finances:kube_finance", kwargs={"pk": kube.pk}))


def test_yearly_table_sums_reported_months_and_grants(client_for, officer, kube):
    MembershipFactory.create_batch(4, kube=kube, joined_on=dt.date(2020, 4, 1))
    for month, income in ((1, 1_000_000), (2, 416_000)):
        MonthlyReportFactory(
            kube=kube,
            period=dt.date(2023, month, 1),
            income=income,
            expenses=200_000,
            kept_in_cash=100_000,
            shared_to_members=50_000,
            iks_collected=20_000,
            status=ReportStatus.VERIFIED,
        )
    MonthlyReportFactory(kube=kube, period=dt.date(2023, 3, 1), income=9_999_999, status=ReportStatus.DRAFT)
    GrantFactory(kube=kube, amount=20_000_000, received_on=dt.date(2023, 5, 2))
    response = finance_page(client_for(officer), kube)
    (year,) = response.context["years"]
    assert (year.year, year.months, year.income, year.expenses, year.profit) == (2023, 2, 1_416_000, 400_000, 1_016_000)
    assert (year.kept, year.shared, year.iks, year.grants) == (200_000, 100_000, 40_000, 20_000_000)
    assert (year.members, year.income_per_member) == (4, 354_000)
    html = response.content.decode()
    assert "Rp 1.416.000" in html
    assert "Rp 20.000.000" in html


def test_chart_is_passed_as_json_beside_a_table_and_loads_plotly_from_the_app(client_for, officer, kube):
    MonthlyReportFactory(kube=kube, period=dt.date(2024, 2, 1), income=1_500_000, status=ReportStatus.SUBMITTED)
    html = finance_page(client_for(officer), kube).content.decode()
    start = html.index('<script id="chart-income" type="application/json">') + len(
        '<script id="chart-income" type="application/json">'
    )
    figure = json.loads(html[start : html.index("</script>", start)])
    assert figure["data"][0]["y"] == [1_500_000]
    assert 'data-figure="chart-income"' in html
    assert "/static/vendor/plotly/plotly.min.js" in html
    assert "/static/js/charts.js" in html
    assert "<td>Feb 2024</td>" in html  # the same numbers in the table


def test_page_without_reports_loads_no_chart_library(client_for, officer, kube):
    html = finance_page(client_for(officer), kube).content.decode()
    assert "plotly.min.js" not in html  # the library; its small stylesheet is on every page (CSP)
    assert "Belum ada laporan bulanan yang diajukan." in html


def test_plotly_is_served_by_the_app(client, db):
    assert finders.find("vendor/plotly/plotly.min.js").endswith("plotly/package_data/plotly.min.js")
    response = client.get("/static/vendor/plotly/plotly.min.js")
    assert response.status_code == 200
    assert b"plotly" in b"".join(response.streaming_content)[:2000].lower()


def test_loans_show_outstanding_and_overdue(client_for, officer, kube):
    member = MembershipFactory(kube=kube)
    overdue = LoanFactory(membership=member, amount=400_000, lent_on=dt.date(2023, 11, 1), due_on=dt.date(2024, 2, 1))
    RepaymentFactory(loan=overdue, amount=150_000, paid_on=dt.date(2023, 12, 1))
    LoanFactory(membership=member, amount=600_000, lent_on=dt.date(2024, 3, 1), due_on=dt.date(2024, 6, 1))
    response = finance_page(client_for(officer), kube)
    summary = response.context["loan_summary"]
    assert (summary.open_count, summary.outstanding) == (2, 850_000)
    assert (summary.overdue_count, summary.overdue_amount) == (1, 250_000)
    html = response.content.decode()
    assert "lewat 64 hari" in html  # 1 February to 5 April
    assert "Melebihi batas kelompok" in html  # 600.000 > 500.000


def test_assets_held_today_exclude_disposed_ones(client_for, officer, kube):
    AssetFactory(kube=kube, name="Tenda besar", value=3_000_000)
    AssetFactory(kube=kube, name="Kursi lama", value=500_000, disposed_on=dt.date(2023, 1, 1))
    response = finance_page(client_for(officer), kube)
    assert response.context["assets_value"] == 3_000_000
