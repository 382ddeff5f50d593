"""Reading and writing the values people type into spreadsheets and forms.

Money (whole Rupiah), dates (day first, Indonesian month names), booleans, report
periods, and CSV-injection escaping. Pure functions over plain values: no database,
no app imports. Blank input (None or only spaces) reads as None everywhere; the caller
decides whether a value is required. Anything else that cannot be read raises
ValueError with an Indonesian message fit to show the user.
"""

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MSG_MONEY_UNREADABLE = gettext_noop("Jumlah uang tidak terbaca: “{value}”. Tulis misalnya 1.416.000 atau Rp 1,5 juta.")
MSG_MONEY_NEGATIVE = gettext_noop("Jumlah uang tidak boleh negatif: “{value}”.")
MSG_DATE_UNREADABLE = gettext_noop(
    "Tanggal tidak terbaca: “{value}”. Tulis misalnya 12-04-2014, 12/04/2014, 2014-04-12 atau 12 April 2014."
)
MSG_DATE_IMPOSSIBLE = gettext_noop("Tanggal tidak ada di kalender: “{value}”.")
MSG_DATE_YEAR = gettext_noop("Tahun pada tanggal “{value}” tidak masuk akal (harus antara 1900 dan 2100).")
MSG_BOOL_UNREADABLE = gettext_noop("Isi dengan ya atau tidak (tertulis “{value}”).")
# A date a record cannot have yet (a member joining, a partnership starting, a family born...).
MSG_DATE_IN_FUTURE = gettext_noop("Tanggal tidak boleh di masa depan.")
MSG_PERIOD_UNREADABLE = gettext_noop("Periode tidak terbaca: “{value}”. Tulis tahun-bulan, misalnya 2024-03.")

# Multipliers people write after an amount: "Rp 1,5 juta", "2 jt", "Rp 10 ribu".
_MULTIPLIERS = {
    "ribu": 1_000,
    "rb": 1_000,
    "k": 1_000,
    "juta": 1_000_000,
    "jt": 1_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
}
_MONEY_RE = re.compile(
    r"^(?P<sign>[-−])?\s*(?:rp\.?|idr)?\s*(?P<sign2>[-−])?\s*(?P<number>[\d.,\s]*\d[\d.,]*)\s*"
    r"(?P<multiplier>" + "|".join(sorted(_MULTIPLIERS, key=len, reverse=True)) + r")?\.?\s*(?:rupiah)?\s*(?:[.,]-)?$"
)
_THOUSANDS_GROUPS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_WHOLE_RUPIAH = Decimal(1)
# A number too large for any registry amount (and for a BigIntegerField) is a typo.
_MONEY_MAX = 10**15


def is_blank(value: object) -> bool:
    """None, or text of only spaces: what every reader here takes as "not given"."""
    return value is None or (isinstance(value, str) and not value.strip())


def _whole_rupiah(amount: Decimal, raw: object) -> int:
    """Fractions of a rupiah (sen, formula noise such as 1557600.0000001) round half up.

    The registry keeps whole Rupiah only and sen are no longer in use, so rounding
    loses nothing a user could mean; refusing `1.416.000,50` would only annoy.
    """
    if amount < 0:
        raise ValueError(_(MSG_MONEY_NEGATIVE).format(value=raw))
    # Checked before rounding: quantize() of a number past 28 digits raises InvalidOperation.
    if amount >= _MONEY_MAX:
        raise ValueError(_(MSG_MONEY_UNREADABLE).format(value=raw))
    whole = int(amount.quantize(_WHOLE_RUPIAH, rounding=ROUND_HALF_UP))
    if whole >= _MONEY_MAX:
        raise ValueError(_(MSG_MONEY_UNREADABLE).format(value=raw))
    return whole


def _number_text_to_decimal(text: str, has_multiplier: bool) -> Decimal:
    """Read `1.416.000,00`, `1,416,000.00`, `1,5`, `1.5`, `1.416` the way a person means them.

    Indonesian writing uses `.` for thousands and `,` for decimals; English-style
    `1,416,000.00` is accepted too. With both marks, the last one is the decimal
    mark. A single `.` or `,` followed by exactly three digits is a thousands mark
    (`1.416`, `1,500`), except that `1,500 juta` keeps the Indonesian decimal comma.
    """
    text = text.replace(" ", "")
    if "." in text and "," in text:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        whole, _sep, fraction = text.rpartition(decimal_mark)
        if not _THOUSANDS_GROUPS.match(whole) and not whole.isdigit():
            raise InvalidOperation
        return Decimal(re.sub(r"[.,]", "", whole) + "." + fraction)
    mark = "." if "." in text else "," if "," in text else ""
    if not mark:
        return Decimal(text)
    if text.count(mark) > 1:
        if not _THOUSANDS_GROUPS.match(text):
            raise InvalidOperation
        return Decimal(text.replace(mark, ""))
    whole, _sep, fraction = text.partition(mark)
    is_thousands = len(fraction) == 3 and 1 <= len(whole) <= 3 and not (mark == "," and has_multiplier)
    if is_thousands:
        return Decimal(whole + fraction)
    return Decimal((whole or "0") + "." + fraction)


def parse_money(value: object) -> int | None:
    """Whole Rupiah from a spreadsheet number or text.

    `1416000`, `1.416.000`, `Rp 1.416.000,00`, `Rp1,5 juta` (1.500.000), `2 jt`,
    `Rp 10 ribu`. Negative or unreadable amounts raise ValueError.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_(MSG_MONEY_UNREADABLE).format(value=value))
    if isinstance(value, int):
        return _whole_rupiah(Decimal(value), value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_(MSG_MONEY_UNREADABLE).format(value=value))
        return _whole_rupiah(Decimal(repr(value)), value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_(MSG_MONEY_UNREADABLE).format(value=value))
        return _whole_rupiah(value, value)
    raw = str(value).strip()
    text = raw.lower().replace("\u00a0", " ")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1].strip()
    match = _MONEY_RE.match(text)
    if not match:
        raise ValueError(_(MSG_MONEY_UNREADABLE).format(value=raw))
    multiplier_name = match["multiplier"]
    try:
        amount = _number_text_to_decimal(match["number"], has_multiplier=bool(multiplier_name))
    except (InvalidOperation, ValueError):
        raise ValueError(_(MSG_MONEY_UNREADABLE).format(value=raw)) from None
    if multiplier_name:
        amount *= _MULTIPLIERS[multiplier_name]
    if negative or match["sign"] or match["sign2"]:
        amount = -amount
    if amount == 0:
        return 0
    return _whole_rupiah(amount, raw)


def format_rupiah(amount: int | None) -> str:
    """1416000 -> `Rp 1.416.000` (whole Rupiah, Indonesian thousands dots)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(int(amount)):,}".replace(",", ".")


# Month names as written in Indonesian and English, full and abbreviated.
MONTHS = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
_WEEKDAYS = "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_MONTH_NAME = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)\.?,?[\s\-/.]+(\d{4})$")
_WEEKDAY_PREFIX = re.compile(rf"^(?:{_WEEKDAYS}),?\s+")
# Spreadsheet serial day numbers (1900 date system) accepted from numeric cells:
# 10000 is 1927-05-18, 100000 is 2173-10-14; other numbers are not dates.
_SERIAL_RANGE = (10_000, 100_000)
_SERIAL_EPOCH = dt.date(1899, 12, 30)


def _make_date(year: int, month: int, day: int, raw: object) -> dt.date:
    if not 1900 <= year <= 2100:
        raise ValueError(_(MSG_DATE_YEAR).format(value=raw))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_(MSG_DATE_IMPOSSIBLE).format(value=raw)) from None


def parse_date(value: object) -> dt.date | None:
    """A date from a spreadsheet date or datetime (time dropped), or from text.

    Text: `2014-04-12`, `12/04/2014`, `12-04-2014`, `12.04.2014` (always day first,
    as Indonesians write them), `12 April 2014`, `12 Apr 2014`, `12-Agu-2014`, month
    names in Indonesian or English, an optional weekday (`Sabtu, 12 April 2014`).
    Years have four digits. A number from a cell not formatted as a date is read as
    a spreadsheet serial day when it lies in a plausible range.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(_(MSG_DATE_UNREADABLE).format(value=value))
    if isinstance(value, int | float):
        # A datetime serial carries the time of day as its fraction.
        if math.isfinite(value) and _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:
            return _SERIAL_EPOCH + dt.timedelta(days=math.floor(value))
        raise ValueError(_(MSG_DATE_UNREADABLE).format(value=value))
    raw = str(value).strip()
    text = _WEEKDAY_PREFIX.sub("", raw.lower())
    if match := _ISO_DATE.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), raw)
    if match := _DAY_FIRST.match(text):
        return _make_date(int(match[4]), int(match[3]), int(match[1]), raw)
    if (match := _MONTH_NAME.match(text)) and match[2] in MONTHS:
        return _make_date(int(match[3]), MONTHS[match[2]], int(match[1]), raw)
    raise ValueError(_(MSG_DATE_UNREADABLE).format(value=raw))


_TRUE = frozenset({"ya", "y", "1", "true", "yes", "benar", "t"})
_FALSE = frozenset({"tidak", "n", "0", "false", "no", "salah", "tdk", "f"})


def parse_bool(value: object) -> bool | None:
    """`ya/tidak`, `y/n`, `1/0`, `true/false` (any case), spreadsheet booleans and 1/0."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_(MSG_BOOL_UNREADABLE).format(value=str(value).strip()))


_PERIOD_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_PERIOD_MONTH_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_PERIOD_MONTH_NAME = re.compile(r"^([a-z]+)\.?[\s\-/]+(\d{4})$")


def parse_period(value: object) -> dt.date | None:
    """A report month as its first day: `2024-03` (also `03/2024`, `Maret 2024`).

    A spreadsheet turns a typed `2024-03` into the date 1 March 2024, so dates are
    accepted and read as their month.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    raw = str(value).strip()
    text = raw.lower()
    year = month = None
    if match := _PERIOD_YEAR_FIRST.match(text):
        year, month = int(match[1]), int(match[2])
    elif match := _PERIOD_MONTH_FIRST.match(text):
        year, month = int(match[2]), int(match[1])
    elif (match := _PERIOD_MONTH_NAME.match(text)) and match[1] in MONTHS:
        year, month = int(match[2]), MONTHS[match[1]]
    else:
        try:
            day = parse_date(raw)
        except ValueError:
            raise ValueError(_(MSG_PERIOD_UNREADABLE).format(value=raw)) from None
        year, month = day.year, day.month
    if not 1 <= month <= 12:
        raise ValueError(_(MSG_PERIOD_UNREADABLE).format(value=raw))
    return _make_date(year, month, 1, raw)


# A spreadsheet treats a cell starting with one of these as a formula (or, for tab
# and carriage return, hides the start of one). OWASP's CSV-injection advice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet that opens a CSV with another delimiter (Excel in an Indonesian locale
# splits on `;`) or a naive reader splitting lines exposes every part after one of these
# as a cell of its own, and may drop spaces and quotes before it.
CELL_SEPARATORS = (",", ";", "\n")
_SKIPPED = (" ", '"', "\u00a0")
_PLAIN_NUMBER = re.compile(r"^-\d+(?:[.,]\d+)?$")


def _part_starts(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """Where a part of the cell may start, with the separators that make it a start."""
    starts = [(0, CELL_SEPARATORS)]
    starts.extend((index + 1, (char,)) for index, char in enumerate(text) if char in CELL_SEPARATORS)
    return starts


def _formula_at(text: str, start: int) -> tuple[int, int]:
    """(where the part's text begins after spaces and quotes, how many `'` precede a
    formula sign there); (-1, 0) when no formula sign follows."""
    begin = start
    while begin < len(text) and text[begin] in _SKIPPED:
        begin += 1
    sign = begin
    while sign < len(text) and text[sign] == "'":
        sign += 1
    if sign >= len(text) or text[sign] not in FORMULA_TRIGGERS:
        return -1, 0
    return begin, sign - begin


def _is_plain_negative_number(text: str, begin: int, separators: tuple[str, ...]) -> bool:
    """True when the part is a plain negative number (`-5`, `-1,5`) however it is split."""
    for separator in separators:
        end = text.find(separator, begin)
        part = text[begin : end if end >= 0 else len(text)].rstrip("".join(_SKIPPED))
        if not _PLAIN_NUMBER.match(part):
            return False
    return True


def escape_csv_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula: a `'` before the formula sign.

    Not only at the start of the cell: also at the start of every part a split on `,`,
    `;` or a line break would expose (`abc;=HYPERLINK(...)`, `x,-1+1`), after any spaces
    or double quotes there. A `'` already before a formula sign gets one more, so that
    `unescape_csv_cell` gives back exactly the text (an export imports back unchanged).
    Numbers pass through untouched, as does a part that is just a negative number
    (`-5000`, `-1,5`), which no spreadsheet runs.
    """
    if not isinstance(value, str) or not value:
        return value
    inserts = []
    for start, separators in _part_starts(value):
        begin, quotes = _formula_at(value, start)
        if begin < 0:
            continue
        if not quotes and value[begin] == "-" and _is_plain_negative_number(value, begin, separators):
            continue
        inserts.append(begin)
    for position in reversed(inserts):
        value = value[:position] + "'" + value[position:]
    return value


def unescape_csv_cell(value: str) -> str:
    """Undo `escape_csv_cell`, so an exported file imports back to the same text."""
    removals = []
    for start, _separators in _part_starts(value):
        begin, quotes = _formula_at(value, start)
        if quotes:
            removals.append(begin)
    for position in reversed(removals):
        value = value[:position] + value[position + 1 :]
    return value
