"""When a reminder is due: pure functions of dates, tested on constructed calendars.

`notifications.reminders` gathers the facts (reports, loans, visits, proposals,
judgements) and asks these functions; nothing here reads the database.
"""

import datetime as dt
from collections.abc import Iterable

from finances.periods import add_months, last_complete_month, month_start, report_due_on

# A month's report: reminded this many days before its due day (and on the days up to it).
DUE_SOON_DAYS = 3
# A returned report not submitted again this many days after it was returned.
RETURNED_GRACE_DAYS = 3
# A follow-up agreed at a visit: reminded this many days before its due date, and after.
FOLLOW_UP_SOON_DAYS = 3
# A proposal waiting for the office's decision more than this many days since it was submitted.
PROPOSAL_WAIT_DAYS = 14
# An officer's judgement (final category) older than this many months is due for review.
JUDGEMENT_MAX_MONTHS = 12
# The weekly summary goes out on this weekday (Monday).
SUMMARY_WEEKDAY = 0

DUE = "due"
OVERDUE = "overdue"


def report_stage(period: dt.date, day: dt.date) -> str | None:
    """Where a month's missing report stands on `day`: DUE from `DUE_SOON_DAYS` days before
    its due day through the due day itself, OVERDUE from the day after, else None.

    With reports due on the 10th: November's report is DUE on 7-10 December and OVERDUE
    from 11 December on.
    """
    due = report_due_on(period)
    if day > due:
        return OVERDUE
    if day >= due - dt.timedelta(days=DUE_SOON_DAYS):
        return DUE
    return None


def report_periods(day: dt.date) -> list[dt.date]:
    """The months whose report a reminder on `day` may be about: the last complete month,
    and the current one when its due day is already near (a due day of 1-3)."""
    periods = [last_complete_month(day)]
    if report_stage(month_start(day), day) is not None:
        periods.append(month_start(day))
    return periods


def days_until(due: dt.date, day: dt.date) -> int:
    return (due - day).days


def returned_since(steps: Iterable[tuple[str, dt.datetime]], returned: str = "returned") -> dt.datetime | None:
    """When a report's current return began: the first of the last unbroken run of `returned`
    steps in its history (oldest first). Saving a draft of a returned report keeps it returned
    and does not restart the count; None when its latest step is not a return."""
    since = None
    for status, at in steps:
        if status == returned:
            since = since or at
        else:
            since = None
    return since


def returned_needs_reminder(returned_on: dt.date, day: dt.date) -> bool:
    """Returned `RETURNED_GRACE_DAYS` or more days before `day` and still not corrected."""
    return (day - returned_on).days >= RETURNED_GRACE_DAYS


def follow_up_needs_reminder(due_on: dt.date, day: dt.date) -> bool:
    """An open follow-up due within `FOLLOW_UP_SOON_DAYS` days, or already past its date."""
    return (due_on - day).days <= FOLLOW_UP_SOON_DAYS


def proposal_waits_too_long(submitted_on: dt.date, day: dt.date) -> bool:
    """Submitted more than `PROPOSAL_WAIT_DAYS` days before `day` (the 15th day of waiting on)."""
    return (day - submitted_on).days > PROPOSAL_WAIT_DAYS


def judgement_cutoff(day: dt.date) -> dt.date:
    """A judgement made before this day is more than `JUDGEMENT_MAX_MONTHS` months old on `day`."""
    return add_months(day, -JUDGEMENT_MAX_MONTHS)


def judgement_is_stale(judged_on: dt.date, day: dt.date) -> bool:
    return judged_on < judgement_cutoff(day)


def is_summary_day(day: dt.date) -> bool:
    return day.weekday() == SUMMARY_WEEKDAY


def week_key(day: dt.date) -> str:
    """`2025-W46`: the ISO week a weekly summary is about."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"
