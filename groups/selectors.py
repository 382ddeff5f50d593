"""Reads of the registry: scoped querysets and the group profile's blocks.

Each function answers one block of a page with a fixed number of queries.
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kube_registry.nik import mask_id_number, normalize_id_number

from .models import Kelurahan, Kube, Membership, Person

# Fields the history never lists: bookkeeping, not facts about the group.
_HISTORY_IGNORED = {"created_at", "updated_at", "id", "version"}
_PERSONAL_FIELDS = {"nik", "kk", "phone"}


def kube_queryset(user) -> QuerySet[Kube]:
    """The groups `user` may see, with what lists and profiles show."""
    return Kube.objects.visible_to(user).with_member_count().select_related("kelurahan__kecamatan", "facilitator")


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


def kube_search_by_nik(queryset: QuerySet[Kube], nik: str) -> QuerySet[Kube]:
    """The groups in `queryset` where the person with this NIK is or was a member."""
    digits = normalize_id_number(nik)
    return queryset.filter(Exists(Membership.objects.filter(kube=OuterRef("pk"), person__nik=digits)))


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


def kube_history(kube: Kube, *, can_see_personal_data: bool, limit: int = 100) -> list[HistoryEntry]:
    """Who changed what in the group, its memberships and its members, newest first.

    Five queries whatever the length: the three history tables, users, kelurahan.
    Diffs are computed here from consecutive records of the same object.
    """
    kube_records = list(Kube.history.filter(id=kube.pk).order_by("history_date", "history_id"))
    membership_records = list(Membership.history.filter(kube_id=kube.pk).order_by("history_date", "history_id"))
    person_ids = {r.person_id for r in membership_records}
    person_records = list(Person.history.filter(id__in=person_ids).order_by("history_date", "history_id"))
    user_ids = {r.history_user_id for r in kube_records + membership_records + person_records}
    user_ids |= {r.facilitator_id for r in kube_records}
    users = {u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=user_ids)}
    person_names = {r.id: r.name for r in person_records}
    lookups = {
        "kelurahan": dict(Kelurahan.objects.values_list("pk", "name")),
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
    actions = {"+": _("dibuat"), "~": _("diubah"), "-": _("dihapus")}
    for model, records, subject in sources:
        by_object: dict[int, list] = {}
        for record in records:
            by_object.setdefault(record.id, []).append(record)
        fields = [f.name for f in model._meta.concrete_fields if f.name not in _HISTORY_IGNORED]
        for object_records in by_object.values():
            for previous, record in pairwise([None, *object_records]):
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
                        old_text = mask_id_number(old) if old else "—"
                        new_text = mask_id_number(new) if new else "—"
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
