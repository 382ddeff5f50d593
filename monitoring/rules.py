"""The rules of visits, follow-ups and trainings, written once (pure; no database).

Both the services (the web forms) and the import sheets (kunjungan, pelatihan) call
these, so a rule and its message live in one place. Each returns a dict of
field -> message (empty when the values are fine); messages are module constants.
"""

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.values import MSG_DATE_IN_FUTURE

from .dynamics import ASPECT_FIELDS, SCALE

MSG_BEFORE_FOUNDED = gettext_noop("KUBE ini baru berdiri {date}; kunjungan tidak bisa sebelum itu.")
MSG_SCORE_SCALE = gettext_noop("Pilih salah satu dari empat tingkat (1–4).")
MSG_ATTENDEE_NOT_MEMBER = gettext_noop("{name} bukan anggota aktif kelompok ini pada tanggal kunjungan.")
MSG_DUE_BEFORE_VISIT = gettext_noop("Batas waktu tidak boleh sebelum tanggal kunjungan ({date}).")
MSG_CLOSED_BEFORE_VISIT = gettext_noop("Tanggal selesai tidak boleh sebelum kunjungan yang menyepakatinya ({date}).")
MSG_OUTCOME_REQUIRED = gettext_noop("Tuliskan hasil tindak lanjut ini.")
MSG_MEMBER_ONLY_FOR_ANGGOTA = gettext_noop("Pilih anggota hanya bila tindak lanjut dikerjakan oleh anggota.")
MSG_TOO_MANY_PHOTOS = gettext_noop("Paling banyak {limit} foto per kunjungan.")
MSG_MONEV_OFFICE_ONLY = gettext_noop("Kunjungan monev dicatat oleh petugas Dinas Sosial.")
MSG_OFFICE_MONEV_ONLY = gettext_noop("Petugas Dinas Sosial mencatat kunjungan monev; jenis lain dicatat pendamping.")
MSG_AFTER_AGREED = gettext_noop(
    "Tindak lanjut yang disepakati pada kunjungan ini berbatas waktu atau selesai {date}; "
    "tanggal kunjungan tidak boleh sesudahnya."
)
MSG_BEFORE_CLOSED_HERE = gettext_noop(
    "Pada kunjungan ini ditutup tindak lanjut yang disepakati {date}; tanggal kunjungan tidak boleh sebelumnya."
)

MAX_PHOTOS = 3


def _day(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def visit_date_problems(*, visited_on: dt.date, founded_on: dt.date, today: dt.date) -> dict[str, str]:
    if visited_on > today:
        return {"visited_on": _(MSG_DATE_IN_FUTURE)}
    if visited_on < founded_on:
        return {"visited_on": _(MSG_BEFORE_FOUNDED).format(date=_day(founded_on))}
    return {}


def visit_kind_problems(*, kind: str, is_office: bool) -> dict[str, str]:
    """Who records which kind: the office records monitoring-and-evaluation visits (monev),
    the group's facilitator every other kind (issue 16: "and by officers, for a monev visit")."""
    if kind == "monev" and not is_office:
        return {"kind": _(MSG_MONEV_OFFICE_ONLY)}
    if kind != "monev" and is_office:
        return {"kind": _(MSG_OFFICE_MONEV_ONLY)}
    return {}


def visit_redate_problems(
    *, visited_on: dt.date, agreed: Iterable[dt.date], closed_here: Iterable[dt.date]
) -> dict[str, str]:
    """A visit moved to `visited_on`: the due and closing dates of the follow-ups agreed at it
    (`agreed`) stay on or after it, and those closed at it were agreed on or before it
    (`closed_here`: their visits' dates)."""
    earliest = min(agreed, default=None)
    if earliest is not None and earliest < visited_on:
        return {"visited_on": _(MSG_AFTER_AGREED).format(date=_day(earliest))}
    latest = max(closed_here, default=None)
    if latest is not None and latest > visited_on:
        return {"visited_on": _(MSG_BEFORE_CLOSED_HERE).format(date=_day(latest))}
    return {}


def score_problems(scores: dict[str, int | None]) -> dict[str, str]:
    """Each observed aspect (field -> score or None) on the 1-4 scale."""
    return {
        name: _(MSG_SCORE_SCALE)
        for name, score in scores.items()
        if name in ASPECT_FIELDS and score is not None and score not in SCALE
    }


def membership_active_on(*, joined_on: dt.date | None, left_on: dt.date | None, day: dt.date) -> bool:
    """Was a membership active on `day`? (No join date: active since the group began.)"""
    return (joined_on is None or joined_on <= day) and (left_on is None or left_on >= day)


def follow_up_problems(
    *,
    visited_on: dt.date,
    due_on: dt.date | None,
    owner: str,
    has_member: bool,
) -> dict[str, str]:
    problems = {}
    if due_on is not None and due_on < visited_on:
        problems["due_on"] = _(MSG_DUE_BEFORE_VISIT).format(date=_day(visited_on))
    if has_member and owner != "anggota":
        problems["owner_membership"] = _(MSG_MEMBER_ONLY_FOR_ANGGOTA)
    return problems


def follow_up_close_problems(*, visited_on: dt.date, closed_on: dt.date, outcome: str, today: dt.date) -> dict:
    problems = {}
    if closed_on > today:
        problems["closed_on"] = _(MSG_DATE_IN_FUTURE)
    elif closed_on < visited_on:
        problems["closed_on"] = _(MSG_CLOSED_BEFORE_VISIT).format(date=_day(visited_on))
    if not (outcome or "").strip():
        problems["outcome"] = _(MSG_OUTCOME_REQUIRED)
    return problems


# --- who was there: members named by NIK (the kunjungan and pelatihan sheets) -------------

MSG_NIK_NOT_REGISTERED = gettext_noop("NIK {nik} tidak terdaftar sebagai anggota KUBE mana pun.")
MSG_NIK_NOT_IN_GROUP_ON = gettext_noop("NIK {nik} bukan anggota aktif kelompok ini pada {date}.")
MSG_NIK_NOT_ACTIVE_ON = gettext_noop("NIK {nik} bukan anggota aktif KUBE mana pun pada {date}.")


def membership_on(memberships, *, day: dt.date, kube_id: int | None = None):
    """The membership (a mapping with kube_id, joined_on, left_on) active on `day`, in
    `kube_id` when given; None if there is none."""
    for membership in memberships:
        if kube_id is not None and membership["kube_id"] != kube_id:
            continue
        if membership_active_on(joined_on=membership["joined_on"], left_on=membership["left_on"], day=day):
            return membership
    return None


def member_on_problem(nik: str, memberships, *, day: dt.date, kube_id: int | None = None) -> str:
    """Why `nik` (with its `memberships`) cannot be counted present on `day` ("" if it can)."""
    if not memberships:
        return _(MSG_NIK_NOT_REGISTERED).format(nik=nik)
    if membership_on(memberships, day=day, kube_id=kube_id) is not None:
        return ""
    message = MSG_NIK_NOT_IN_GROUP_ON if kube_id is not None else MSG_NIK_NOT_ACTIVE_ON
    return _(message).format(nik=nik, date=_day(day))


MSG_PARTICIPANT_NOT_ACTIVE = gettext_noop("{name} bukan anggota aktif KUBE pada tanggal pelatihan ({date}).")


def participant_problems(participants, *, held_on: dt.date) -> dict[str, str]:
    """Each participant (a mapping with name, joined_on, left_on) active on the day of the training."""
    for participant in participants:
        if not membership_active_on(joined_on=participant["joined_on"], left_on=participant["left_on"], day=held_on):
            return {"participants": _(MSG_PARTICIPANT_NOT_ACTIVE).format(name=participant["name"], date=_day(held_on))}
    return {}


MSG_PARTICIPANT_OTHER_CITY = gettext_noop("{name} bukan anggota KUBE di kota penyelenggara pelatihan ini.")
MSG_ORGANISER_OTHER_CITY = gettext_noop("Penyelenggara harus mitra yang terdaftar di kota pelatihan ini.")


def training_city_problems(*, city_id: int, organiser_city_id: int | None, participants) -> dict[str, str]:
    """A training is one city's (issue 19): its organiser (None: the office) from that city's
    partner list, each participant (a mapping with name and city_id) a member of a group there."""
    problems = {}
    if organiser_city_id is not None and organiser_city_id != city_id:
        problems["organiser"] = _(MSG_ORGANISER_OTHER_CITY)
    for participant in participants:
        if participant["city_id"] != city_id:
            problems["participants"] = _(MSG_PARTICIPANT_OTHER_CITY).format(name=participant["name"])
            break
    return problems
