"""Writes to the partner network: partners, partnerships, and merging duplicate partners.

Each service runs in one transaction, locks what it checks, raises ValidationError
with a translated message naming the field, and records the acting user in the
history. The views, the import and the Django admin call these.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.areas import KUBE_CITY, city_of
from groups.models import City, Kelurahan, Kube
from kube_registry.versioning import version_bump, version_check

from .models import (
    FORM_FIELDS,
    Partner,
    PartnerKind,
    PartnerMerge,
    Partnership,
    PartnershipForm,
    partner_name_clean,
    partner_name_key,
)
from .rules import (  # noqa: F401  (the services' messages too: forms and tests name them here)
    MSG_DATE_IN_FUTURE,
    MSG_ENDED_BEFORE_STARTED,
    MSG_MERGE_OTHER_CITY,
    MSG_PARTNER_OTHER_CITY,
    MSG_STARTED_BEFORE_FOUNDED,
    period_date_problems,
    same_city_problem,
)

MSG_NAME_EMPTY = gettext_noop("Nama mitra harus memuat huruf atau angka.")
MSG_PARTNER_EXISTS = gettext_noop(
    "Mitra ini sudah terdaftar sebagai “{name}”. Pilih mitra itu, atau bedakan namanya bila memang lembaga lain."
)
MSG_PARTNER_MERGED = gettext_noop(
    "Nama “{old}” sudah digabung ke mitra “{name}”. Pilih mitra itu, atau bedakan namanya bila memang lembaga lain."
)
MSG_KIND_UNKNOWN = gettext_noop("Jenis mitra “{kind}” tidak dikenal.")
MSG_NO_FORM = gettext_noop("Pilih minimal satu bentuk kemitraan.")
MSG_FORM_UNKNOWN = gettext_noop("Bentuk kemitraan “{form}” tidak dikenal.")
MSG_OPEN_EXISTS = gettext_noop(
    "KUBE ini sudah bermitra dengan {partner} sejak {date}. Ubah kemitraan itu (tambahkan bentuknya) atau akhiri dulu."
)
MSG_OVERLAPS = gettext_noop(
    "Kemitraan dengan {partner} sudah tercatat untuk {start} – {end}; periodenya tidak boleh bertumpang tindih."
)
MSG_ALREADY_ENDED = gettext_noop("Kemitraan ini sudah berakhir pada {date}.")
MSG_MERGE_SELF = gettext_noop("Pilih mitra lain: mitra tidak dapat digabung dengan dirinya sendiri.")
MSG_CONFLICT = gettext_noop("Data kemitraan bertabrakan dengan perubahan lain; muat ulang halaman.")
MSG_REASON_MERGE_MOVED = gettext_noop("Penggabungan mitra: dipindah dari “{name}”")
MSG_REASON_MERGE_COMBINED = gettext_noop("Penggabungan mitra: disatukan dengan kemitraan “{name}”")
MSG_REASON_MERGE_REMOVED = gettext_noop("Digabung ke mitra “{name}”")
MSG_NO_CITY = gettext_noop("Mitra didaftarkan oleh petugas sebuah kota; pengguna tingkat provinsi atau nasional tidak.")

PARTNER_FIELDS = ("name", "kind", "contact", "notes")


def _day(day: dt.date) -> str:
    return date_format(day, "j M Y")


# --- Partners -------------------------------------------------------------------------


def kube_city_id(kube: Kube) -> int:
    """The id of the city `kube` is in (one query, or none when its kelurahan is loaded with it)."""
    kelurahan_field = Kube._meta.get_field("kelurahan")
    if kelurahan_field.is_cached(kube) and Kelurahan._meta.get_field("kecamatan").is_cached(kube.kelurahan):
        return kube.kelurahan.kecamatan.city_id
    return Kube.objects.filter(pk=kube.pk).values_list(f"{KUBE_CITY}_id", flat=True).get()


def _city_id(city: City | int | None) -> int:
    if city is None:
        # A province's or the country's reader has no city to register a partner in: fail closed.
        raise ValidationError(_(MSG_NO_CITY))
    return city if isinstance(city, int) else city.pk


def partner_find(name: str, *, city: City | int) -> Partner | None:
    """The partner of `city` that `name` denotes: same name key, or the name of a partner merged into it."""
    key = partner_name_key(name)
    if not key:
        return None
    city_id = _city_id(city)
    partner = Partner.objects.filter(city_id=city_id, name_key=key).first()
    if partner is None:
        merge = PartnerMerge.objects.filter(kept__city_id=city_id, removed_name_key=key).select_related("kept").first()
        partner = merge.kept if merge else None
    return partner


def partner_name_check(name: str, *, city: City | int, exclude: Partner | None = None) -> str:
    """The name key for `name`, or a message naming the partner of `city` that already has it."""
    key = partner_name_key(name)
    if not key:
        raise ValidationError({"name": _(MSG_NAME_EMPTY)})
    city_id = _city_id(city)
    taken = Partner.objects.filter(city_id=city_id, name_key=key)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    existing = taken.first()
    if existing is not None:
        raise ValidationError({"name": _(MSG_PARTNER_EXISTS).format(name=existing.name)})
    merge = PartnerMerge.objects.filter(kept__city_id=city_id, removed_name_key=key).select_related("kept").first()
    if merge is not None and (exclude is None or merge.kept_id != exclude.pk):
        raise ValidationError({"name": _(MSG_PARTNER_MERGED).format(old=merge.removed_name, name=merge.kept.name)})
    return key


def _check_kind(kind: str) -> None:
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": _(MSG_KIND_UNKNOWN).format(kind=kind)})


def _save_partner(partner: Partner, actor) -> Partner:
    if partner.pk:
        version_bump(partner)
    partner._history_user = actor
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as exc:
        # Another request registered the same name between our check and the insert.
        partner_name_check(partner.name, city=partner.city_id, exclude=partner if partner.pk else None)
        raise ValidationError(_(MSG_CONFLICT)) from exc
    return partner


@transaction.atomic
def partner_create(
    *, actor, name: str, kind: str, contact: str = "", notes: str = "", city: City | int | None = None
) -> Partner:
    """Register a partner in `city`'s list; refuses a name that matches one already registered there.

    `city` is by default the actor's (`groups.areas.city_of`); the group's for a partner
    named on a group's page. An actor without a city (a province's or the country's
    reader) registers nothing.
    """
    city_id = _city_id(city if city is not None else city_of(actor))
    name = partner_name_clean(name)
    key = partner_name_check(name, city=city_id)
    _check_kind(kind)
    partner = Partner(city_id=city_id, name=name, name_key=key, kind=kind, contact=contact.strip(), notes=notes.strip())
    return _save_partner(partner, actor)


@transaction.atomic
def partner_update(*, actor, partner: Partner, version: int | None = None, **values) -> Partner:
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    version_check(partner, version, actor=actor, fields=PARTNER_FIELDS)
    values = {k: v for k, v in values.items() if k in PARTNER_FIELDS}
    if "name" in values:
        values["name"] = partner_name_clean(values["name"])
        values["name_key"] = partner_name_check(values["name"], city=partner.city_id, exclude=partner)
    if "kind" in values:
        _check_kind(values["kind"])
    for text in ("contact", "notes"):
        if text in values:
            values[text] = values[text].strip()
    changed = [field for field, value in values.items() if getattr(partner, field) != value]
    if changed:  # an unchanged save would write an empty history entry
        for field in changed:
            setattr(partner, field, values[field])
        _save_partner(partner, actor)
    return partner


@transaction.atomic
def partner_get_or_create(*, actor, name: str, kind: str, city: City | int | None = None) -> tuple[Partner, bool]:
    """The partner of `city` (by default the actor's) that `name` denotes, registered with `kind` if it is new."""
    city_id = _city_id(city if city is not None else city_of(actor))
    partner = partner_find(name, city=city_id)
    if partner is not None:
        return partner, False
    return partner_create(actor=actor, city=city_id, name=name, kind=kind), True


# --- Partnerships ---------------------------------------------------------------------


def _form_values(forms: Iterable[str]) -> dict[str, bool]:
    forms = set(forms)
    unknown = forms - set(PartnershipForm.values)
    if unknown:
        raise ValidationError({"forms": _(MSG_FORM_UNKNOWN).format(form=sorted(unknown)[0])})
    if not forms:
        raise ValidationError({"forms": _(MSG_NO_FORM)})
    return {field: form in forms for form, field in FORM_FIELDS.items()}


def _check_dates(*, kube: Kube, started_on: dt.date, ended_on: dt.date | None) -> None:
    errors = period_date_problems(
        started_on=started_on, ended_on=ended_on, founded_on=kube.founded_on, today=timezone.localdate()
    )
    if errors:
        raise ValidationError(errors)


def _check_same_city(*, kube: Kube, partner: Partner) -> None:
    problem = same_city_problem(kube_city_id(kube), partner.city_id)
    if problem:
        raise ValidationError({"partner": problem})


def _check_period_free(
    *, kube: Kube, partner: Partner, started_on: dt.date, ended_on: dt.date | None, exclude: Partnership | None
) -> None:
    """One open partnership per group and partner, and no two periods that overlap."""
    others = Partnership.objects.filter(kube=kube, partner=partner).select_related("partner")
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others:
        if ended_on is None and other.ended_on is None:
            raise ValidationError(
                {"partner": _(MSG_OPEN_EXISTS).format(partner=other.partner.name, date=_day(other.started_on))}
            )
        overlaps = (other.ended_on is None or started_on <= other.ended_on) and (
            ended_on is None or other.started_on <= ended_on
        )
        if overlaps:
            end = _day(other.ended_on) if other.ended_on else _("sekarang")
            raise ValidationError(
                {
                    "started_on": _(MSG_OVERLAPS).format(
                        partner=other.partner.name, start=_day(other.started_on), end=end
                    )
                }
            )


def _save_partnership(partnership: Partnership, actor, reason: str = "") -> Partnership:
    if partnership.pk:
        version_bump(partnership)
    partnership._history_user = actor
    if reason:
        partnership._change_reason = reason
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError as exc:
        raise ValidationError(_(MSG_CONFLICT)) from exc
    return partnership


@transaction.atomic
def partnership_add(
    *,
    actor,
    kube: Kube,
    partner: Partner,
    forms: Iterable[str],
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> Partnership:
    """Record that `kube` works with `partner` in `forms` from `started_on` (to `ended_on`)."""
    # The group's row serialises concurrent adds for it; the constraint is the last line.
    kube = Kube.objects.select_for_update().get(pk=kube.pk)
    _check_same_city(kube=kube, partner=partner)
    flags = _form_values(forms)
    _check_dates(kube=kube, started_on=started_on, ended_on=ended_on)
    _check_period_free(kube=kube, partner=partner, started_on=started_on, ended_on=ended_on, exclude=None)
    partnership = Partnership(kube=kube, partner=partner, started_on=started_on, ended_on=ended_on, **flags)
    return _save_partnership(partnership, actor)


@transaction.atomic
def partnership_add_with_new_partner(
    *,
    actor,
    kube: Kube,
    new_partner_name: str,
    new_partner_kind: str,
    forms: Iterable[str],
    started_on: dt.date,
    ended_on: dt.date | None = None,
) -> Partnership:
    """A partnership with a partner registered on the spot, in the group's city's list;
    a refused partnership leaves no new partner."""
    try:
        partner = partner_create(actor=actor, city=kube_city_id(kube), name=new_partner_name, kind=new_partner_kind)
    except ValidationError as exc:
        # partner_create names its own field ("name"); here it is the new partner's name.
        found = exc.message_dict.get("name") if hasattr(exc, "error_dict") else None
        raise ValidationError({"new_partner_name": found or exc.messages}) from exc
    return partnership_add(
        actor=actor, kube=kube, partner=partner, forms=forms, started_on=started_on, ended_on=ended_on
    )


@transaction.atomic
def partnership_update(
    *,
    actor,
    partnership: Partnership,
    forms: Iterable[str],
    started_on: dt.date,
    ended_on: dt.date | None = None,
    version: int | None = None,
) -> Partnership:
    """Correct a partnership's forms and dates; the partner and group stay."""
    kube = Kube.objects.select_for_update().get(pk=partnership.kube_id)
    partnership = Partnership.objects.select_for_update().select_related("partner").get(pk=partnership.pk)
    version_check(partnership, version, actor=actor)
    flags = _form_values(forms)
    _check_dates(kube=kube, started_on=started_on, ended_on=ended_on)
    _check_period_free(
        kube=kube, partner=partnership.partner, started_on=started_on, ended_on=ended_on, exclude=partnership
    )
    values = {**flags, "started_on": started_on, "ended_on": ended_on}
    changed = [field for field, value in values.items() if getattr(partnership, field) != value]
    if not changed:
        return partnership
    for field in changed:
        setattr(partnership, field, values[field])
    return _save_partnership(partnership, actor)


@transaction.atomic
def partnership_end(*, actor, partnership: Partnership, ended_on: dt.date, version: int | None = None) -> Partnership:
    """Record the last day of a partnership that is still running."""
    Kube.objects.select_for_update().filter(pk=partnership.kube_id).get()
    partnership = Partnership.objects.select_for_update().select_related("partner").get(pk=partnership.pk)
    version_check(partnership, version, actor=actor)
    if partnership.ended_on is not None:
        raise ValidationError({"ended_on": _(MSG_ALREADY_ENDED).format(date=_day(partnership.ended_on))})
    errors = period_date_problems(started_on=partnership.started_on, ended_on=ended_on, today=timezone.localdate())
    if "ended_on" in errors:
        raise ValidationError({"ended_on": errors["ended_on"]})
    partnership.ended_on = ended_on
    return _save_partnership(partnership, actor)


# --- Merging --------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    kept: Partner
    moved: int  # partnerships of the removed partner now under the kept one
    combined: int  # partnerships folded into an overlapping one of the same group
    record: PartnerMerge


def _overlapping(a: Partnership, b: Partnership) -> bool:
    return (a.ended_on is None or b.started_on <= a.ended_on) and (b.ended_on is None or a.started_on <= b.ended_on)


def _combine_periods(rows: list[Partnership]) -> list[list[Partnership]]:
    """Rows of one group in clusters of overlapping periods (an open row runs to today)."""
    clusters: list[list[Partnership]] = []
    cluster_end: dt.date | None = None
    for row in sorted(rows, key=lambda r: (r.started_on, r.pk)):
        if clusters and (cluster_end is None or row.started_on <= cluster_end):
            clusters[-1].append(row)
            cluster_end = None if cluster_end is None or row.ended_on is None else max(cluster_end, row.ended_on)
        else:
            clusters.append([row])
            cluster_end = row.ended_on
    return clusters


@transaction.atomic
def partner_merge(*, actor, keep: Partner, remove: Partner) -> MergeResult:
    """Fold the duplicate `remove` into `keep`: every partnership moves, none is lost.

    Where both partners worked with the same group over overlapping periods (always
    the case for two open partnerships), the rows become one: the forms of both, the
    earliest start, and the latest end (open if either was open). The dropped row and
    the removed partner stay in the history, with the actor and a reason; a
    PartnerMerge row records who merged what and when, and keeps the old name findable.
    """
    if keep.pk == remove.pk:
        raise ValidationError({"remove": _(MSG_MERGE_SELF)})
    partners = {p.pk: p for p in Partner.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])}
    keep, remove = partners[keep.pk], partners[remove.pk]
    if keep.city_id != remove.city_id:
        raise ValidationError({"remove": _(MSG_MERGE_OTHER_CITY)})
    rows = list(
        Partnership.objects.select_for_update().filter(partner__in=[keep, remove]).order_by("kube_id", "started_on")
    )
    by_kube: dict[int, list[Partnership]] = {}
    for row in rows:
        by_kube.setdefault(row.kube_id, []).append(row)

    moved = combined = 0
    moved_reason = _(MSG_REASON_MERGE_MOVED).format(name=remove.name)
    combined_reason = _(MSG_REASON_MERGE_COMBINED).format(name=remove.name)
    for group_rows in by_kube.values():
        for cluster in _combine_periods(group_rows):
            # The kept partner's row survives where there is one, so its history continues.
            survivor = next((r for r in cluster if r.partner_id == keep.pk), cluster[0])
            others = [r for r in cluster if r is not survivor]
            touched = survivor.partner_id != keep.pk
            for other in others:
                for field in FORM_FIELDS.values():
                    if getattr(other, field) and not getattr(survivor, field):
                        setattr(survivor, field, True)
                        touched = True
                if other.started_on < survivor.started_on:
                    survivor.started_on = other.started_on
                    touched = True
                if survivor.ended_on is not None and (other.ended_on is None or other.ended_on > survivor.ended_on):
                    survivor.ended_on = other.ended_on
                    touched = True
                if other.partner_id == remove.pk:
                    moved += 1
                combined += 1
                # Deleted first: the survivor may take over the open place it holds.
                other._history_user = actor
                other._change_reason = combined_reason
                other.delete()
            if survivor.partner_id == remove.pk:
                survivor.partner = keep
                moved += 1
            if touched:
                _save_partnership(survivor, actor, moved_reason if not others else combined_reason)

    record = PartnerMerge.objects.create(
        kept=keep,
        removed_partner_id=remove.pk,
        removed_name=remove.name,
        removed_name_key=remove.name_key,
        removed_kind=remove.kind,
        partnerships_moved=moved,
        partnerships_combined=combined,
        merged_by=actor,
    )
    # Earlier merges into the removed partner now point at the kept one: old names stay findable.
    PartnerMerge.objects.filter(kept=remove).update(kept=keep)
    remove._history_user = actor
    remove._change_reason = _(MSG_REASON_MERGE_REMOVED).format(name=keep.name)
    remove.delete()
    return MergeResult(kept=keep, moved=moved, combined=combined, record=record)
