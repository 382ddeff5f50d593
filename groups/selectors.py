"""Reads of the registry: scoped querysets and the group profile's blocks.

Each function answers one block of a page with a fixed number of queries.
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kube_registry.masking import present_personal
from kube_registry.nik import normalize_id_number

from .models import Kelurahan, Kube, Membership, Person

# Fields the history never lists: bookkeeping, not facts about the group.
_HISTORY_IGNORED = {"created_at", "updated_at", "id", "version"}
# Shown by the masking rule (kube_registry.masking.present_personal, same names).
_PERSONAL_FIELDS = frozenset({"nik", "kk", "phone", "birth_on"})


def kube_queryset(user) -> QuerySet[Kube]:
    """The groups `user` may see, with what lists and profiles show."""
    return Kube.objects.visible_to(user).with_member_count().select_related("kelurahan__kecamatan__city", "facilitator")


def kube_search(queryset: QuerySet[Kube], text: str) -> QuerySet[Kube]:
    """Name or registration number contains `text`.

    Not a NIK: the list's search travels in the URL (?q=), and a NIK must never be in a
    URL (server logs, browser history). A member's NIK is searched by `kube_search_by_nik`
    from a POST form (groups/search_views.py).
    """
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(name__icontains=text) | Q(no_registrasi__icontains=text))


def is_id_number(text: str) -> bool:
    digits = normalize_id_number(text)
    return digits.isdigit() and len(digits) == 16


def kube_search_by_nik(user, nik: str) -> QuerySet[Kube]:
    """The groups `user` may see where the person with this NIK is or was a member.

    Only through memberships the user may reach: for a facilitator, the person's
    active membership in one of their groups (a person who left is no longer theirs).
    """
    digits = normalize_id_number(nik)
    reachable = Membership.objects.visible_to(user).filter(kube=OuterRef("pk"), person__nik=digits)
    return kube_queryset(user).filter(Exists(reachable))


def member_count_warning(count: int, status: str = "aktif") -> str:
    """The 5-20 families rule (Permensos 2/2019) warns; it never refuses.

    Only a working group is held to it: a dissolved one has no members by design.
    """
    if status != "aktif":
        return ""
    if count < settings.KUBE_MEMBERS_MIN:
        return _("Anggota aktif baru {count}; ketentuan minimal {min} KK.").format(
            count=count, min=settings.KUBE_MEMBERS_MIN
        )
    if count > settings.KUBE_MEMBERS_MAX:
        return _("Anggota aktif {count}, melebihi ketentuan {max} KK.").format(
            count=count, max=settings.KUBE_MEMBERS_MAX
        )
    return ""


def kube_memberships(kube: Kube) -> tuple[list[Membership], list[Membership]]:
    """Active members (officers first) and former members (latest first)."""
    rows = list(kube.memberships.select_related("person").order_by("left_on", "person__name"))
    order = {"ketua": 0, "sekretaris": 1, "bendahara": 2, "anggota": 3}
    active = sorted((m for m in rows if m.left_on is None), key=lambda m: (order[m.role], m.person.name))
    former = sorted((m for m in rows if m.left_on is not None), key=lambda m: m.left_on, reverse=True)
    return active, former


@dataclass
class HistoryEntry:
    at: dt.datetime
    user: str
    subject: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


Period = tuple[dt.date | None, dt.date | None]


def membership_periods(membership_records) -> dict[int, list[Period]]:
    """Each person's periods in a group (joined_on .. left_on inclusive; not left:
    open-ended), from the group's membership history (ordered by date): the latest
    record of each membership. Without a join date the period starts when the
    membership was recorded, never earlier: what the person was before is not the group's."""
    first, latest = {}, {}
    for record in membership_records:
        first.setdefault(record.id, record)
        latest[record.id] = record
    periods: dict[int, list[Period]] = {}
    for pk, record in latest.items():
        periods.setdefault(record.person_id, [])
        if record.history_type != "-":
            start = record.joined_on or timezone.localtime(first[pk].history_date).date()
            periods[record.person_id].append((start, record.left_on))
    return periods


def _within(day: dt.date, periods: list[Period]) -> bool:
    return any((start is None or start <= day) and (end is None or day <= end) for start, end in periods)


def _display(model, name: str, value, lookups: dict) -> str:
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name in lookups:
        return str(lookups[name].get(value, value))
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return str(value)


def _masked_value(name: str, value) -> str:
    """A personal field's value in a diff for a reader without the permission (ages, not dates)."""
    if value in (None, ""):
        return "—"
    shown = present_personal(can_see=False, **{name: value})
    return shown.birth if name == "birth_on" else getattr(shown, name)


def kube_history(kube: Kube, *, can_see_personal_data: bool, limit: int = 100) -> list[HistoryEntry]:
    """Who changed what in the group, its memberships and its members, newest first.

    Five queries whatever the length: the three history tables, users, kelurahan.
    Diffs are computed here from consecutive records of the same object.
    """
    kube_records = list(Kube.history.filter(id=kube.pk).order_by("history_date", "history_id"))
    membership_records = list(Membership.history.filter(kube_id=kube.pk).order_by("history_date", "history_id"))
    periods = membership_periods(membership_records)
    person_records = list(Person.history.filter(id__in=periods).order_by("history_date", "history_id"))
    # A person's records are diffed against their whole history, but only those made
    # while they were a member here are shown: what they became later, elsewhere, is
    # not this group's.
    shown_person_records = {
        r.history_id for r in person_records if _within(timezone.localtime(r.history_date).date(), periods[r.id])
    }
    user_ids = {r.history_user_id for r in kube_records + membership_records + person_records}
    user_ids |= {r.facilitator_id for r in kube_records}
    users = {u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=user_ids)}
    person_names = {}
    for r in person_records:  # the name as it last stood within the group's period (else its first)
        if r.history_id in shown_person_records or r.id not in person_names:
            person_names[r.id] = r.name
    lookups = {
        # Only the kelurahan the group's records name (a national register holds ~80,000).
        "kelurahan": dict(
            Kelurahan.objects.filter(pk__in={r.kelurahan_id for r in kube_records}).values_list("pk", "name")
        ),
        "facilitator": users,
        "person": person_names,
        "kube": {kube.pk: kube.name},
    }

    entries: list[HistoryEntry] = []
    sources = [
        (Kube, kube_records, lambda r: _("KUBE")),
        (
            Membership,
            membership_records,
            lambda r: _("Keanggotaan {name}").format(name=person_names.get(r.person_id, "?")),
        ),
        (Person, person_records, lambda r: _("Data pribadi {name}").format(name=r.name)),
    ]
    shown = {Person: shown_person_records.__contains__}
    actions = {"+": _("dibuat"), "~": _("diubah"), "-": _("dihapus")}
    for model, records, subject in sources:
        by_object: dict[int, list] = {}
        for record in records:
            by_object.setdefault(record.id, []).append(record)
        fields = [f.name for f in model._meta.concrete_fields if f.name not in _HISTORY_IGNORED]
        for object_records in by_object.values():
            for previous, record in pairwise([None, *object_records]):
                if model in shown:
                    if not shown[model](record.history_id):
                        continue
                    if previous is not None and not shown[model](previous.history_id):
                        # The first change within the period: diffed against what the
                        # person was before joining, which is not the group's to see.
                        previous = None
                changes = []
                for name in fields:
                    # attname (kelurahan_id, not kelurahan): never a query per record.
                    attname = model._meta.get_field(name).attname
                    old = getattr(previous, attname, None) if previous else None
                    new = getattr(record, attname, None)
                    if previous is not None and old == new:
                        continue
                    if previous is None and new in (None, "", False):
                        continue
                    label = str(model._meta.get_field(name).verbose_name)
                    old_text, new_text = _display(model, name, old, lookups), _display(model, name, new, lookups)
                    if name in _PERSONAL_FIELDS and not can_see_personal_data:
                        old_text, new_text = _masked_value(name, old), _masked_value(name, new)
                    changes.append((label, "" if previous is None else old_text, new_text))
                if record.history_type == "~" and not changes:
                    continue
                entries.append(
                    HistoryEntry(
                        at=record.history_date,
                        user=users.get(record.history_user_id, _("sistem")),
                        subject=subject(record),
                        action=actions[record.history_type],
                        changes=changes,
                    )
                )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
