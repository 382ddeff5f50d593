"""Each reminder on a constructed calendar, through `run_schedules --day`: who gets it,
when, and when it is resolved because its cause is gone."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from freezegun import freeze_time

from assessments.models import Assessment, Category
from finances import services as finances_services
from finances.models import ReportStatus
from formation import services as formation_services
from formation.models import DecisionAction, ProposalDecision, ProposalStatus
from groups.models import KubeStatus
from monitoring import services as monitoring_services
from monitoring.models import FollowUpOwner
from notifications.models import Kind, Notification
from tests.factories import KubeFactory, MembershipFactory
from tests.finances.factories import LoanFactory, MonthlyReportFactory
from tests.formation.factories import proposal_with
from tests.monitoring.factories import FollowUpFactory, VisitFactory

NOVEMBER = dt.date(2025, 11, 1)  # due on 10 December 2025


def run(day: dt.date) -> str:
    out = StringIO()
    try:
        call_command("run_schedules", "--day", day.isoformat(), stdout=out)
    except CommandError:
        raise AssertionError(out.getvalue()) from None
    return out.getvalue()


def notes(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind).order_by("pk"))


@pytest.fixture
def frozen():
    with freeze_time("2025-12-15 09:00:00+08:00") as frozen:
        yield frozen


# --- Monthly reports ------------------------------------------------------------------------


def test_report_reminders_on_the_calendar(frozen, kube, facilitator, officer):
    run(dt.date(2025, 12, 6))  # four days before the due day: nothing yet
    assert notes(facilitator, Kind.REPORT_DUE) == []

    run(dt.date(2025, 12, 7))  # due in 3 days
    (due,) = notes(facilitator, Kind.REPORT_DUE)
    assert due.title == f"Laporan November 2025 KUBE Mekar Uji ({kube.no_registrasi}) jatuh tempo 10 Desember 2025"
    assert "3 hari lagi" in due.body
    assert due.url == f"/kelompok/{kube.pk}/laporan/2025-11/"

    run(dt.date(2025, 12, 10))  # the deadline day: still due (already told), not overdue
    assert len(notes(facilitator, Kind.REPORT_DUE)) == 1
    assert notes(facilitator, Kind.REPORT_OVERDUE) == []
    assert notes(officer, Kind.REPORTS_MISSING) == []

    run(dt.date(2025, 12, 11))  # the day after: overdue; the office gets the month's list
    (overdue,) = notes(facilitator, Kind.REPORT_OVERDUE)
    assert "sudah lewat" in overdue.body
    (office,) = notes(officer, Kind.REPORTS_MISSING)
    assert office.title == "1 laporan November 2025 belum masuk"
    assert office.url == "/laporan/belum-masuk/?bulan=2025-11"
    assert notes(officer, Kind.REPORT_OVERDUE) == []  # the office is not told group by group


def test_report_due_on_the_deadline_day_says_today(frozen, kube, facilitator):
    run(dt.date(2025, 12, 10))
    (due,) = notes(facilitator, Kind.REPORT_DUE)
    assert "Batas waktunya hari ini, 10 Desember 2025" in due.body


def test_report_reminder_follows_the_due_day_setting(frozen, settings, kube, facilitator):
    settings.KUBE_REPORT_DUE_DAY = 5
    run(dt.date(2025, 12, 6))
    assert len(notes(facilitator, Kind.REPORT_OVERDUE)) == 1


@pytest.mark.parametrize(
    ("status", "reminded"),
    [
        (None, True),
        (ReportStatus.DRAFT, True),  # a draft has not reached the office
        (ReportStatus.SUBMITTED, False),
        (ReportStatus.RETURNED, False),  # the office has it: the returned-report rule applies instead
        (ReportStatus.VERIFIED, False),
    ],
)
def test_report_reminder_only_while_the_report_has_not_reached_the_office(frozen, kube, facilitator, status, reminded):
    if status:
        MonthlyReportFactory(kube=kube, period=NOVEMBER, status=status)
    run(dt.date(2025, 12, 11))
    assert bool(notes(facilitator, Kind.REPORT_OVERDUE)) is reminded


def test_report_reminders_skip_inactive_and_unfounded_groups(frozen, facilitator):
    KubeFactory(facilitator=facilitator, status=KubeStatus.TIDAK_AKTIF)
    KubeFactory(facilitator=facilitator, founded_on=dt.date(2025, 12, 2))
    run(dt.date(2025, 12, 11))
    assert notes(facilitator, Kind.REPORT_OVERDUE) == []


def test_facilitators_get_their_own_groups_only(frozen, kube, facilitator, other_facilitator, officer):
    theirs = KubeFactory(facilitator=other_facilitator, name="KUBE Lain")
    run(dt.date(2025, 12, 11))
    assert [n.ref["kube"] for n in notes(facilitator, Kind.REPORT_OVERDUE)] == [kube.pk]
    assert [n.ref["kube"] for n in notes(other_facilitator, Kind.REPORT_OVERDUE)] == [theirs.pk]
    for notification in Notification.objects.filter(user=facilitator):
        assert "KUBE Lain" not in notification.title + notification.body
    assert notes(officer, Kind.REPORTS_MISSING)[0].title.startswith("2 laporan")


def test_group_without_facilitator_is_on_the_office_list_only(frozen, officer):
    KubeFactory(facilitator=None)
    run(dt.date(2025, 12, 11))
    assert Notification.objects.filter(kind=Kind.REPORT_OVERDUE).count() == 0
    assert notes(officer, Kind.REPORTS_MISSING)[0].title.startswith("1 laporan")


def test_report_reminders_resolved_when_the_report_is_submitted(frozen, kube, facilitator, officer):
    run(dt.date(2025, 12, 11))
    finances_services.report_save(actor=facilitator, kube=kube, period=NOVEMBER, version=0, values={}, submit=True)
    output = run(dt.date(2025, 12, 12))
    assert "selesai 2" in output  # the facilitator's and the office's
    assert notes(facilitator, Kind.REPORT_OVERDUE)[0].resolved_at is not None
    assert notes(officer, Kind.REPORTS_MISSING)[0].resolved_at is not None


def test_reminder_resolved_when_the_group_changes_facilitator(frozen, kube, facilitator, other_facilitator):
    run(dt.date(2025, 12, 11))
    kube.facilitator = other_facilitator
    kube.save()
    run(dt.date(2025, 12, 12))
    assert notes(facilitator, Kind.REPORT_OVERDUE)[0].resolved_at is not None
    assert len(notes(other_facilitator, Kind.REPORT_OVERDUE)) == 1  # now theirs


# --- A returned report -------------------------------------------------------------------------


def test_returned_report_reminded_after_three_days_and_resolved_when_resubmitted(kube, facilitator, officer):
    with freeze_time("2025-12-02 10:00:00+08:00"):
        report = finances_services.report_save(
            actor=facilitator, kube=kube, period=NOVEMBER, version=0, values={}, submit=True
        )
    with freeze_time("2025-12-03 10:00:00+08:00"):
        report = finances_services.report_return(actor=officer, report=report, comment="Saldo bank tidak cocok.")
    with freeze_time("2025-12-04 10:00:00+08:00"):  # a draft saved meanwhile does not restart the count
        report = finances_services.report_save(
            actor=facilitator, kube=kube, period=NOVEMBER, version=report.version, values={"income": 5}
        )
    with freeze_time("2025-12-05 10:00:00+08:00"):
        run(dt.date(2025, 12, 5))
        assert notes(facilitator, Kind.REPORT_RETURNED) == []
    with freeze_time("2025-12-06 10:00:00+08:00"):
        run(dt.date(2025, 12, 6))
        (returned,) = notes(facilitator, Kind.REPORT_RETURNED)
        assert "pada 3 Desember 2025" in returned.body
        assert returned.url == report.get_absolute_url()
        assert "Saldo bank" not in returned.body  # the officer's free text stays on the report's page
        finances_services.report_submit(actor=facilitator, report=report)
        run(dt.date(2025, 12, 7))
        assert notes(facilitator, Kind.REPORT_RETURNED)[0].resolved_at is not None


# --- Loans, follow-ups, visits ------------------------------------------------------------------


def test_overdue_loan_reminded_to_the_facilitator_and_resolved_when_repaid(frozen, kube, facilitator, officer):
    member = MembershipFactory(kube=kube, person__name="Wahyuni")
    loan = LoanFactory(membership=member, amount=500_000, lent_on=dt.date(2025, 9, 1), due_on=dt.date(2025, 12, 1))
    LoanFactory(membership=member, lent_on=dt.date(2025, 10, 1), due_on=dt.date(2025, 12, 2))  # due tomorrow
    LoanFactory(
        membership=member, lent_on=dt.date(2025, 8, 1), due_on=dt.date(2025, 9, 1), repaid_on=dt.date(2025, 9, 1)
    )
    run(dt.date(2025, 12, 1))
    assert notes(facilitator, Kind.LOAN_OVERDUE) == []  # due today: not yet overdue
    run(dt.date(2025, 12, 2))
    (reminder,) = notes(facilitator, Kind.LOAN_OVERDUE)
    assert reminder.title == f"Pinjaman Wahyuni di KUBE Mekar Uji ({kube.no_registrasi}) menunggak"
    assert "Rp 500.000" in reminder.body
    assert notes(officer, Kind.LOAN_OVERDUE) == []
    finances_services.repayment_add(actor=officer, loan=loan, paid_on=dt.date(2025, 12, 3), amount=500_000)
    run(dt.date(2025, 12, 4))
    assert notes(facilitator, Kind.LOAN_OVERDUE)[0].resolved_at is not None


def test_follow_ups_go_to_whoever_owns_them(frozen, kube, facilitator, officer):
    visit = VisitFactory(kube=kube, visited_on=dt.date(2025, 11, 1))
    ours = FollowUpFactory(visit=visit, due_on=dt.date(2025, 12, 13), action="Telepon 0812-3456-7890 untuk jadwal")
    FollowUpFactory(visit=visit, due_on=dt.date(2025, 12, 14))  # four days ahead: not yet
    office = FollowUpFactory(visit=visit, due_on=dt.date(2025, 12, 1), owner=FollowUpOwner.DINAS)
    run(dt.date(2025, 12, 10))
    (mine,) = notes(facilitator, Kind.FOLLOW_UP_DUE)
    assert mine.ref == {"follow_up": ours.pk}
    assert "0812-3456-7890" not in mine.body and "0812" in mine.body  # quoted, masked
    (theirs,) = notes(officer, Kind.FOLLOW_UP_DUE)
    assert theirs.ref == {"follow_up": office.pk}
    assert "lewat batas" in theirs.title
    monitoring_services.follow_up_close(
        actor=facilitator, follow_up=ours, closed_on=dt.date(2025, 12, 12), outcome="Sudah dijadwalkan."
    )
    run(dt.date(2025, 12, 12))
    assert notes(facilitator, Kind.FOLLOW_UP_DUE)[0].resolved_at is not None
    assert notes(officer, Kind.FOLLOW_UP_DUE)[0].resolved_at is None


def test_group_not_visited_for_the_monitoring_period(frozen, settings, facilitator):
    settings.KUBE_MONITORING_PERIOD_DAYS = 90
    day = dt.date(2025, 12, 10)
    missed = KubeFactory(facilitator=facilitator, name="KUBE Lama")
    VisitFactory(kube=missed, visited_on=day - dt.timedelta(days=90))  # the 91st day back: not covered
    covered = KubeFactory(facilitator=facilitator, name="KUBE Dikunjungi")
    VisitFactory(kube=covered, visited_on=day - dt.timedelta(days=89))
    KubeFactory(facilitator=facilitator, founded_on=day - dt.timedelta(days=30))  # too new to be missed
    never = KubeFactory(facilitator=facilitator, name="KUBE Sepi")
    run(day)
    reminders = {n.ref["kube"]: n for n in notes(facilitator, Kind.NOT_VISITED)}
    assert set(reminders) == {missed.pk, never.pk}
    assert "terakhir dikunjungi 11 September 2025" in reminders[missed.pk].body
    assert "belum pernah dikunjungi" in reminders[never.pk].body
    assert reminders[missed.pk].url == f"/kelompok/{missed.pk}/kunjungan/tambah/"
    VisitFactory(kube=missed, visited_on=dt.date(2025, 12, 11))
    run(dt.date(2025, 12, 11))
    assert Notification.objects.get(pk=reminders[missed.pk].pk).resolved_at is not None
    assert Notification.objects.get(pk=reminders[never.pk].pk).resolved_at is None


# --- The office: proposals, judgements, the weekly summary ------------------------------------------


def test_proposal_waiting_more_than_fourteen_days_goes_to_officers(kube, facilitator, officer):
    with freeze_time("2025-11-25 10:00:00+08:00"):
        proposal = proposal_with(1, facilitator=facilitator)
        formation_services.proposal_submit(actor=facilitator, proposal=proposal)
    with freeze_time("2025-11-26 10:00:00+08:00"):
        later = proposal_with(1, facilitator=facilitator)
        formation_services.proposal_submit(actor=facilitator, proposal=later)
    with freeze_time("2025-12-10 09:00:00+08:00"):
        run(dt.date(2025, 12, 10))
        (waiting,) = notes(officer, Kind.PROPOSAL_WAITING)
        assert waiting.ref["proposal"] == proposal.pk
        assert "15 hari" in waiting.title
        assert notes(facilitator, Kind.PROPOSAL_WAITING) == []
        formation_services.proposal_return(actor=officer, proposal=proposal, reason="Lengkapi gagasan usaha.")
        run(dt.date(2025, 12, 11))
        assert notes(officer, Kind.PROPOSAL_WAITING)[0].resolved_at is not None
        assert len(notes(officer, Kind.PROPOSAL_WAITING)) == 2  # the later one is 15 days old now
    assert ProposalDecision.objects.filter(action=DecisionAction.DIAJUKAN).count() == 2
    assert proposal.__class__.objects.get(pk=proposal.pk).status == ProposalStatus.DIKEMBALIKAN


def _judged(kube, as_of: dt.date, judged_at: dt.datetime | None, officer, category=Category.MANDIRI) -> Assessment:
    """An assessment; with `judged_at`, an officer's judgement made on it (the judgement in force from
    then on: `judgement_from` is itself)."""
    assessment = Assessment.objects.create(
        kube=kube,
        as_of=as_of,
        computed_category=Category.BERKEMBANG,
        final_category=category,
        override_reason="" if category == Category.BERKEMBANG else "Keputusan dinas",
        score=Decimal("60"),
        rubric_version="v1",
        assessed_at=timezone.now(),
    )
    if judged_at:
        Assessment.objects.filter(pk=assessment.pk).update(
            judged_at=judged_at, judged_by=officer, judgement_from=assessment
        )
        assessment.refresh_from_db()
    return assessment


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def test_judgement_older_than_twelve_months_raises_a_review_reminder(frozen, kube, officer, facilitator):
    stale = KubeFactory(facilitator=facilitator, name="KUBE Mekar Sari")
    first = _judged(stale, dt.date(2017, 12, 31), _at(dt.date(2018, 1, 15)), officer)
    # A later assessment without a judgement of its own carries the 2018 one (assessments' carry rule).
    later = _judged(stale, dt.date(2024, 12, 31), None, officer, category=Category.MANDIRI)
    Assessment.objects.filter(pk=later.pk).update(judgement_from=first)
    _judged(kube, dt.date(2024, 11, 30), _at(dt.date(2024, 12, 10)), officer)  # exactly 12 months: not yet
    run(dt.date(2025, 12, 10))
    (review,) = notes(officer, Kind.JUDGEMENT_REVIEW)
    assert review.ref == {"kube": stale.pk, "judged_on": "2018-01-15"}
    assert "Mandiri" in review.body and "15 Januari 2018" in review.body
    assert notes(facilitator, Kind.JUDGEMENT_REVIEW) == []
    run(dt.date(2025, 12, 11))  # now the other one is more than 12 months old too
    assert len(notes(officer, Kind.JUDGEMENT_REVIEW)) == 2
    # An officer records a new judgement: the review is done.
    _judged(stale, dt.date(2025, 11, 30), _at(dt.date(2025, 12, 12)), officer)
    run(dt.date(2025, 12, 12))
    assert Notification.objects.get(pk=review.pk).resolved_at is not None


def test_weekly_summary_on_mondays_for_officers(frozen, kube, facilitator, officer):
    KubeFactory(facilitator=facilitator)
    MonthlyReportFactory(kube=kube, period=NOVEMBER, status=ReportStatus.VERIFIED)
    up = KubeFactory(facilitator=facilitator)
    _judged(up, dt.date(2025, 10, 31), None, officer, category=Category.BERKEMBANG)
    # An officer's judgement on the November assessment: the month's rubric run keeps it.
    _judged(up, dt.date(2025, 11, 30), _at(dt.date(2025, 11, 28)), officer, category=Category.MANDIRI)
    run(dt.date(2025, 12, 9))  # a Tuesday
    assert notes(officer, Kind.WEEKLY_SUMMARY) == []
    run(dt.date(2025, 12, 1))  # a Monday
    (summary,) = notes(officer, Kind.WEEKLY_SUMMARY)
    assert "Kelengkapan laporan November 2025: 1 dari 3 KUBE aktif (33%)" in summary.body
    assert "1 KUBE berpindah kategori: 1 naik, 0 turun" in summary.body
    assert notes(facilitator, Kind.WEEKLY_SUMMARY) == []
