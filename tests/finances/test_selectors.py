"""Completeness and timeliness on a constructed month, as health-information systems count them."""

import datetime as dt
import zoneinfo

import pytest
from django.test import override_settings
from freezegun import freeze_time

from finances import selectors
from finances.models import ReportStatus
from groups.models import Kube, KubeStatus
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory
from tests.finances.factories import MonthlyReportFactory

pytestmark = pytest.mark.django_db

MARCH = dt.date(2024, 3, 1)
LOCAL = zoneinfo.ZoneInfo("Asia/Makassar")


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-20 09:00:00+08:00"):
        yield


@pytest.fixture
def city():
    """Seven groups expected to report for March 2024, and two that are not."""
    ani, budi = FacilitatorFactory(username="ani"), FacilitatorFactory(username="budi")
    g = {name: KubeFactory(name=name, facilitator=ani) for name in ("a1", "a2", "a3", "a4")}
    g |= {name: KubeFactory(name=name, facilitator=budi) for name in ("b1", "b2")}
    g["none"] = KubeFactory(name="none", facilitator=None)
    g["inactive"] = KubeFactory(name="inactive", facilitator=ani, status=KubeStatus.TIDAK_AKTIF)
    g["new"] = KubeFactory(name="new", facilitator=ani, founded_on=dt.date(2024, 4, 15))

    def report(name, status, submitted=None, period=MARCH, **kwargs):
        return MonthlyReportFactory(kube=g[name], period=period, status=status, first_submitted_at=submitted, **kwargs)

    report("a1", ReportStatus.VERIFIED, at("2024-04-10", "23:30"))  # on time: the last evening of the 10th
    report("a2", ReportStatus.RETURNED, at("2024-04-11", "00:30"))  # late by half an hour, local time
    report("a3", ReportStatus.DRAFT)  # written, never submitted
    report("b1", ReportStatus.SUBMITTED, at("2024-03-31", "20:00"))  # early
    report("b2", ReportStatus.VERIFIED, None, is_imported=True)  # imported: no submission time
    report("inactive", ReportStatus.VERIFIED, at("2024-04-02"))
    report("a1", ReportStatus.VERIFIED, at("2024-03-05"), period=dt.date(2024, 2, 1))
    report("b1", ReportStatus.SUBMITTED, at("2024-03-25"), period=dt.date(2024, 2, 1))  # late for February
    return {"ani": ani, "budi": budi, **g}


def by_name(rows):
    return {row.facilitator_name or None: row for row in rows}


def figures(row):
    return (row.expected, row.submitted, row.verified, row.on_time)


def test_completeness_and_timeliness_per_facilitator(city):
    rows = by_name(selectors.completeness_by_facilitator(MARCH))
    ani_name = city["ani"].get_full_name()
    budi_name = city["budi"].get_full_name()
    assert figures(rows[ani_name]) == (4, 2, 1, 1)
    assert figures(rows[budi_name]) == (2, 2, 1, 1)
    assert figures(rows[None]) == (1, 0, 0, 0)
    assert (rows[ani_name].completeness, rows[ani_name].timeliness, rows[ani_name].missing) == (50, 25, 2)


def test_completeness_for_the_city(city):
    total = selectors.completeness_total(selectors.completeness_by_facilitator(MARCH), MARCH)
    assert figures(total) == (7, 4, 2, 2)
    assert (total.completeness, total.timeliness, total.verified_rate) == (57, 29, 29)


def test_completeness_trend_counts_each_month_with_its_own_deadline(city):
    february, march = selectors.completeness_trend(MARCH, months=2)
    assert (february.period, march.period) == (dt.date(2024, 2, 1), MARCH)
    assert figures(march) == (7, 4, 2, 2)
    assert figures(february) == (7, 2, 1, 1)


@override_settings(KUBE_REPORT_DUE_DAY=15)
def test_due_day_is_a_setting(city):
    total = selectors.completeness_total(selectors.completeness_by_facilitator(MARCH), MARCH)
    assert total.on_time == 3  # the half-hour-late report is now on time
    assert selectors.completeness_trend(MARCH, months=1)[0].on_time == 3


def test_missing_reports_lists_groups_without_a_submitted_report(city):
    visible = Kube.objects.all()
    missing = selectors.missing_reports(MARCH, kubes=visible)
    assert [(k.name, k.report_status) for k in missing] == [("a3", ReportStatus.DRAFT), ("a4", None), ("none", None)]
    assert [k.name for k in selectors.missing_reports(MARCH, kubes=visible, facilitator_id=city["budi"].pk)] == []
    assert [k.name for k in selectors.missing_reports(MARCH, kubes=visible, facilitator_id=0)] == ["none"]


def test_facilitator_months_mark_missing_drafts_and_returned(kube):
    kube.founded_on = dt.date(2023, 10, 20)
    MonthlyReportFactory(kube=kube, period=dt.date(2024, 1, 1), status=ReportStatus.VERIFIED)
    MonthlyReportFactory(kube=kube, period=dt.date(2024, 2, 1), status=ReportStatus.RETURNED)
    MonthlyReportFactory(kube=kube, period=dt.date(2024, 4, 1), status=ReportStatus.DRAFT)
    (row,) = selectors.facilitator_months([kube], today=dt.date(2024, 4, 20))
    assert [c.period.month for c in row.months] == [10, 11, 12, 1, 2, 3]  # since founding, to last month
    assert [c.period.month for c in row.missing] == [10, 11, 12, 3]
    assert [c.period.month for c in row.returned] == [2]
    assert row.current.status == ReportStatus.DRAFT


def test_report_memberships_are_those_active_during_the_month(kube):
    stayed = MembershipFactory(kube=kube, joined_on=dt.date(2020, 4, 1))
    left_in_march = MembershipFactory(
        kube=kube, joined_on=dt.date(2020, 4, 1), left_on=dt.date(2024, 3, 10), leave_reason="pindah"
    )
    MembershipFactory(kube=kube, joined_on=dt.date(2020, 4, 1), left_on=dt.date(2024, 2, 29), leave_reason="pindah")
    joined_in_march = MembershipFactory(kube=kube, joined_on=dt.date(2024, 3, 31))
    MembershipFactory(kube=kube, joined_on=dt.date(2024, 4, 1))
    undated = MembershipFactory(kube=kube, joined_on=None)
    assert {m.pk for m in selectors.report_memberships(kube, MARCH)} == {
        stayed.pk,
        left_in_march.pk,
        joined_in_march.pk,
        undated.pk,
    }


def test_facts_for_the_assessment(kube, django_assert_num_queries):
    from tests.finances.factories import AssetFactory, LoanFactory

    other = KubeFactory()
    MonthlyReportFactory(
        kube=kube, period=dt.date(2024, 1, 1), status=ReportStatus.VERIFIED, cash_in_hand=100, cash_in_bank=1
    )
    MonthlyReportFactory(
        kube=kube, period=dt.date(2024, 2, 1), status=ReportStatus.SUBMITTED, cash_in_hand=200, cash_in_bank=2
    )
    MonthlyReportFactory(kube=kube, period=MARCH, status=ReportStatus.DRAFT, cash_in_hand=999, cash_in_bank=0)
    MonthlyReportFactory(
        kube=other, period=dt.date(2023, 12, 1), status=ReportStatus.VERIFIED, cash_in_hand=5, cash_in_bank=0
    )
    AssetFactory(kube=kube, value=1_000, acquired_on=dt.date(2023, 1, 1))
    AssetFactory(kube=kube, value=500, acquired_on=dt.date(2023, 1, 1), disposed_on=dt.date(2024, 2, 1))
    member = MembershipFactory(kube=kube)
    LoanFactory(
        membership=member, lent_on=dt.date(2023, 10, 1), due_on=dt.date(2024, 1, 1)
    )  # overdue 90 days at 31 Mar
    LoanFactory(membership=member, lent_on=dt.date(2024, 1, 5), due_on=dt.date(2024, 3, 15))  # overdue 16 days only
    ids = [kube.pk, other.pk]
    # one query each: reports, cash, assets, loans
    with django_assert_num_queries(4):
        reports = selectors.report_facts(ids, dt.date(2024, 1, 1), dt.date(2024, 3, 31))
        cash = selectors.cash_on(ids, dt.date(2024, 2, 28))
        assets = selectors.assets_value_on(ids, dt.date(2024, 3, 31))
        loans = selectors.loan_facts(ids, dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    assert [f.period.month for f in reports[kube.pk]] == [1, 2]  # the draft is not a report yet
    assert other.pk not in reports
    assert cash == {kube.pk: 101, other.pk: 5}  # February had not ended on the 28th... of a leap year
    assert selectors.cash_on(ids, dt.date(2024, 2, 29)) == {kube.pk: 202, other.pk: 5}
    assert assets == {kube.pk: 1_000}
    assert loans == {kube.pk: selectors.LoanFacts(lent=2, overdue=1)}
