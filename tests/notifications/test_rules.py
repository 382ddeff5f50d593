"""The reminder rules on constructed calendars (no database)."""

import datetime as dt

import pytest

from notifications import rules

NOVEMBER = dt.date(2025, 11, 1)  # its report is due on 10 December 2025 (KUBE_REPORT_DUE_DAY 10)


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (dt.date(2025, 12, 1), None),
        (dt.date(2025, 12, 6), None),  # four days before: not yet
        (dt.date(2025, 12, 7), rules.DUE),  # due in 3 days
        (dt.date(2025, 12, 9), rules.DUE),
        (dt.date(2025, 12, 10), rules.DUE),  # the deadline day: still due, not overdue
        (dt.date(2025, 12, 11), rules.OVERDUE),  # the day after
        (dt.date(2026, 1, 20), rules.OVERDUE),
    ],
)
def test_report_stage_on_the_calendar(day, stage):
    assert rules.report_stage(NOVEMBER, day) == stage


def test_report_stage_follows_the_due_day_setting(settings):
    settings.KUBE_REPORT_DUE_DAY = 5
    assert rules.report_stage(NOVEMBER, dt.date(2025, 12, 1)) is None
    assert rules.report_stage(NOVEMBER, dt.date(2025, 12, 2)) == rules.DUE
    assert rules.report_stage(NOVEMBER, dt.date(2025, 12, 6)) == rules.OVERDUE


def test_report_periods_add_the_current_month_only_when_its_due_day_is_near(settings):
    assert rules.report_periods(dt.date(2025, 12, 30)) == [NOVEMBER]
    settings.KUBE_REPORT_DUE_DAY = 2  # December's report due on 2 January: reminded from 30 December
    assert rules.report_periods(dt.date(2025, 12, 30)) == [NOVEMBER, dt.date(2025, 12, 1)]
    assert rules.report_stage(dt.date(2025, 12, 1), dt.date(2025, 12, 30)) == rules.DUE


def test_report_due_in_february_is_clamped_by_the_period_helpers(settings):
    settings.KUBE_REPORT_DUE_DAY = 31
    january = dt.date(2026, 1, 1)
    assert rules.report_stage(january, dt.date(2026, 2, 25)) == rules.DUE  # due 28 February
    assert rules.report_stage(january, dt.date(2026, 3, 1)) == rules.OVERDUE


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2025, 12, day, hour, tzinfo=dt.UTC)


def test_returned_since_is_the_start_of_the_current_return():
    steps = [("draft", _at(1)), ("submitted", _at(2)), ("returned", _at(3)), ("returned", _at(5))]
    assert rules.returned_since(steps) == _at(3)  # a draft saved while returned does not restart the count


def test_returned_since_counts_the_latest_return_only():
    steps = [("submitted", _at(1)), ("returned", _at(2)), ("submitted", _at(4)), ("returned", _at(8))]
    assert rules.returned_since(steps) == _at(8)


def test_returned_since_is_none_once_submitted_again():
    assert rules.returned_since([("returned", _at(2)), ("submitted", _at(4))]) is None
    assert rules.returned_since([]) is None


@pytest.mark.parametrize(("returned_on", "remind"), [(dt.date(2025, 12, 8), False), (dt.date(2025, 12, 7), True)])
def test_returned_report_reminded_after_three_days(returned_on, remind):
    assert rules.returned_needs_reminder(returned_on, dt.date(2025, 12, 10)) is remind


@pytest.mark.parametrize(
    ("due_on", "remind"),
    [
        (dt.date(2025, 12, 14), False),
        (dt.date(2025, 12, 13), True),
        (dt.date(2025, 12, 10), True),
        (dt.date(2025, 11, 1), True),
    ],
)
def test_follow_up_reminded_three_days_before_and_after(due_on, remind):
    assert rules.follow_up_needs_reminder(due_on, dt.date(2025, 12, 10)) is remind


@pytest.mark.parametrize(("submitted_on", "remind"), [(dt.date(2025, 11, 26), False), (dt.date(2025, 11, 25), True)])
def test_proposal_waiting_more_than_fourteen_days(submitted_on, remind):
    assert rules.proposal_waits_too_long(submitted_on, dt.date(2025, 12, 10)) is remind


@pytest.mark.parametrize(
    ("judged_on", "stale"),
    [(dt.date(2024, 12, 10), False), (dt.date(2024, 12, 9), True), (dt.date(2017, 11, 20), True)],
)
def test_judgement_older_than_twelve_months(judged_on, stale):
    assert rules.judgement_is_stale(judged_on, dt.date(2025, 12, 10)) is stale


def test_judgement_cutoff_on_a_leap_day():
    assert rules.judgement_cutoff(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


def test_weekly_summary_on_mondays_keyed_by_iso_week():
    monday = dt.date(2025, 12, 29)
    assert rules.is_summary_day(monday)
    assert not rules.is_summary_day(monday + dt.timedelta(days=1))
    assert rules.week_key(monday) == "2026-W01"
