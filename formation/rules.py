"""A family's and a proposal's own rules, each stated once as a pure function.

The services (formation.services: one family or proposal at a time, from a form) and
the import (formation.resources: the `usulan` sheet) gather the values their own way
and call these to decide; each then words the refusal for its own reader (a form field
or a sheet's column).
"""

import datetime as dt

from groups.models import OFFICER_ROLES


def in_future(day: dt.date | None, *, today: dt.date) -> bool:
    """A birth date or a proposal's date after today."""
    return bool(day) and day > today


def grant_half_filled(source: str | None, amount: int | None) -> bool:
    """A proposal's start-up grant names its source and its amount together, or neither."""
    return bool(source) != (amount is not None)


def holds_one_place(role: str) -> bool:
    """Ketua, sekretaris and bendahara: one family each on a proposal."""
    return role in OFFICER_ROLES
