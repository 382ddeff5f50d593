"""Widgets: how a column's cells become Python values, with Indonesian messages.

Each widget's `clean(cell)` returns the value or raises `ValueError(message)`, and its
`render(value)` writes a stored value the way `clean` reads it back (the export uses
it). The parsing itself is `kube_registry.values`, shared with the forms.
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.values import is_blank, parse_bool, parse_date, parse_money, parse_period, unescape_csv_cell

MSG_REQUIRED = gettext_noop("Wajib diisi.")
MSG_TOO_LONG = gettext_noop("Terlalu panjang: paling banyak {limit} karakter (tertulis {count}).")
MSG_CHOICE = gettext_noop("Nilai “{value}” tidak dikenal; pilih salah satu: {options}.")
MSG_INTEGER = gettext_noop("Harus bilangan bulat (tertulis “{value}”).")
MSG_INTEGER_RANGE = gettext_noop("Harus antara {low} dan {high} (tertulis {value}).")


class Widget:
    """Reads a cell (`clean`) and writes a value back (`render`); blank is not required by default."""

    required = False

    def clean(self, value, row=None, **kwargs) -> Any:
        return value

    def render(self, value, obj=None, **kwargs) -> Any:
        return value


class TextWidget(Widget):
    """Text with surrounding spaces removed; a spreadsheet number 7.0 reads as `7`."""

    def __init__(self, *, required: bool = False, max_length: int | None = None):
        self.required = required
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs) -> str:
        if value.__class__ is str:
            text = value.strip()
            if "'" in text:  # an exported cell's escape, at its start or after a `,`/`;`
                text = unescape_csv_cell(text)
        elif value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, dt.datetime | dt.date):
            text = value.isoformat()
        else:
            text = unescape_csv_cell(str(value).strip())
        if not text and self.required:
            raise ValueError(_(MSG_REQUIRED))
        if self.max_length and len(text) > self.max_length:
            raise ValueError(_(MSG_TOO_LONG).format(limit=self.max_length, count=len(text)))
        return text


class _ParsingWidget(Widget):
    """Blank reads as None (or refuses when required); the rest goes to a parser."""

    parser: Callable[[object], Any]

    def __init__(self, *, required: bool = False):
        self.required = required

    def clean(self, value, row=None, **kwargs):
        parsed = type(self).parser(value)
        if parsed is None and self.required:
            raise ValueError(_(MSG_REQUIRED))
        return parsed


class DateWidget(_ParsingWidget):
    """Spreadsheet dates and day-first text; a datetime becomes its date."""

    parser = staticmethod(parse_date)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class MoneyWidget(_ParsingWidget):
    """Whole Rupiah from numbers or text (`Rp 1,5 juta`)."""

    parser = staticmethod(parse_money)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else int(value)


class BooleanWidget(_ParsingWidget):
    """`ya/tidak`, `y/n`, `1/0`, `true/false`; exported as `ya` / `tidak`."""

    parser = staticmethod(parse_bool)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("ya" if value else "tidak")


class PeriodWidget(_ParsingWidget):
    """A report month `YYYY-MM`, kept as its first day."""

    parser = staticmethod(parse_period)

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%Y-%m") if value else ""


class IntegerWidget(_ParsingWidget):
    """A whole number within bounds (meetings, attendance percentage)."""

    def __init__(self, *, required: bool = False, low: int | None = None, high: int | None = None):
        super().__init__(required=required)
        self.low, self.high = low, high

    def clean(self, value, row=None, **kwargs) -> int | None:
        if is_blank(value):
            if self.required:
                raise ValueError(_(MSG_REQUIRED))
            return None
        try:
            number = float(str(value).strip().replace(",", ".")) if not isinstance(value, int | float) else value
        except ValueError:
            raise ValueError(_(MSG_INTEGER).format(value=value)) from None
        if isinstance(number, bool) or not float(number).is_integer():
            raise ValueError(_(MSG_INTEGER).format(value=value))
        number = int(number)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            raise ValueError(_(MSG_INTEGER_RANGE).format(low=self.low, high=self.high, value=number))
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else int(value)


def _choice_key(text: object) -> str:
    return re.sub(r"[\s_\-]+", " ", str(text).strip().lower())


class ChoiceWidget(Widget):
    """One of an enumeration, matched without regard to case, spaces or underscores.

    `choices` is a Django `TextChoices` class (its values and labels are accepted),
    `aliases` maps further spellings to stored values, and `names` gives the written
    form of a stored value where it differs (`tidak_aktif` is written `tidak aktif`).
    Blank reads as "" (not given).
    """

    def __init__(self, choices, *, required: bool = False, aliases: dict[str, str] | None = None, names=None):
        self.required = required
        # stored value -> how the file writes it
        self.names = {value: _choice_key(value) for value in choices.values} | dict(names or {})
        self.lookup: dict[str, str] = {}
        for value, label in zip(choices.values, choices.labels, strict=True):
            self.lookup[_choice_key(label)] = value
            self.lookup[_choice_key(value)] = value
        for value, written in self.names.items():
            self.lookup[_choice_key(written)] = value
        for alias, value in (aliases or {}).items():
            self.lookup[_choice_key(alias)] = value
        self.options = ", ".join(self.names.values())

    def clean(self, value, row=None, **kwargs) -> str:
        if is_blank(value):
            if self.required:
                raise ValueError(_(MSG_REQUIRED))
            return ""
        found = self.lookup.get(value.strip().lower()) if value.__class__ is str else None
        if found is None:
            found = self.lookup.get(_choice_key(value))
        if found is None:
            raise ValueError(_(MSG_CHOICE).format(value=str(value).strip(), options=self.options))
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return self.names.get(value, value or "")
