"""NIK and KK numbers: reading, checking and formatting (masking: kube_registry.masking).

NIK layout: region where the person was first registered (6 digits: province,
regency/city, district), birth date DDMMYY with 40 added to a woman's day, then a
4-digit serial from 0001. The KK number has the same region and a DDMMYY
registration date without the +40. Pure functions; no database.
"""

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

SEX_MALE = "L"
SEX_FEMALE = "P"

# Kemendagri province codes, including the Papua provinces formed in 2022. A person
# keeps the NIK of the place first registered, and old NIKs carry older codes, so an
# unknown region is only ever a warning.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 "
    "71 72 73 74 75 76 81 82 91 92 93 94 95 96".split()
)

_SEPARATORS = re.compile(r"[\s.\-]")

MSG_LENGTH = gettext_noop("{label} harus 16 digit angka (tertulis {count} digit).")
MSG_NOT_DIGITS = gettext_noop("{label} hanya boleh berisi angka.")
MSG_NIK_SHAPE = gettext_noop("NIK harus 16 digit angka.")


class IdNumberError(ValueError):
    """An NIK or KK that can never be valid; the message is for the user."""


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region_code: str
    birth_on: dt.date
    sex: str
    serial: str
    warnings: list[str] = field(default_factory=list)


def normalize_id_number(raw: object) -> str:
    """Digits only: spaces, dots and dashes dropped; spreadsheet numbers accepted."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return _SEPARATORS.sub("", str(raw).strip())


def nik_well_formed(nik: str) -> bool:
    """16 digits (after `normalize_id_number`), whatever they say: where the record is
    kept even when the date or region inside is wrong, so a later check can show why."""
    return nik.isdigit() and len(nik) == 16


def _check_digits(number: str, label: str) -> None:
    # `label` is a gettext_noop string, translated only when there is an error to show.
    if not number.isdigit():
        raise IdNumberError(_(MSG_NOT_DIGITS).format(label=_(label)))
    if len(number) != 16:
        raise IdNumberError(_(MSG_LENGTH).format(label=_(label), count=len(number)))


def _two_digit_year(yy: int, today: dt.date) -> int:
    year = 2000 + yy
    return year if year <= today.year else 1900 + yy


def _region_warnings(region: str, label: str) -> list[str]:
    if region[:2] in PROVINCE_CODES and region[2:4] != "00" and region[4:6] != "00":
        return []
    return [
        _("Kode wilayah {label} {code} tidak dikenal (nomor lama dapat memakai kode sebelum 2019).").format(
            label=label, code=f"{region[:2]}.{region[2:4]}.{region[4:6]}"
        )
    ]


def parse_nik(
    raw: object,
    *,
    sex: str | None = None,
    birth_on: dt.date | None = None,
    today: dt.date | None = None,
) -> NikInfo:
    """Check an NIK, and that it agrees with the recorded sex and birth date if given."""
    today = today or dt.date.today()
    nik = normalize_id_number(raw)
    if not nik:
        raise IdNumberError(_("NIK wajib diisi."))
    _check_digits(nik, "NIK")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = SEX_FEMALE if day > 40 else SEX_MALE
    if nik_sex == SEX_FEMALE:
        day -= 40
    try:
        nik_birth = dt.date(_two_digit_year(yy, today), month, day)
    except ValueError:
        raise IdNumberError(
            _("NIK memuat tanggal lahir yang tidak mungkin ({digits}); untuk perempuan tanggal ditambah 40.").format(
                digits=nik[6:12]
            )
        ) from None
    if nik_birth > today:
        raise IdNumberError(_("NIK memuat tanggal lahir di masa depan ({digits}).").format(digits=nik[6:12]))
    if nik[12:] == "0000":
        raise IdNumberError(_("Nomor urut NIK (4 digit terakhir) tidak boleh 0000."))
    info = NikInfo(
        nik=nik,
        region_code=nik[:6],
        birth_on=nik_birth,
        sex=nik_sex,
        serial=nik[12:],
        warnings=_region_warnings(nik[:6], "NIK"),
    )
    problems = nik_disagreements(info, sex=sex, birth_on=birth_on)
    if problems:
        raise IdNumberError(next(iter(problems.values())))
    return replace(info, birth_on=birth_on) if birth_on else info


def nik_disagreements(info: NikInfo, *, sex: str | None = None, birth_on: dt.date | None = None) -> dict[str, str]:
    """What a recorded sex and birth date say against the NIK, by field ("sex", "birth_on").

    The one statement of the rule: `parse_nik` raises the first, the import reports
    each on its own column.
    """
    problems = {}
    if sex and sex != info.sex:
        expected = _("perempuan") if info.sex == SEX_FEMALE else _("laki-laki")
        problems["sex"] = _("Jenis kelamin tidak sesuai dengan NIK: menurut NIK orang ini {sex}.").format(sex=expected)
    # The two-digit year cannot tell 1925 from 2025, so only day and month must agree
    # when the recorded birth date is a century away from the guessed one.
    nik_birth = info.birth_on
    if birth_on and (birth_on.day, birth_on.month, birth_on.year % 100) != (
        nik_birth.day,
        nik_birth.month,
        nik_birth.year % 100,
    ):
        problems["birth_on"] = _("Tanggal lahir tidak sesuai dengan NIK: menurut NIK {date}.").format(
            date=nik_birth.strftime("%d-%m-%Y")
        )
    return problems


def parse_kk(raw: object) -> tuple[str, list[str]]:
    """Check a family card number; returns it normalised with any warnings."""
    kk = normalize_id_number(raw)
    _check_digits(kk, gettext_noop("Nomor KK"))
    warnings = _region_warnings(kk[:6], "KK")
    try:
        dt.date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
    except ValueError:
        warnings.append(_("Nomor KK memuat tanggal pendaftaran yang tidak mungkin ({digits}).").format(digits=kk[6:12]))
    return kk, warnings


def format_id_number(number: str) -> str:
    """6474010101900001 -> 6474 0101 0190 0001."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
