"""The membership rules, each stated once as a pure function over plain values.

The services (groups.services: one member added, ended or re-roled at a time) and the
import (groups.resources: a whole sheet against the registry) gather the facts their
own way and call these to decide; both then report the same message. Fields are named
as on the model (`joined_on`, `left_on`, `leave_reason`, `role`); the import maps them
to its columns.
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.values import MSG_DATE_IN_FUTURE

from .models import OFFICER_ROLES, Role

MSG_ACTIVE_ELSEWHERE = gettext_noop(
    "{name} (NIK {nik}) masih anggota aktif {kube}. Catat keluarnya dari kelompok itu terlebih dahulu."
)
MSG_ROLE_TAKEN = gettext_noop(
    "KUBE ini sudah memiliki {role} aktif: {name}. Ubah dulu jabatan {name} atau catat keluarnya."
)
MSG_LEFT_BEFORE_JOINED = gettext_noop("Tanggal keluar tidak boleh sebelum tanggal masuk ({date}).")
MSG_JOINED_BEFORE_FOUNDED = gettext_noop("Tanggal masuk tidak boleh sebelum KUBE berdiri ({date}).")
MSG_LEFT_NEEDS_REASON = gettext_noop("Isi alasan_keluar bila tanggal_keluar diisi.")
MSG_REASON_NEEDS_DATE = gettext_noop("Isi tanggal_keluar bila alasan_keluar diisi.")


def membership_date_problems(
    *,
    today: dt.date,
    joined_on: dt.date | None = None,
    left_on: dt.date | None = None,
    founded_on: dt.date | None = None,
) -> dict[str, str]:
    """A membership's dates: joined neither before the group was founded nor in the
    future, left neither before joining nor in the future. At most one message a field."""
    problems = {}
    if joined_on and founded_on and joined_on < founded_on:
        problems["joined_on"] = _(MSG_JOINED_BEFORE_FOUNDED).format(date=founded_on.strftime("%d-%m-%Y"))
    elif joined_on and joined_on > today:
        problems["joined_on"] = _(MSG_DATE_IN_FUTURE)
    if left_on and joined_on and left_on < joined_on:
        problems["left_on"] = _(MSG_LEFT_BEFORE_JOINED).format(date=joined_on.strftime("%d-%m-%Y"))
    elif left_on and left_on > today:
        problems["left_on"] = _(MSG_DATE_IN_FUTURE)
    return problems


def leaving_problems(*, left_on: dt.date | None, leave_reason: str) -> dict[str, str]:
    """A member who left has a reason, and a reason means they left (as written in a file)."""
    if left_on and not leave_reason:
        return {"leave_reason": _(MSG_LEFT_NEEDS_REASON)}
    if leave_reason and not left_on:
        return {"left_on": _(MSG_REASON_NEEDS_DATE)}
    return {}


def holds_one_place(role: str) -> bool:
    """Ketua, sekretaris and bendahara: one active holder per group."""
    return role in OFFICER_ROLES


def role_taken_message(role: str, holder_name: str) -> str:
    return _(MSG_ROLE_TAKEN).format(role=Role(role).label.lower(), name=holder_name)


def active_elsewhere_message(*, name: str, nik: str, kube_name: str) -> str:
    """One active membership per person: what the second one is told."""
    return _(MSG_ACTIVE_ELSEWHERE).format(name=name, nik=nik, kube=kube_name)
