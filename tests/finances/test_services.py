import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from freezegun import freeze_time

from finances import services
from finances.models import Loan, MemberLine, MonthlyReport, ReportStatus
from finances.periods import add_months, report_due_on
from kube_registry.versioning import StaleEdit
from tests.factories import MembershipFactory, PersonFactory
from tests.finances.factories import LoanFactory, MonthlyReportFactory, RepaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


MARCH = dt.date(2024, 3, 1)
VALUES = {
    "income": 2_000_000,
    "expenses": 1_200_000,
    "kept_in_cash": 300_000,
    "shared_to_members": 400_000,
    "cash_in_hand": 350_000,
    "cash_in_bank": 1_000_000,
    "meetings_held": 2,
    "notes": "Penjualan kompos naik.",
    "problems": "",
}


def save(kube, actor, *, version=0, lines=None, submit=False, period=MARCH, **overrides):
    return services.report_save(
        actor=actor,
        kube=kube,
        period=period,
        version=version,
        values=VALUES | overrides,
        lines=lines,
        submit=submit,
    )


def members(kube, count=2):
    return [MembershipFactory(kube=kube, joined_on=dt.date(2020, 4, 1)) for _ in range(count)]


def test_report_save_creates_draft_with_totals_from_member_lines(kube, facilitator):
    first, second = members(kube)
    report = save(
        kube,
        facilitator,
        lines={first.pk: {"iks_paid": 10_000, "meetings_attended": 2}, second.pk: {"iks_paid": 5_000}},
        iks_collected=999_999,  # ignored: the lines decide
    )
    assert (report.status, report.version, report.period) == (ReportStatus.DRAFT, 1, MARCH)
    assert report.iks_collected == 15_000
    assert report.attendance_percent == 50  # 2 of 4 seats
    assert report.profit == 800_000
    assert MemberLine.objects.filter(report=report).count() == 2
    assert report.history.first().history_user == facilitator


def test_member_line_totals_follow_corrections(kube, facilitator):
    first, second = members(kube)
    report = save(kube, facilitator, lines={first.pk: {"iks_paid": 10_000}, second.pk: {"iks_paid": 10_000}})
    report = save(kube, facilitator, version=report.version, lines={first.pk: {"iks_paid": 7_500}})
    assert report.iks_collected == 7_500
    assert list(report.member_lines.values_list("membership_id", "iks_paid")) == [(first.pk, 7_500)]
    stored = MonthlyReport.objects.get(pk=report.pk)
    assert stored.iks_collected == sum(stored.member_lines.values_list("iks_paid", flat=True))


def test_report_save_refuses_lines_of_members_outside_the_group_or_month(kube, facilitator):
    stranger = MembershipFactory()
    late = MembershipFactory(kube=kube, joined_on=dt.date(2024, 4, 2))
    for membership in (stranger, late):
        with pytest.raises(ValidationError) as exc:
            save(kube, facilitator, lines={membership.pk: {"iks_paid": 1}})
        assert exc.value.messages == [services.MSG_LINE_NOT_MEMBER]
    assert not MonthlyReport.objects.exists()


def test_second_save_with_the_same_version_is_a_conflict_and_overwrites_nothing(kube, facilitator, officer):
    report = save(kube, facilitator)
    save(kube, facilitator, version=report.version, income=2_500_000)
    with pytest.raises(StaleEdit) as exc:
        save(kube, officer, version=report.version, income=9_000_000)
    assert exc.value.current_version == 2
    # Who changed what since the form was read: the report's own stale message, as every edit form's.
    assert f"sudah diubah oleh {facilitator.get_full_name()} (5 Apr 2024 09:00)" in exc.value.messages[0]
    assert "2000000 → 2500000" in exc.value.messages[0]
    stored = MonthlyReport.objects.get(pk=report.pk)
    assert (stored.income, stored.version) == (2_500_000, 2)


def test_two_people_creating_the_same_month_conflict(kube, facilitator, officer):
    save(kube, facilitator)
    with pytest.raises(StaleEdit) as exc:
        save(kube, officer, version=0, income=1)
    assert "sudah dibuat oleh" in exc.value.messages[0] and exc.value.current_version == 1
    assert MonthlyReport.objects.get().income == 2_000_000


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"income": -1}, "income", "Pendapatan (omzet) tidak boleh negatif."),
        ({"cash_in_bank": -5}, "cash_in_bank", "Saldo bank akhir bulan tidak boleh negatif."),
        (
            {"kept_in_cash": 1_000_000, "shared_to_members": 2_000_000},
            "shared_to_members",
            "Disisihkan ke kas (Rp 1.000.000) ditambah dibagikan ke anggota (Rp 2.000.000) berjumlah Rp 3.000.000, "
            "melebihi laba (Rp 800.000) ditambah saldo kas dan bank (Rp 1.350.000).",
        ),
        ({"attendance_percent": 120}, "attendance_percent", "Kehadiran tidak boleh lebih dari 100% (tertulis 120%)."),
        ({"meetings_held": 40}, "meetings_held", "paling banyak 31"),
    ],
)
def test_implausible_entries_are_refused_naming_the_field(kube, facilitator, overrides, field, text):
    with pytest.raises(ValidationError) as exc:
        save(kube, facilitator, **overrides)
    assert text in exc.value.message_dict[field][0]
    assert not MonthlyReport.objects.exists()


def test_member_attending_more_meetings_than_held_is_refused(kube, facilitator):
    (member,) = members(kube, 1)
    with pytest.raises(ValidationError) as exc:
        save(kube, facilitator, meetings_held=2, lines={member.pk: {"meetings_attended": 3}})
    key = services.line_key(member.pk, "meetings_attended")
    assert exc.value.message_dict[key] == [
        f"{member.person.name} tercatat hadir 3 kali, lebih banyak dari jumlah pertemuan bulan ini (2)."
    ]


def test_report_period_cannot_be_in_the_future_or_before_founding(kube, facilitator):
    with pytest.raises(ValidationError) as exc:
        save(kube, facilitator, period=dt.date(2024, 5, 1))
    assert "belum dapat dibuat" in exc.value.message_dict["period"][0]
    with pytest.raises(ValidationError) as exc:
        save(kube, facilitator, period=dt.date(2020, 3, 1))  # founded 1 April 2020
    assert "baru berdiri 1 April 2020" in exc.value.message_dict["period"][0]
    assert save(kube, facilitator, period=dt.date(2024, 4, 17)).period == dt.date(2024, 4, 1)


def test_workflow_submit_return_resubmit_verify_reopen(kube, facilitator, officer):
    report = save(kube, facilitator, submit=True)
    assert (report.status, report.submitted_by) == (ReportStatus.SUBMITTED, facilitator)
    first_submitted = report.first_submitted_at
    assert first_submitted is not None

    with pytest.raises(ValidationError):
        save(kube, facilitator, version=report.version)  # submitted: waiting for the office
    with pytest.raises(ValidationError) as exc:
        services.report_return(actor=officer, report=report, comment="  ")
    assert exc.value.message_dict["comment"] == [services.MSG_COMMENT_REQUIRED]

    report = services.report_return(actor=officer, report=report, comment="Saldo bank tidak sesuai buku.")
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "Saldo bank tidak sesuai buku.")
    with pytest.raises(ValidationError):
        services.report_verify(actor=officer, report=report)

    with freeze_time("2024-04-12 10:00:00+08:00"):
        report = save(kube, facilitator, version=report.version, cash_in_bank=1_100_000, submit=True)
    assert report.status == ReportStatus.SUBMITTED
    assert report.first_submitted_at == first_submitted  # timeliness keeps the first submission
    assert report.submitted_at > first_submitted

    report = services.report_verify(actor=officer, report=report)
    assert (report.status, report.verified_by) == (ReportStatus.VERIFIED, officer)
    assert report.verified_at is not None
    with pytest.raises(ValidationError) as exc:
        save(kube, facilitator, version=report.version, income=1)
    assert "hanya dapat diubah setelah dibuka kembali" in exc.value.messages[0]

    with pytest.raises(ValidationError) as exc:
        services.report_reopen(actor=officer, report=report, reason="")
    assert exc.value.message_dict["reason"] == [services.MSG_REASON_REQUIRED]
    report = services.report_reopen(actor=officer, report=report, reason="Pendapatan Maret dobel dicatat.")
    assert report.status == ReportStatus.RETURNED
    assert report.verified_by is None

    history = list(report.history.order_by("history_id"))
    assert [(h.status, h.history_user) for h in history] == [
        (ReportStatus.SUBMITTED, facilitator),
        (ReportStatus.RETURNED, officer),
        (ReportStatus.SUBMITTED, facilitator),
        (ReportStatus.VERIFIED, officer),
        (ReportStatus.RETURNED, officer),
    ]
    assert history[-1].history_change_reason == "Dibuka kembali: Pendapatan Maret dobel dicatat."
    assert history[1].history_change_reason == "Dikembalikan: Saldo bank tidak sesuai buku."
    assert [h.version for h in history] == [1, 2, 3, 4, 5]


def test_workflow_actions_check_the_version_they_were_shown(kube, facilitator, officer):
    report = save(kube, facilitator, submit=True)
    with pytest.raises(ValidationError) as exc:
        services.report_verify(actor=officer, report=report, version=report.version - 1)
    assert exc.value.code == "conflict"
    assert MonthlyReport.objects.get().status == ReportStatus.SUBMITTED


def test_only_drafts_and_returned_reports_can_be_submitted(kube, facilitator, officer):
    report = save(kube, facilitator, submit=True)
    with pytest.raises(ValidationError):
        services.report_submit(actor=facilitator, report=report)
    draft = save(kube, facilitator, period=dt.date(2024, 2, 1))
    assert services.report_submit(actor=facilitator, report=draft).status == ReportStatus.SUBMITTED


def test_database_refuses_negative_money_and_second_report_for_a_month(kube):
    MonthlyReportFactory(kube=kube)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReportFactory(kube=kube)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReportFactory(kube=kube, period=dt.date(2024, 2, 1), income=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReportFactory(kube=kube, period=dt.date(2024, 2, 15))


@pytest.mark.parametrize(
    ("lent_on", "due_on"),
    [
        (dt.date(2024, 1, 15), dt.date(2024, 4, 15)),
        (dt.date(2023, 11, 30), dt.date(2024, 2, 29)),  # clamped to the month's end (leap year)
        (dt.date(2023, 12, 31), dt.date(2024, 3, 31)),
    ],
)
def test_loan_due_date_defaults_to_three_months(kube, officer, lent_on, due_on):
    member = MembershipFactory(kube=kube)
    loan, warnings = services.loan_create(actor=officer, kube=kube, membership=member, amount=300_000, lent_on=lent_on)
    assert loan.due_on == due_on
    assert warnings == []


def test_loan_above_the_limit_is_recorded_with_a_warning(kube, officer):
    member = MembershipFactory(kube=kube)
    loan, warnings = services.loan_create(
        actor=officer, kube=kube, membership=member, amount=750_000, lent_on=dt.date(2024, 3, 1)
    )
    assert loan.pk
    assert warnings == [
        "Pinjaman Rp 750.000 melebihi batas kelompok Rp 500.000 per pinjaman. Pinjaman tetap dicatat; "
        "pastikan sudah disepakati dalam musyawarah."
    ]
    with override_settings(KUBE_LOAN_MAX=1_000_000):
        assert services.loan_warnings(750_000) == []


def test_loan_for_a_member_of_another_group_is_refused(kube, officer):
    with pytest.raises(ValidationError) as exc:
        services.loan_create(
            actor=officer, kube=kube, membership=MembershipFactory(), amount=1, lent_on=dt.date(2024, 3, 1)
        )
    assert "membership" in exc.value.message_dict


def test_repayments_complete_a_loan_and_refuse_overpayment(kube, officer):
    loan = LoanFactory(membership=MembershipFactory(kube=kube), amount=300_000, lent_on=dt.date(2024, 1, 10))
    services.repayment_add(actor=officer, loan=loan, paid_on=dt.date(2024, 2, 10), amount=100_000)
    with pytest.raises(ValidationError) as exc:
        services.repayment_add(actor=officer, loan=loan, paid_on=dt.date(2024, 3, 10), amount=250_000)
    assert exc.value.message_dict["amount"] == ["Angsuran Rp 250.000 melebihi sisa pinjaman Rp 200.000."]
    loan.refresh_from_db()
    assert loan.repaid_on is None
    services.repayment_add(actor=officer, loan=loan, paid_on=dt.date(2024, 3, 10), amount=200_000)
    loan.refresh_from_db()
    assert loan.repaid_on == dt.date(2024, 3, 10)
    with pytest.raises(ValidationError):
        services.repayment_add(actor=officer, loan=loan, paid_on=dt.date(2024, 3, 11), amount=1)


def test_loans_overdue_on_a_date(kube):
    member = MembershipFactory(kube=kube, person=PersonFactory())
    due_april = LoanFactory(membership=member, lent_on=dt.date(2024, 1, 15), due_on=dt.date(2024, 4, 15))
    repaid_late = LoanFactory(
        membership=member, lent_on=dt.date(2023, 9, 1), due_on=dt.date(2023, 12, 1), repaid_on=dt.date(2024, 2, 1)
    )
    RepaymentFactory(loan=repaid_late, amount=repaid_late.amount, paid_on=dt.date(2024, 2, 1))

    def overdue(day):
        return set(Loan.objects.overdue_on(day))

    assert overdue(dt.date(2024, 4, 15)) == set()  # due today: not yet overdue
    assert overdue(dt.date(2024, 4, 16)) == {due_april}
    assert overdue(dt.date(2024, 1, 10)) == {repaid_late}
    assert overdue(dt.date(2024, 2, 1)) == set()  # repaid that day


@override_settings(KUBE_REPORT_DUE_DAY=10)
def test_report_due_date_is_the_tenth_of_the_next_month():
    assert report_due_on(dt.date(2024, 3, 1)) == dt.date(2024, 4, 10)
    assert report_due_on(dt.date(2024, 12, 1)) == dt.date(2025, 1, 10)
    with override_settings(KUBE_REPORT_DUE_DAY=31):
        assert report_due_on(dt.date(2024, 1, 1)) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_product_months_are_stored_as_first_days_and_end_after_start(kube, facilitator):
    product = services.product_create(
        actor=facilitator, kube=kube, kind="produk", name="Kompos padat", started_on=dt.date(2021, 5, 17)
    )
    assert product.started_on == dt.date(2021, 5, 1)
    with pytest.raises(ValidationError) as exc:
        services.product_update(actor=facilitator, product=product, ended_on=dt.date(2021, 3, 1))
    assert "Berhenti (bulan) tidak boleh sebelum mulai (bulan)" in exc.value.message_dict["ended_on"][0]
    assert product.history.first().history_user == facilitator


def test_asset_disposed_before_acquired_is_refused(kube, officer):
    with pytest.raises(ValidationError) as exc:
        services.asset_create(
            actor=officer,
            kube=kube,
            name="Tenda",
            value=1_000_000,
            acquired_on=dt.date(2022, 5, 1),
            disposed_on=dt.date(2022, 4, 1),
        )
    assert "disposed_on" in exc.value.message_dict
