"""Trainings, study visits and exhibitions: the services that record them and the
selectors that read them, scoped to who asks (a facilitator sees a training only
through the members of their own groups who took part, never another group's).

The rules are monitoring.rules' (a date not in the future, each participant an active
member on the day); the kunjungan/pelatihan import applies the same ones.

A training is one city's (issue 19): recorded by an officer of that city, organised by
the office or a partner of that city's list, attended by members of that city's groups;
its (title, date) is unique within the city. Every read is filtered by the reader's area.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.areas import KUBE_CITY, area_of, city_of
from groups.models import City, Kube, Membership
from kube_registry.values import MSG_DATE_IN_FUTURE
from kube_registry.versioning import version_bump, version_check

from .models import Training, TrainingKind
from .rules import participant_problems, training_city_problems

MSG_TITLE_REQUIRED = gettext_noop("Tuliskan judul pelatihan.")
MSG_TRAINING_EXISTS = gettext_noop("Pelatihan “{title}” pada tanggal itu sudah tercatat.")
MSG_KIND = gettext_noop("Pilih jenis kegiatan.")
MSG_NO_CITY = gettext_noop("Pelatihan dicatat oleh petugas sebuah kota; pengguna tingkat provinsi atau nasional tidak.")

TRAINING_FIELDS = ("title", "held_on", "kind", "organiser")


def _participant_cities(participants) -> dict[int, int]:
    """membership id -> the city of its group; one query."""
    pks = [m.pk for m in participants]
    if not pks:
        return {}
    return dict(Membership.objects.filter(pk__in=pks).values_list("pk", f"kube__{KUBE_CITY}_id"))


def _check(
    *,
    city_id: int,
    title: str,
    held_on: dt.date,
    kind: str,
    organiser,
    participants,
    exclude: Training | None = None,
) -> None:
    problems = {}
    if not title:
        problems["title"] = _(MSG_TITLE_REQUIRED)
    if kind not in TrainingKind.values:
        problems["kind"] = _(MSG_KIND)
    if held_on > timezone.localdate():
        problems["held_on"] = _(MSG_DATE_IN_FUTURE)
    else:
        rows = [{"name": m.person.name, "joined_on": m.joined_on, "left_on": m.left_on} for m in participants]
        problems |= participant_problems(rows, held_on=held_on)
    cities = _participant_cities(participants)
    in_city = training_city_problems(
        city_id=city_id,
        organiser_city_id=organiser.city_id if organiser is not None else None,
        participants=[{"name": m.person.name, "city_id": cities.get(m.pk)} for m in participants],
    )
    for field_name, message in in_city.items():
        problems.setdefault(field_name, message)
    same = Training.objects.filter(city_id=city_id, title=title, held_on=held_on)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if title and same.exists():
        problems["title"] = _(MSG_TRAINING_EXISTS).format(title=title)
    if problems:
        raise ValidationError(problems)


def _save(training: Training, actor, participants) -> Training:
    training._history_user = actor
    try:
        with transaction.atomic():
            training.save()
    except IntegrityError as exc:
        raise ValidationError({"title": _(MSG_TRAINING_EXISTS).format(title=training.title)}) from exc
    training.participants.set(participants)
    return training


@transaction.atomic
def training_record(
    *, actor, title: str, held_on: dt.date, kind: str, organiser=None, participants=(), city: City | None = None
) -> Training:
    """Record a training of `city` (by default the actor's: `groups.areas.city_of`);
    `organiser` None means the office (Dinas Sosial) organised it. Without a city (a
    province's or the country's reader) nothing is recorded."""
    city = city if city is not None else city_of(actor)
    if city is None:
        raise ValidationError(_(MSG_NO_CITY))
    title = (title or "").strip()
    participants = list(participants)
    _check(city_id=city.pk, title=title, held_on=held_on, kind=kind, organiser=organiser, participants=participants)
    training = Training(city=city, title=title, held_on=held_on, kind=kind, organiser=organiser, created_by=actor)
    return _save(training, actor, participants)


@transaction.atomic
def training_update(*, actor, training: Training, version: int | None = None, participants=None, **values) -> Training:
    training = Training.objects.select_for_update().get(pk=training.pk)
    version_check(training, version, actor=actor, fields=TRAINING_FIELDS)
    values = {k: v for k, v in values.items() if k in TRAINING_FIELDS}
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
    merged = {field: values.get(field, getattr(training, field)) for field in TRAINING_FIELDS}
    chosen = list(participants) if participants is not None else list(training.participants.select_related("person"))
    _check(
        city_id=training.city_id,
        title=merged["title"],
        held_on=merged["held_on"],
        kind=merged["kind"],
        organiser=merged["organiser"],
        participants=chosen,
        exclude=training,
    )
    for field, value in values.items():
        setattr(training, field, value)
    version_bump(training)
    return _save(training, actor, chosen)


# --- Selectors --------------------------------------------------------------------------


def visible_participants(user) -> QuerySet[Membership]:
    """The memberships whose trainings `user` may see: those of the groups they may see."""
    return Membership.objects.filter(kube__in=Kube.objects.visible_to(user))


def trainings_in_area(user) -> QuerySet[Training]:
    """The trainings of the cities of `user`'s area: every read of trainings starts here."""
    return Training.objects.filter(area_of(user).q("city"))


def trainings_for(user) -> QuerySet[Training]:
    """The trainings `user` may see, each with `participant_count` (their visible participants).

    The office sees every training of its area; a facilitator those their groups' members took part in.
    """
    kubes = Kube.objects.visible_to(user)
    trainings = trainings_in_area(user).select_related("organiser")
    if not user.has_perm("groups.view_all_kube"):
        trainings = trainings.filter(participants__kube__in=kubes).distinct()
    return trainings.annotate(
        participant_count=Count("participants", filter=Q(participants__kube__in=kubes), distinct=True)
    ).order_by("-held_on", "title")


def training_participants(training: Training, user) -> QuerySet[Membership]:
    """The participants of `training` that `user` may see, by group then name."""
    return (
        training.participants.filter(pk__in=visible_participants(user).values("pk"))
        .select_related("person", "kube")
        .order_by("kube__name", "person__name")
    )


def person_trainings(person, user) -> QuerySet[Training]:
    """Every training of `user`'s area a person took part in (through any of their memberships), newest first."""
    return (
        trainings_in_area(user)
        .filter(participants__person=person)
        .select_related("organiser")
        .distinct()
        .order_by("-held_on", "title")
    )


PARTICIPANT_LIMIT = 300  # members offered without a filter, at most


def city_members(city_id: int) -> QuerySet[Membership]:
    """The memberships of the groups of one city: a training's possible participants."""
    return Membership.objects.filter(**{f"kube__{KUBE_CITY}_id": city_id})


def participant_choices(*, city_id: int, kube: Kube | None = None, kelurahan=None, chosen=(), limit: int | None = None):
    """The active members of the city's groups offered as participants, grouped by KUBE:
    [(kube name, [(pk, name)])].

    In a large city pick a kelurahan or a KUBE first: without a filter the members are
    offered only when there are at most `limit` (PARTICIPANT_LIMIT) of them. `chosen` (memberships already
    picked) are always offered.
    """
    limit = limit or PARTICIPANT_LIMIT
    members = city_members(city_id).filter(left_on__isnull=True)
    if kube is not None:
        members = members.filter(kube=kube)
    elif kelurahan is not None:
        members = members.filter(kube__kelurahan=kelurahan)
    members = list(members.select_related("person", "kube").order_by("kube__name", "person__name")[: limit + 1])
    too_many = kube is None and kelurahan is None and len(members) > limit
    if too_many:
        members = []
    chosen_pks = {m.pk for m in chosen}
    extra = [m for m in chosen if m.pk not in {x.pk for x in members}]
    groups: dict[str, list] = {}
    for membership in [*extra, *members[:limit]]:
        groups.setdefault(membership.kube.name, []).append((membership.pk, membership.person.name))
    return list(groups.items()), too_many, chosen_pks


def prefetch_trainings(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    return memberships.prefetch_related(Prefetch("trainings", queryset=Training.objects.order_by("-held_on")))
