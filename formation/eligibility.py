"""The eligibility checks on a proposal's candidates (pure: plain values in, checks out).

Selectors gather the facts for all candidates of a proposal at once; these functions
decide. Each check says whether it passed and, when not, why, in words an officer
can act on. Two checks block an approval outright, because the register can never
hold what they describe (an unreadable NIK, a person in two active groups); the rest
may be passed over by an officer who records a reason.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.nik import IdNumberError, parse_nik

CHECK_NIK = "nik"
CHECK_DTKS = "dtks"
CHECK_HEAD = "kepala_keluarga"
CHECK_AGE = "usia"
CHECK_ACTIVE = "anggota_aktif"
CHECK_AID = "bantuan"
CHECK_KECAMATAN = "kecamatan"
CHECK_SIZE = "jumlah"

# Labels of the checks, in the order they are shown.
CHECK_LABELS = {
    CHECK_NIK: gettext_noop("NIK sah"),
    CHECK_DTKS: gettext_noop("Terdaftar di DTKS"),
    CHECK_HEAD: gettext_noop("Kepala keluarga atau pencari nafkah utama"),
    CHECK_AGE: gettext_noop("Usia produktif"),
    CHECK_ACTIVE: gettext_noop("Bukan anggota aktif KUBE lain"),
    CHECK_AID: gettext_noop("Belum pernah menerima bantuan KUBE"),
    CHECK_KECAMATAN: gettext_noop("Tinggal di kecamatan yang sama"),
    CHECK_SIZE: gettext_noop("Jumlah KK sesuai ketentuan"),
}
# Failing these refuses the approval: the register cannot hold it.
BLOCKING = frozenset({CHECK_NIK, CHECK_ACTIVE})

MSG_NOT_DTKS = gettext_noop("Tidak terdaftar di DTKS.")
MSG_NOT_HEAD = gettext_noop("Bukan kepala keluarga dan bukan pencari nafkah utama.")
MSG_AGE_UNKNOWN = gettext_noop("Tanggal lahir tidak diketahui; usia tidak dapat diperiksa.")
MSG_AGE_OUTSIDE = gettext_noop("Berusia {age} tahun pada tanggal usulan ({date}); batas usia {low}–{high} tahun.")
MSG_ACTIVE_ELSEWHERE = gettext_noop("Masih anggota aktif {kube}.")
MSG_EARLIER_AID = gettext_noop("Pernah menerima bantuan KUBE sebagai anggota {kube} ({source}, {date}).")
MSG_OTHER_KECAMATAN = gettext_noop("Tinggal di Kecamatan {kecamatan}, sedangkan usulan di Kecamatan {expected}.")
MSG_GROUP_KECAMATAN = gettext_noop(
    "Calon tinggal di {count} kecamatan: {names}. Semua calon harus dari satu kecamatan."
)
MSG_GROUP_TOO_FEW = gettext_noop("Baru {count} KK; paling sedikit {low} KK.")
MSG_GROUP_TOO_MANY = gettext_noop("{count} KK; paling banyak {high} KK.")


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    reason: str = ""

    @property
    def label(self) -> str:
        return _(CHECK_LABELS[self.code])

    @property
    def is_blocking(self) -> bool:
        return not self.ok and self.code in BLOCKING


@dataclass(frozen=True)
class EarlierAid:
    kube_name: str
    source: str  # the source's label
    received_on: dt.date


@dataclass(frozen=True)
class CandidateFacts:
    nik: str
    sex: str
    birth_on: dt.date | None
    is_dtks: bool
    is_head_of_family: bool
    is_main_earner: bool
    kecamatan_name: str
    active_kube: str = ""  # the name of the group the person is an active member of
    aid: tuple[EarlierAid, ...] = field(default_factory=tuple)


def age_on(birth_on: dt.date, day: dt.date) -> int:
    """Whole years completed on `day`."""
    return day.year - birth_on.year - ((day.month, day.day) < (birth_on.month, birth_on.day))


def _day(day: dt.date) -> str:
    return date_format(day, "j M Y")


def candidate_checks(
    facts: CandidateFacts,
    *,
    proposed_on: dt.date,
    age_band: tuple[int, int],
    kecamatan_name: str,
) -> list[Check]:
    """The checks on one family, in CHECK_LABELS order."""
    checks = []
    birth_on = facts.birth_on
    try:
        info = parse_nik(facts.nik, sex=facts.sex, birth_on=facts.birth_on, today=proposed_on)
        birth_on = info.birth_on
        checks.append(Check(CHECK_NIK, True))
    except IdNumberError as exc:
        checks.append(Check(CHECK_NIK, False, str(exc)))
    checks.append(Check(CHECK_DTKS, facts.is_dtks, "" if facts.is_dtks else _(MSG_NOT_DTKS)))
    head = facts.is_head_of_family or facts.is_main_earner
    checks.append(Check(CHECK_HEAD, head, "" if head else _(MSG_NOT_HEAD)))
    if birth_on is None:
        checks.append(Check(CHECK_AGE, False, _(MSG_AGE_UNKNOWN)))
    else:
        age = age_on(birth_on, proposed_on)
        low, high = age_band
        ok = low <= age <= high
        reason = "" if ok else _(MSG_AGE_OUTSIDE).format(age=age, date=_day(proposed_on), low=low, high=high)
        checks.append(Check(CHECK_AGE, ok, reason))
    if facts.active_kube:
        checks.append(Check(CHECK_ACTIVE, False, _(MSG_ACTIVE_ELSEWHERE).format(kube=facts.active_kube)))
    else:
        checks.append(Check(CHECK_ACTIVE, True))
    if facts.aid:
        first = min(facts.aid, key=lambda aid: aid.received_on)
        reason = _(MSG_EARLIER_AID).format(kube=first.kube_name, source=first.source, date=_day(first.received_on))
        checks.append(Check(CHECK_AID, False, reason))
    else:
        checks.append(Check(CHECK_AID, True))
    if facts.kecamatan_name != kecamatan_name:
        reason = _(MSG_OTHER_KECAMATAN).format(kecamatan=facts.kecamatan_name, expected=kecamatan_name)
        checks.append(Check(CHECK_KECAMATAN, False, reason))
    else:
        checks.append(Check(CHECK_KECAMATAN, True))
    return checks


def group_checks(kecamatan_names: list[str], *, expected_kecamatan: str, size_band: tuple[int, int]) -> list[Check]:
    """The checks on the proposal as a whole: one kecamatan, 5 to 20 families."""
    checks = []
    names = sorted(set(kecamatan_names) | {expected_kecamatan})
    if len(names) > 1:
        reason = _(MSG_GROUP_KECAMATAN).format(count=len(names), names=", ".join(names))
        checks.append(Check(CHECK_KECAMATAN, False, reason))
    else:
        checks.append(Check(CHECK_KECAMATAN, True))
    count = len(kecamatan_names)
    low, high = size_band
    if count < low:
        checks.append(Check(CHECK_SIZE, False, _(MSG_GROUP_TOO_FEW).format(count=count, low=low)))
    elif count > high:
        checks.append(Check(CHECK_SIZE, False, _(MSG_GROUP_TOO_MANY).format(count=count, high=high)))
    else:
        checks.append(Check(CHECK_SIZE, True))
    return checks
