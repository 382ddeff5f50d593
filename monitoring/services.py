"""Writes of the field: recording and correcting a visit (attendance, problems, dynamics, photos,
location, follow-ups) and closing a follow-up.

Each service runs in one transaction, checks with the pure rules of `monitoring.rules`
(the import sheets use the same), raises ValidationError with a translated message
naming the field, and records the acting user in the history.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.models import Kube, Membership
from kube_registry.versioning import version_bump, version_check

from . import rules
from .dynamics import ASPECT_FIELDS
from .models import CohesionReason, FollowUp, FollowUpOwner, ProblemArea, Visit, VisitKind, VisitPhoto
from .photos import Photo, photo_prepare
from .rules import (  # noqa: F401  (the services' messages too: forms and tests name them here)
    MSG_ATTENDEE_NOT_MEMBER,
    MSG_CLOSED_BEFORE_VISIT,
    MSG_MONEV_OFFICE_ONLY,
    MSG_OFFICE_MONEV_ONLY,
    MSG_OUTCOME_REQUIRED,
    MSG_SCORE_SCALE,
    MSG_TOO_MANY_PHOTOS,
)

MSG_KIND_UNKNOWN = gettext_noop("Pilih jenis kunjungan dari daftar.")
MSG_AREA_UNKNOWN = gettext_noop("Bidang masalah “{area}” tidak dikenal.")
MSG_REASON_UNKNOWN = gettext_noop("Pilih alasan anggota bertahan dari daftar.")
MSG_VISIT_EXISTS = gettext_noop("Kunjungan {kind} pada {date} sudah tercatat untuk KUBE ini.")
MSG_LOCATION_INVALID = gettext_noop("Lokasi dari perangkat tidak terbaca; coba lagi atau kosongkan.")
MSG_ACTION_REQUIRED = gettext_noop("Tuliskan tindak lanjut yang disepakati.")
MSG_OWNER_UNKNOWN = gettext_noop("Pilih siapa yang mengerjakan tindak lanjut.")
MSG_DUE_REQUIRED = gettext_noop("Isi batas waktu tindak lanjut.")
MSG_OWNER_MEMBER_NOT_ACTIVE = gettext_noop("Anggota yang dipilih bukan anggota aktif kelompok ini.")
MSG_ALREADY_CLOSED = gettext_noop("Tindak lanjut ini sudah selesai pada {date}.")
MSG_CLOSE_VISIT_OTHER = gettext_noop("Kunjungan penutup harus kunjungan kelompok ini, pada atau setelah kesepakatan.")


def _day(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def is_office(user) -> bool:
    """The office (officers, admins) sees the whole city; a facilitator only their groups."""
    return user.has_perm("groups.view_all_kube")


def _location(location: dict | None) -> tuple[Decimal | None, Decimal | None, int | None]:
    """(latitude, longitude, accuracy in m) from the browser's reading, or all None."""
    if not location or location.get("latitude") in (None, "") or location.get("longitude") in (None, ""):
        return None, None, None
    try:
        latitude = Decimal(str(location["latitude"])).quantize(Decimal("0.000001"))
        longitude = Decimal(str(location["longitude"])).quantize(Decimal("0.000001"))
        accuracy = location.get("accuracy")
        accuracy = None if accuracy in (None, "") else max(0, round(float(accuracy)))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({"location": _(MSG_LOCATION_INVALID)}) from exc
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"location": _(MSG_LOCATION_INVALID)})
    return latitude, longitude, accuracy


def _check_follow_ups(follow_ups: Sequence[dict], *, visited_on: dt.date, active_ids: set[int]) -> None:
    for index, item in enumerate(follow_ups):
        errors = {}
        if not (item.get("action") or "").strip():
            errors["action"] = _(MSG_ACTION_REQUIRED)
        if item.get("owner") not in FollowUpOwner.values:
            errors["owner"] = _(MSG_OWNER_UNKNOWN)
        if item.get("due_on") is None:
            errors["due_on"] = _(MSG_DUE_REQUIRED)
        member = item.get("owner_membership")
        errors |= rules.follow_up_problems(
            visited_on=visited_on, due_on=item.get("due_on"), owner=item.get("owner", ""), has_member=member is not None
        )
        if member is not None and member.pk not in active_ids:
            errors["owner_membership"] = _(MSG_OWNER_MEMBER_NOT_ACTIVE)
        if errors:
            # Field names as the form's follow-up rows name them: followup_<row>_<field>
            # (`row`: the item's place on the form, which may skip empty rows).
            row = item.get("row", index)
            raise ValidationError({f"followup_{row}_{name}": message for name, message in errors.items()})


class _Checked(NamedTuple):
    """A visit's values once the rules passed: what the services store."""

    areas: list[str]
    scores: dict[str, int | None]
    attendees: list[Membership]
    location: tuple[Decimal | None, Decimal | None, int | None]
    photos: list[Photo]


def _visit_check(
    *,
    actor,
    kube: Kube,
    visited_on: dt.date,
    kind: str,
    attendees: Iterable[Membership],
    problem_areas: Iterable[str],
    scores: dict[str, int | None] | None,
    cohesion_reason: str,
    location: dict | None,
    photos: Sequence,
    photos_kept: int = 0,
    follow_ups: Sequence[dict] = (),
) -> _Checked:
    """The rules of a visit, for recording and correcting it alike: ValidationError naming
    the field, else the values to store (`photos_kept`: the visit's photos that stay)."""
    if kind not in VisitKind.values:
        raise ValidationError({"kind": _(MSG_KIND_UNKNOWN)})
    errors = rules.visit_kind_problems(kind=kind, is_office=is_office(actor))
    errors |= rules.visit_date_problems(visited_on=visited_on, founded_on=kube.founded_on, today=timezone.localdate())
    scores = {name: score for name, score in (scores or {}).items() if name in ASPECT_FIELDS}
    errors |= rules.score_problems(scores)
    areas = list(dict.fromkeys(problem_areas))
    unknown = [area for area in areas if area not in ProblemArea.values]
    if unknown:
        errors["problem_areas"] = _(MSG_AREA_UNKNOWN).format(area=unknown[0])
    if cohesion_reason and cohesion_reason not in CohesionReason.values:
        errors["cohesion_reason"] = _(MSG_REASON_UNKNOWN)
    if photos_kept + len(photos) > rules.MAX_PHOTOS:
        errors["photos"] = _(MSG_TOO_MANY_PHOTOS).format(limit=rules.MAX_PHOTOS)
    if errors:
        raise ValidationError(errors)

    attendees = list(attendees)
    active = {m.pk: m for m in Membership.objects.filter(kube=kube).active_on(visited_on).select_related("person")}
    strangers = [m for m in attendees if m.pk not in active]
    if strangers:
        raise ValidationError({"attendees": _(MSG_ATTENDEE_NOT_MEMBER).format(name=strangers[0].person.name)})
    _check_follow_ups(follow_ups, visited_on=visited_on, active_ids=set(active))
    location = _location(location)
    # Photos are decoded and stripped before anything is written: a bad one saves nothing.
    prepared = [photo_prepare(upload) for upload in photos]
    return _Checked(areas, scores, attendees, location, prepared)


def _visit_save(visit: Visit, actor) -> None:
    """Save `visit` as `actor`; a second visit of its kind on its day is refused on the date."""
    visit._history_user = actor
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"visited_on": _(MSG_VISIT_EXISTS).format(kind=VisitKind(visit.kind).label, date=_day(visit.visited_on))}
        ) from exc


def _photos_add(visit: Visit, prepared: Sequence[Photo]) -> None:
    VisitPhoto.objects.bulk_create(
        VisitPhoto(
            visit=visit,
            content=p.content,
            thumbnail=p.thumbnail,
            content_type=p.content_type,
            width=p.width,
            height=p.height,
        )
        for p in prepared
    )


@transaction.atomic
def visit_record(
    *,
    actor,
    kube: Kube,
    visited_on: dt.date,
    kind: str,
    attendees: Iterable[Membership] = (),
    activities: str = "",
    problem_areas: Iterable[str] = (),
    problems: str = "",
    notes: str = "",
    scores: dict[str, int | None] | None = None,
    cohesion_reason: str = "",
    location: dict | None = None,
    photos: Sequence = (),
    follow_ups: Sequence[dict] = (),
) -> Visit:
    """Record a visit to `kube` by `actor` with what was seen and agreed; all or nothing."""
    kube = Kube.objects.select_for_update().get(pk=kube.pk)
    checked = _visit_check(
        actor=actor,
        kube=kube,
        visited_on=visited_on,
        kind=kind,
        attendees=attendees,
        problem_areas=problem_areas,
        scores=scores,
        cohesion_reason=cohesion_reason,
        location=location,
        photos=photos,
        follow_ups=follow_ups,
    )
    latitude, longitude, accuracy = checked.location
    visit = Visit(
        kube=kube,
        visited_on=visited_on,
        kind=kind,
        visitor=actor,
        activities=activities.strip(),
        problem_areas=",".join(checked.areas),
        problems=problems.strip(),
        notes=notes.strip(),
        latitude=latitude,
        longitude=longitude,
        location_accuracy_m=accuracy,
        cohesion_reason=cohesion_reason,
        created_by=actor,
        **{name: checked.scores.get(name) for name in ASPECT_FIELDS},
    )
    _visit_save(visit, actor)
    visit.attendees.set(checked.attendees)
    _photos_add(visit, checked.photos)
    for item in follow_ups:
        follow_up = FollowUp(
            visit=visit,
            kube=kube,
            action=item["action"].strip(),
            owner=item["owner"],
            owner_membership=item.get("owner_membership"),
            due_on=item["due_on"],
        )
        follow_up._history_user = actor
        follow_up.save()
    return visit


# What the edit form shows: a stale save lists the changes among these.
VISIT_EDIT_FIELDS = (
    "visited_on",
    "kind",
    "activities",
    "problem_areas",
    "problems",
    "notes",
    *ASPECT_FIELDS,
    "cohesion_reason",
)


@transaction.atomic
def visit_update(
    *,
    actor,
    visit: Visit,
    version: int | None = None,
    visited_on: dt.date,
    kind: str,
    attendees: Iterable[Membership] = (),
    activities: str = "",
    problem_areas: Iterable[str] = (),
    problems: str = "",
    notes: str = "",
    scores: dict[str, int | None] | None = None,
    cohesion_reason: str = "",
    location: dict | None = None,
    photos: Sequence = (),
    delete_photos: Iterable[int] = (),
) -> Visit:
    """Correct a recorded visit with the rules of recording one; all or nothing.

    Only the visit's own photos in `delete_photos` are removed; the stored location stays
    unless `location` holds a new reading; its follow-ups are closed elsewhere, not here.
    """
    visit = Visit.objects.select_for_update(of=("self",)).select_related("kube").get(pk=visit.pk)
    version_check(visit, version, actor=actor, fields=VISIT_EDIT_FIELDS)
    # Who may correct it: whoever records its kind (the office a monev visit, the facilitator the rest).
    refused = rules.visit_kind_problems(kind=visit.kind, is_office=is_office(actor))
    if refused:
        raise ValidationError(refused)
    own = set(visit.photos.values_list("pk", flat=True))
    delete_photos = own & set(delete_photos)  # another visit's photo is never removed here
    checked = _visit_check(
        actor=actor,
        kube=visit.kube,
        visited_on=visited_on,
        kind=kind,
        attendees=attendees,
        problem_areas=problem_areas,
        scores=scores,
        cohesion_reason=cohesion_reason,
        location=location,
        photos=photos,
        photos_kept=len(own - delete_photos),
    )
    if visited_on != visit.visited_on:
        _check_follow_up_dates(visit, visited_on)
    visit.visited_on = visited_on
    visit.kind = kind
    visit.activities = activities.strip()
    visit.problem_areas = ",".join(checked.areas)
    visit.problems = problems.strip()
    visit.notes = notes.strip()
    visit.cohesion_reason = cohesion_reason
    for name in ASPECT_FIELDS:
        setattr(visit, name, checked.scores.get(name))
    if checked.location[0] is not None:
        visit.latitude, visit.longitude, visit.location_accuracy_m = checked.location
    version_bump(visit)
    _visit_save(visit, actor)
    visit.attendees.set(checked.attendees)
    if delete_photos:
        VisitPhoto.objects.filter(visit=visit, pk__in=delete_photos).delete()
    _photos_add(visit, checked.photos)
    return visit


def _check_follow_up_dates(visit: Visit, visited_on: dt.date) -> None:
    """A visit moved to another day stays before what was agreed at it (due, closed) and
    after what was agreed elsewhere and closed at it."""
    agreed, closed_here = [], []
    rows = FollowUp.objects.filter(Q(visit=visit) | Q(closed_at_visit=visit)).select_related("visit")
    for follow_up in rows:
        if follow_up.visit_id == visit.pk:
            agreed.extend(day for day in (follow_up.due_on, follow_up.closed_on) if day is not None)
        if follow_up.closed_at_visit_id == visit.pk:
            closed_here.append(follow_up.visit.visited_on)
    errors = rules.visit_redate_problems(visited_on=visited_on, agreed=agreed, closed_here=closed_here)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def follow_up_close(
    *,
    actor,
    follow_up: FollowUp,
    closed_on: dt.date,
    outcome: str,
    at_visit: Visit | None = None,
    version: int | None = None,
) -> FollowUp:
    """Close an open follow-up with what happened (at a later visit of the same group)."""
    follow_up = FollowUp.objects.select_for_update().select_related("visit").get(pk=follow_up.pk)
    version_check(follow_up, version, actor=actor)
    if follow_up.closed_on is not None:
        raise ValidationError({"closed_on": _(MSG_ALREADY_CLOSED).format(date=_day(follow_up.closed_on))})
    errors = rules.follow_up_close_problems(
        visited_on=follow_up.visit.visited_on, closed_on=closed_on, outcome=outcome, today=timezone.localdate()
    )
    if at_visit is not None and (
        at_visit.kube_id != follow_up.kube_id or at_visit.visited_on < follow_up.visit.visited_on
    ):
        errors["at_visit"] = _(MSG_CLOSE_VISIT_OTHER)
    if errors:
        raise ValidationError(errors)
    follow_up.closed_on = closed_on
    follow_up.outcome = outcome.strip()
    follow_up.closed_at_visit = at_visit
    version_bump(follow_up)
    follow_up._history_user = actor
    follow_up.save()
    return follow_up
