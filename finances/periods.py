"""Report months as dates (their first day), and the dates reports are due. Pure."""

import calendar
import datetime as dt

from django.conf import settings
from django.utils.formats import date_format


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from `first`'s to `last`'s, as first days, oldest first."""
    months, current, last = [], month_start(first), month_start(last)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month


def due_day() -> int:
    """Reports are due by this day of the following month (health-information practice)."""
    return int(getattr(settings, "KUBE_REPORT_DUE_DAY", 10))


def report_due_on(period: dt.date) -> dt.date:
    following = add_months(month_start(period), 1)
    return following.replace(day=min(due_day(), calendar.monthrange(following.year, following.month)[1]))


def period_label(period: dt.date) -> str:
    """`November 2025`, in the active language."""
    return date_format(period, "F Y")


def period_key(period: dt.date) -> str:
    return f"{period:%Y-%m}"


def last_complete_month(today: dt.date) -> dt.date:
    """The latest month whose report can be due: the one before `today`'s."""
    return add_months(month_start(today), -1)
