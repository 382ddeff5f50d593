"""A monthly report's own rules, stated once: the services and the import call them."""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .periods import month_start, period_label

MSG_PERIOD_BEFORE_FOUNDED = gettext_noop("KUBE ini baru berdiri {date}; tidak ada laporan untuk {month}.")


def period_not_yet(period: dt.date, *, today: dt.date) -> bool:
    """A report for a month that has not begun."""
    return period > month_start(today)


def period_before_founding(period: dt.date, *, founded_on: dt.date | None) -> str:
    """The message for a report of a month before the group was founded, else ""."""
    if founded_on and period < month_start(founded_on):
        return _(MSG_PERIOD_BEFORE_FOUNDED).format(date=date_format(founded_on, "j F Y"), month=period_label(period))
    return ""
