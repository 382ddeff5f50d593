"""The rules of a partnership, stated once (its dates; a group and a partner of one city):
the services, the model and the import call them."""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.values import MSG_DATE_IN_FUTURE

MSG_ENDED_BEFORE_STARTED = gettext_noop("Tanggal selesai tidak boleh sebelum tanggal mulai ({date}).")
MSG_STARTED_BEFORE_FOUNDED = gettext_noop("Tanggal mulai tidak boleh sebelum KUBE berdiri ({date}).")


def _day(day: dt.date) -> str:
    return date_format(day, "j M Y")


def period_date_problems(
    *, today: dt.date, started_on: dt.date | None, ended_on: dt.date | None, founded_on: dt.date | None = None
) -> dict[str, str]:
    """Started neither in the future nor before the group was founded; ended neither
    before it started nor in the future. At most one message a field (`started_on`, `ended_on`)."""
    problems = {}
    if started_on is not None:
        if started_on > today:
            problems["started_on"] = _(MSG_DATE_IN_FUTURE)
        elif founded_on and started_on < founded_on:
            problems["started_on"] = _(MSG_STARTED_BEFORE_FOUNDED).format(date=_day(founded_on))
    if ended_on is not None:
        if started_on is not None and ended_on < started_on:
            problems["ended_on"] = _(MSG_ENDED_BEFORE_STARTED).format(date=_day(started_on))
        elif ended_on > today:
            problems["ended_on"] = _(MSG_DATE_IN_FUTURE)
    return problems


MSG_PARTNER_OTHER_CITY = gettext_noop(
    "Mitra ini terdaftar di kota lain; KUBE hanya dapat bermitra dengan mitra yang terdaftar di kotanya sendiri."
)
MSG_MERGE_OTHER_CITY = gettext_noop("Mitra hanya dapat digabung dengan mitra yang terdaftar di kota yang sama.")


def same_city_problem(kube_city_id: int | None, partner_city_id: int | None) -> str:
    """A group works only with partners of its own city's list (issue 19): the message, or ""."""
    if kube_city_id is None or partner_city_id is None or kube_city_id != partner_city_id:
        return _(MSG_PARTNER_OTHER_CITY)
    return ""
