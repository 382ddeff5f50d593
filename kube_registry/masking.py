"""The masking rule for personal data (NIK, KK, birth date, phone), in one place.

A user without the permission `groups.view_personal_data` (everyone but
administrators) is never shown anything from which a person's NIK or KK narrows
below 1,000 candidates (README, "Masking rule"):

- NIK and KK: only the first 4 digits (province and city, shared by most residents
  of the city) stay: `6474 •••• •••• ••••`. The kecamatan, the date and the serial
  are hidden.
- Birth date: never shown as a date; pages show the age in whole years
  ("41 tahun"), masked exports leave it blank. Given the age, the NIK's date is one
  of ~365 days; with the kecamatan (3 in Bontang, even if guessed from the group's)
  and the serial (even if only 0001-0003) unknown, that stays >= 365 x 3 = 1,095.
- Phone: the first 4 digits and the last 2: `0812 •••• ••34`.
- Sex, kecamatan and kelurahan stay visible: they are already counted above.

Every page, export, history diff, import message, admin list and log line goes
through the functions here. Imports nothing from Django at load time: the logging
configuration loads this module (PersonalDataFilter) before the apps.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

PERMISSION = "groups.view_personal_data"
BULLETS = "••••"
MASKED_ID_NUMBER_TAIL = f"{BULLETS} {BULLETS} {BULLETS}"

# A NIK or KK: 16 digits, also written in groups (6474 0101 0190 0001, 6474.0101...).
ID_NUMBER = re.compile(r"(?<![\d])(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})(?![\d])")
# An Indonesian mobile number: 08…, 628… or +628…, 10 to 13 digits in all.
PHONE = re.compile(r"(?<![\d+])(?:\+?62[ -]?|0)8[\d -]{7,13}\d(?![\d])")
_MONTHS = (
    "jan|januari|january|feb|febr|februari|february|mar|maret|march|apr|april|mei|may|jun|juni|june|"
    "jul|juli|july|agu|agt|agus|agustus|aug|august|sep|sept|september|okt|oktober|oct|october|"
    "nov|nopember|november|des|desember|dec|december"
)
# A date as messages and pages write one: 17-05-1980, 17/05/1980, 1980-05-17, 17 Mei 1980,
# May 17, 1980.
DATE = re.compile(
    r"(?<![\d])(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}\.? (?:{_MONTHS})\.? \d{{4}}|(?:{_MONTHS})\.? \d{{1,2}},? \d{{4}})(?![\d])",
    re.IGNORECASE,
)
# The 6 date digits of an NIK or KK (DDMMYY) as its messages quote them, and a region
# code written 64.74.01.
SIX_DIGITS = re.compile(r"(?<![\d])\d{6}(?![\d])")
REGION_CODE = re.compile(r"(?<![\d])(\d{2})\.(\d{2})\.\d{2}(?![\d.])")


def can_see_personal_data(user) -> bool:
    """May `user` read NIK, KK, birth date and phone in full (administrators)?"""
    return bool(user is not None and user.has_perm(PERMISSION))


def _digits(value: object) -> str:
    return re.sub(r"\D", "", str(value or ""))


def mask_id_number(number: object) -> str:
    """6474010101900001 -> 6474 •••• •••• ••••: province and city only."""
    digits = _digits(number)
    if not digits:
        return ""
    if len(digits) < 8:
        return "•" * len(digits)
    return f"{digits[:4]} {MASKED_ID_NUMBER_TAIL}"


def mask_phone(phone: object) -> str:
    """0812 3456 7834 -> 0812 •••• ••34, whatever its length or punctuation."""
    text = str(phone or "").strip()
    digits = _digits(text)
    if not digits:
        return ""
    if len(digits) < 8:
        return "•" * len(digits)
    prefix = "+" if text.startswith("+") else ""
    return f"{prefix}{digits[:4]} {BULLETS} ••{digits[-2:]}"


def age_years(birth_on: dt.date, today: dt.date) -> int:
    """Whole years on `today`."""
    return today.year - birth_on.year - ((today.month, today.day) < (birth_on.month, birth_on.day))


def age_display(birth_on: dt.date | None, today: dt.date | None = None) -> str:
    """`41 tahun`, what a masked page shows instead of the birth date; "" if unknown."""
    if birth_on is None:
        return ""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    return _("{age} tahun").format(age=age_years(birth_on, today or timezone.localdate()))


def mask_text(text: str, *, dates: bool = False) -> str:
    """Mask the NIK/KK-like numbers and phone numbers quoted in `text`.

    With `dates`, also every date, the 6 date digits of an NIK/KK and a region code
    (the messages about a person's identity numbers quote those).
    """
    text = ID_NUMBER.sub(lambda m: f"{m.group(1)} {MASKED_ID_NUMBER_TAIL}", str(text))
    text = PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    if dates:
        text = DATE.sub("••-••-••••", text)
        text = SIX_DIGITS.sub("••••••", text)
        text = REGION_CODE.sub(lambda m: f"{m.group(1)}.{m.group(2)}.••", text)
    return text


def mask_personal_data(text: str) -> str:
    """What a log line keeps: the first 4 digits of a NIK/KK, 4+2 of a phone."""
    return mask_text(text)


# The import's columns that hold, or whose messages quote, a person's identity data.
PERSONAL_COLUMNS = frozenset({"nik", "no_kk", "tanggal_lahir", "telepon", "jenis_kelamin"})


def mask_message_text(text: str, *, column: str = "") -> str:
    """An import or form message as a masked viewer reads it.

    Messages on a personal column may quote a birth date (the NIK's or the file's):
    their dates go too. Elsewhere dates are the group's (founded, joined) and stay.
    """
    return mask_text(text, dates=column in PERSONAL_COLUMNS)


def mask_validation_error(exc):
    """A service's ValidationError with every message masked as on a personal column."""
    from django.core.exceptions import ValidationError

    if hasattr(exc, "error_dict"):
        errors = exc.message_dict.items()
        return ValidationError({field: [mask_message_text(m, column="nik") for m in texts] for field, texts in errors})
    return ValidationError([mask_message_text(m, column="nik") for m in exc.messages])


@dataclass(frozen=True)
class PersonalFields:
    """A person's personal fields as one viewer may see them."""

    nik: str
    kk: str
    phone: str
    birth: Any  # a date (full view) or "41 tahun" (masked page) or None (masked export)
    masked: bool


def present_personal(
    *,
    can_see: bool,
    nik: str = "",
    kk: str = "",
    phone: str = "",
    birth_on: dt.date | None = None,
    export: bool = False,
    today: dt.date | None = None,
) -> PersonalFields:
    """The one place that decides what a viewer is shown of a person.

    `export`: values for a spreadsheet (full ones as stored, so an unmasked export
    imports back unchanged; masked ones with a blank birth date). Otherwise for a page:
    NIK/KK grouped by 4 digits, and the age instead of the birth date when masked.
    """
    if can_see:
        if export:
            return PersonalFields(nik or "", kk or "", phone or "", birth_on, masked=False)
        from kube_registry.nik import format_id_number

        return PersonalFields(
            format_id_number(nik) if nik else "",
            format_id_number(kk) if kk else "",
            phone or "",
            birth_on,
            masked=False,
        )
    return PersonalFields(
        mask_id_number(nik),
        mask_id_number(kk),
        mask_phone(phone),
        None if export else age_display(birth_on, today),
        masked=True,
    )


class PersonalDataFilter(logging.Filter):
    """A logging filter that masks NIK, KK and phone numbers in the message and traceback.

    It renders the message once (args included) and the exception text, masks both,
    and leaves the record without args, so no handler can print the raw values.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is still logged, as logging would
            message = str(record.msg)
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
