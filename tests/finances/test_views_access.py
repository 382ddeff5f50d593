"""The permission matrix of the finance pages, asked by every persona."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from finances.models import MonthlyReport, ReportStatus
from tests.factories import ADMIN, ANON, FAC, NOROLE, OFFICER, OTHER, MembershipFactory
from tests.finances.factories import AssetFactory, GrantFactory, LoanFactory, MonthlyReportFactory, ProductFactory

# A group's page: whoever may not see the group gets 404 (before any 403), so a 403 never
# confirms that another's group exists.
GROUP_PAGE = {ANON: 302, FAC: 200, OTHER: 404, OFFICER: 200, ADMIN: 200, NOROLE: 404}
OFFICE_EDIT = {ANON: 302, FAC: 403, OTHER: 404, OFFICER: 200, ADMIN: 200, NOROLE: 404}
OFFICE_PAGE = {ANON: 302, FAC: 403, OTHER: 403, OFFICER: 200, ADMIN: 200, NOROLE: 403}
MATRIX = {
    "finances:facilitator_home": {ANON: 302, FAC: 200, OTHER: 200, OFFICER: 200, ADMIN: 200, NOROLE: 403},
    "finances:verification_queue": OFFICE_PAGE,
    "finances:completeness": OFFICE_PAGE,
    "finances:missing_reports": OFFICE_PAGE,
    "finances:report_detail": GROUP_PAGE,
    # Officers verify; they do not write a group's report.
    "finances:report_edit": {ANON: 302, FAC: 200, OTHER: 404, OFFICER: 403, ADMIN: 200, NOROLE: 404},
    "finances:kube_finance": GROUP_PAGE,
    "finances:grant_create": OFFICE_EDIT,
    "finances:grant_update": OFFICE_EDIT,
    "finances:asset_create": OFFICE_EDIT,
    "finances:asset_update": OFFICE_EDIT,
    "finances:loan_create": OFFICE_EDIT,
    "finances:loan_update": OFFICE_EDIT,
    "finances:repayment_create": OFFICE_EDIT,
    "finances:product_create": GROUP_PAGE,
    "finances:product_update": GROUP_PAGE,
}


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def url_for(name, kube):
    member = MembershipFactory(kube=kube)
    objects = {
        "report_detail": lambda: MonthlyReportFactory(kube=kube),
        "grant_update": lambda: GrantFactory(kube=kube),
        "asset_update": lambda: AssetFactory(kube=kube),
        "loan_update": lambda: LoanFactory(membership=member),
        "repayment_create": lambda: LoanFactory(membership=member),
        "product_update": lambda: ProductFactory(kube=kube),
    }
    short = name.split(":")[1]
    if short == "report_detail":
        return reverse(name, kwargs={"report_pk": objects[short]().pk})
    if short == "report_edit":
        return reverse(name, kwargs={"pk": kube.pk, "period": dt.date(2024, 3, 1)})
    if short in objects:
        return reverse(name, kwargs={"pk": kube.pk, "object_pk": objects[short]().pk})
    if short.endswith("_create") or short == "kube_finance":
        return reverse(name, kwargs={"pk": kube.pk})
    return reverse(name)


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("persona", [ANON, FAC, OTHER, OFFICER, ADMIN, NOROLE])
def test_page_access_matrix(client_for, personas, kube, name, persona):
    url = url_for(name, kube)
    response = client_for(personas[persona]).get(url)
    assert response.status_code == MATRIX[name][persona], (url, persona)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


ACTIONS = ("finances:report_submit", "finances:report_verify", "finances:report_return", "finances:report_reopen")


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_refuse_get(client_for, admin_user, kube, name):
    report = MonthlyReportFactory(kube=kube)
    assert client_for(admin_user).get(reverse(name, kwargs={"report_pk": report.pk})).status_code == 405


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_send_anonymous_users_to_sign_in(client, kube, name):
    report = MonthlyReportFactory(kube=kube, status=ReportStatus.SUBMITTED)
    response = client.post(reverse(name, kwargs={"report_pk": report.pk}), {"comment": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["finances:report_verify", "finances:report_return", "finances:report_reopen"])
def test_facilitator_cannot_verify_return_or_reopen(client_for, facilitator, kube, name):
    report = MonthlyReportFactory(kube=kube, status=ReportStatus.SUBMITTED)
    response = client_for(facilitator).post(reverse(name, kwargs={"report_pk": report.pk}), {"comment": "x"})
    assert response.status_code == 403
    assert MonthlyReport.objects.get().status == ReportStatus.SUBMITTED


def test_officer_cannot_submit_a_groups_report(client_for, officer, kube):
    report = MonthlyReportFactory(kube=kube)
    response = client_for(officer).post(reverse("finances:report_submit", kwargs={"report_pk": report.pk}))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ACTIONS)
def test_other_facilitator_gets_404_for_reports_not_theirs(client_for, other_facilitator, kube, name):
    report = MonthlyReportFactory(kube=kube)
    response = client_for(other_facilitator).post(reverse(name, kwargs={"report_pk": report.pk}), {"comment": "x"})
    # Another's report is 404 whatever the action, before the permission's 403.
    assert response.status_code == 404
    assert MonthlyReport.objects.get().status == ReportStatus.DRAFT


def test_other_facilitator_cannot_post_a_report_for_a_group_not_theirs(client_for, other_facilitator, kube):
    url = reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": dt.date(2024, 3, 1)})
    response = client_for(other_facilitator).post(url, {"version": 0, "income": "1", "expenses": "0"})
    assert response.status_code == 404
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("status", [ReportStatus.VERIFIED, ReportStatus.SUBMITTED])
def test_facilitator_cannot_change_a_verified_or_submitted_report(client_for, facilitator, kube, status):
    report = MonthlyReportFactory(kube=kube, status=status, income=2_000_000)
    url = reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": report.period})
    client = client_for(facilitator)
    assert client.get(url).status_code == 403
    response = client.post(url, {"version": report.version, "income": "9.000.000", "expenses": "0"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.income, report.status) == (2_000_000, status)


@pytest.mark.parametrize("period", ["2024-05", "2020-03"])
def test_report_form_for_a_future_month_or_before_founding_is_404(client_for, facilitator, kube, period):
    url = f"/kelompok/{kube.pk}/laporan/{period}/"
    assert client_for(facilitator).get(url).status_code == 404


def test_other_facilitator_cannot_add_a_product_to_a_group_not_theirs(client_for, other_facilitator, kube):
    url = reverse("finances:product_create", kwargs={"pk": kube.pk})
    response = client_for(other_facilitator).post(url, {"kind": "produk", "name": "X", "started_on": "2024-01"})
    assert response.status_code == 404
    assert not kube.products.exists()


def test_loan_of_another_group_is_404_in_own_group_url(client_for, officer, kube):
    elsewhere = LoanFactory()
    url = reverse("finances:loan_update", kwargs={"pk": kube.pk, "object_pk": elsewhere.pk})
    assert client_for(officer).get(url).status_code == 404
