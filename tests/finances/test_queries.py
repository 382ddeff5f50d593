"""Every finance page costs the same number of queries for one row as for many."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time

from finances.models import ReportStatus
from finances.panels import FINANCES_PANEL
from finances.periods import add_months
from tests.factories import KubeFactory, MembershipFactory
from tests.finances.factories import (
    AssetFactory,
    GrantFactory,
    LoanFactory,
    MemberLineFactory,
    MonthlyReportFactory,
    ProductFactory,
    RepaymentFactory,
)

# Every signed-in page: session, user, the user's permissions (through groups, then
# their own), the user's roles for the header, and the bell's unread count.
SIGNED_IN = 6


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def fill_group(kube, months: int) -> None:
    """`months` reports with a member line each, and as many loans, assets, grants, products."""
    members = MembershipFactory.create_batch(2, kube=kube, joined_on=dt.date(2020, 4, 1))
    for index in range(months):
        report = MonthlyReportFactory(
            kube=kube, period=add_months(dt.date(2024, 3, 1), -index), status=ReportStatus.VERIFIED
        )
        MemberLineFactory(report=report, membership=members[0])
        loan = LoanFactory(membership=members[index % 2], lent_on=add_months(dt.date(2024, 3, 1), -index))
        RepaymentFactory(loan=loan, paid_on=loan.lent_on)
        AssetFactory(kube=kube)
        GrantFactory(kube=kube, received_on=add_months(dt.date(2024, 3, 1), -index))
        ProductFactory(kube=kube)


@pytest.mark.parametrize("months", [1, 30])
def test_finance_page_query_count_does_not_grow_with_months(
    client_for, officer, kube, django_assert_num_queries, months
):
    fill_group(kube, months)
    client = client_for(officer)
    url = reverse("finances:kube_finance", kwargs={"pk": kube.pk})
    # SIGNED_IN, the group, the last 24 months' reports, loans with repaid sums, assets,
    # reports by year, grants by year, memberships (members at year end), grants, products
    with django_assert_num_queries(SIGNED_IN + 9):
        response = client.get(url)
    assert len(response.context["years"]) == (1 if months == 1 else 4)  # 2021-10 to 2024-03
    assert len(response.context["points"]) == min(months, 23)  # 24 months to April, which has none yet


@pytest.mark.parametrize("groups", [1, 30])
def test_missing_reports_query_count_does_not_grow_with_groups(client_for, officer, django_assert_num_queries, groups):
    KubeFactory.create_batch(groups)
    client = client_for(officer)
    # SIGNED_IN, count of missing groups, the page of groups with facilitator and
    # kelurahan, facilitators for the filter
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get(reverse("finances:missing_reports"), {"bulan": "2024-03"})
    assert response.context["paginator"].count == groups


@pytest.mark.parametrize("groups", [1, 30])
def test_completeness_query_count_does_not_grow_with_groups(client_for, officer, django_assert_num_queries, groups):
    for kube in KubeFactory.create_batch(groups):
        for months_back in range(3):
            MonthlyReportFactory(kube=kube, period=add_months(dt.date(2024, 3, 1), -months_back), status="verified")
    client = client_for(officer)
    # SIGNED_IN, per facilitator for the month, the 12 months' reports by month,
    # active groups by founding month
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get(reverse("finances:completeness"), {"bulan": "2024-03"})
    assert response.context["total"].submitted == groups


@pytest.mark.parametrize("groups", [1, 30])
def test_facilitator_home_query_count_does_not_grow_with_groups(
    client_for, facilitator, django_assert_num_queries, groups
):
    for kube in KubeFactory.create_batch(groups, facilitator=facilitator):
        MonthlyReportFactory(kube=kube, period=dt.date(2024, 2, 1))
    client = client_for(facilitator)
    # SIGNED_IN, count of groups, the page of groups with member counts, their reports
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get(reverse("finances:facilitator_home"))
    assert len(response.context["rows"]) == min(groups, 25)


@pytest.mark.parametrize("reports", [1, 30])
def test_verification_queue_query_count_does_not_grow(client_for, officer, django_assert_num_queries, reports):
    for kube in KubeFactory.create_batch(reports):
        MonthlyReportFactory(kube=kube, status=ReportStatus.SUBMITTED)
    client = client_for(officer)
    # SIGNED_IN, count, the page of reports with group and facilitator
    with django_assert_num_queries(SIGNED_IN + 2):
        response = client.get(reverse("finances:verification_queue"))
    assert len(response.context["reports"]) == min(reports, 25)


@pytest.mark.parametrize("members", [1, 20])
def test_report_pages_query_count_does_not_grow_with_members(
    client_for, facilitator, kube, django_assert_num_queries, members
):
    report = MonthlyReportFactory(kube=kube)
    for membership in MembershipFactory.create_batch(members, kube=kube, joined_on=dt.date(2020, 4, 1)):
        MemberLineFactory(report=report, membership=membership)
    client = client_for(facilitator)
    # SIGNED_IN, the report with its group and people, its lines with persons, its history
    with django_assert_num_queries(SIGNED_IN + 3):
        client.get(report.get_absolute_url())
    # SIGNED_IN, the group, the report, members of the month, the report's lines (initial
    # values), the report's lines (members who have since left)
    with django_assert_num_queries(SIGNED_IN + 5):
        response = client.get(reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": report.period}))
    assert len(response.context["form"].memberships) == members


@pytest.mark.parametrize("months", [1, 30])
def test_profile_panel_query_count_does_not_grow(officer, kube, django_assert_num_queries, months):
    fill_group(kube, months)
    officer.get_all_permissions()
    request = RequestFactory().get(kube.get_absolute_url())
    request.user = officer
    # the latest reports, the products
    with django_assert_num_queries(2):
        context = FINANCES_PANEL.context(request, kube)
    assert len(context["reports"]) == min(months, 6)
    assert len(context["products"]) == months
