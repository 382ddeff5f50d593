"""Writes to the registry: groups, persons and memberships.

Each service runs in one transaction, locks what it checks, raises ValidationError
with a translated message naming the field, and records the acting user in the
history. Forms call these; so do the import and `seed_demo`.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.nik import IdNumberError, parse_kk, parse_nik
from kube_registry.versioning import version_bump, version_check

from .areas import KUBE_CITY, area_of, users_q
from .models import FacilitatorArea, ImportUpload, Kelurahan, Kube, Membership, Person, Role
from .rules import (  # noqa: F401  (the messages are the services' too: forms and tests name them here)
    MSG_ACTIVE_ELSEWHERE,
    MSG_DATE_IN_FUTURE,
    MSG_JOINED_BEFORE_FOUNDED,
    MSG_LEFT_BEFORE_JOINED,
    MSG_ROLE_TAKEN,
    active_elsewhere_message,
    holds_one_place,
    membership_date_problems,
    role_taken_message,
)

# The one answer to a NIK known outside the writer's scope, whatever it belongs to (a
# member of another group, a family waiting elsewhere): it names nobody, so a NIK typed
# into a form never tells a facilitator who that person is or where. Groups and formation
# both answer with it; the office sees the full conflict instead.
MSG_NIK_REGISTERED_ELSEWHERE = gettext_noop("NIK ini sudah terdaftar; hubungi petugas Dinas Sosial.")
MSG_NIK_TAKEN = gettext_noop("NIK ini sudah terdaftar untuk orang lain.")
MSG_OUTSIDE_AREA = gettext_noop("Pilihan ini tidak ada di wilayah Anda.")
MSG_UPLOAD_PURGED = gettext_noop("Berkas sudah dihapus; unggah lagi.")
MSG_ALREADY_LEFT = gettext_noop("Anggota ini sudah tercatat keluar.")
MSG_FI_DATE_REQUIRED = gettext_noop("Isi tanggal pembentukan LKM/koperasi.")
MSG_FI_DATE_WITHOUT_KIND = gettext_noop("Pilih LKM atau koperasi, atau kosongkan tanggalnya.")

KUBE_FIELDS = (
    "name",
    "kelurahan",
    "rt",
    "address",
    "founded_on",
    "business_field",
    "business_description",
    "area_type",
    "initiative",
    "facilitator",
    "status",
    "financial_institution",
    "financial_institution_on",
    "vision",
    "plan",
)
PERSON_FIELDS = ("kk", "name", "sex", "birth_on", "phone", "is_dtks", "is_pkh")
# Optional personal data a form, a waiting family or an import row may leave empty:
# empty means "not given" and keeps what is stored, never "erase" (issue 13).
KEPT_WHEN_BLANK = ("kk", "phone", "birth_on")


def blanks_dropped(values: dict[str, Any], fields: tuple[str, ...] = KEPT_WHEN_BLANK) -> dict[str, Any]:
    """`values` without the empty ones among `fields`, so a known person's stored data stays."""
    return {name: value for name, value in values.items() if name not in fields or value not in ("", None)}


def sees_every_person(actor) -> bool:
    """Only the system (the import command, the demo) may be told whose any NIK is.

    The office is told about the persons of its own area (`may_be_told_about`): an
    officer of Samarinda learns nothing of a Bontang member (issue 19).
    """
    return actor is None


def may_be_told_about(actor, person: Person) -> bool:
    """Whether `actor` may be told who `person` is: the system always; the office when
    the person is or was a member in its area, or a member nowhere; a facilitator never
    (they get the neutral message)."""
    if sees_every_person(actor):
        return True
    return actor.has_perm("groups.view_all_kube") and _in_area_or_nowhere(actor, person)


def _in_area_or_nowhere(actor, person: Person) -> bool:
    """The person has no membership, or one (now or once) in a group of `actor`'s area. One query."""
    counts = Membership.objects.filter(person=person).aggregate(
        total=Count("pk"), here=Count("pk", filter=area_of(actor).q(f"kube__{KUBE_CITY}"))
    )
    return not counts["total"] or bool(counts["here"])


def nik_reachable_check(*, actor, nik: str) -> None:
    """Refuse, with the neutral message, a NIK that belongs to an active member of a
    group `actor` may not see: a facilitator's write never reaches that person, nor an
    office's a member of another city. One active group per person still holds
    nationwide: the refusal only does not say where."""
    if sees_every_person(actor):
        return
    elsewhere = Membership.objects.active().filter(person__nik=nik).exclude(kube__in=Kube.objects.visible_to(actor))
    if elsewhere.exists():
        raise ValidationError({"nik": _(MSG_NIK_REGISTERED_ELSEWHERE)})


def person_reachable_check(*, actor, person: Person) -> None:
    """Refuse, with the neutral message, a write to a known person whose memberships
    all lie in other cities: the person row is national (one NIK, one row), but their
    data is their city's to change and to show. A person who is a member nowhere may
    be written by whoever knows their NIK, as before."""
    if not sees_every_person(actor) and not _in_area_or_nowhere(actor, person):
        raise ValidationError({"nik": _(MSG_NIK_REGISTERED_ELSEWHERE)})


def city_code_digits(kelurahan=None) -> str:
    """The registration numbers' prefix: the kelurahan's city (default: the installation's)."""
    if kelurahan is None:
        return settings.KUBE_CITY_CODE.replace(".", "")
    return kelurahan.city_code.replace(".", "")


def registration_number_next(*, founded_on: dt.date, city_digits: str) -> str:
    """`<city code>-<year founded>-<sequence>`, e.g. 6474-2014-001 (contract 4)."""
    prefix = f"{city_digits}-{founded_on.year}-"
    taken = Kube.objects.filter(no_registrasi__startswith=prefix).values_list("no_registrasi", flat=True)
    highest = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:03d}"


def kube_fields_check(values: dict[str, Any]) -> None:
    """The rules across a group's fields; the form, the services and the import apply them."""
    errors = {}
    today = timezone.localdate()
    if values.get("financial_institution") and not values.get("financial_institution_on"):
        errors["financial_institution_on"] = _(MSG_FI_DATE_REQUIRED)
    if values.get("financial_institution_on") and not values.get("financial_institution"):
        errors["financial_institution"] = _(MSG_FI_DATE_WITHOUT_KIND)
    if values.get("financial_institution_on") and values["financial_institution_on"] > today:
        errors.setdefault("financial_institution_on", _(MSG_DATE_IN_FUTURE))
    if values.get("founded_on") and values["founded_on"] > today:
        errors["founded_on"] = _(MSG_DATE_IN_FUTURE)
    if errors:
        raise ValidationError(errors)


def area_check(*, actor, values: dict[str, Any]) -> None:
    """A group's (or proposal's) kelurahan and facilitator are of `actor`'s area: a form
    offers nothing else, and an import or a forged post gets the same neutral refusal."""
    if actor is None:  # the system: the demo, migrations
        return
    area = area_of(actor)
    errors = {}
    kelurahan = values.get("kelurahan")
    if kelurahan is not None and not area.holds_city(kelurahan.city_code):
        errors["kelurahan"] = _(MSG_OUTSIDE_AREA)
    facilitator = values.get("facilitator")
    users = get_user_model().objects
    if facilitator is not None and not users.filter(users_q(area), pk=facilitator.pk).exists():
        errors["facilitator"] = _(MSG_OUTSIDE_AREA)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def kube_create(*, actor, no_registrasi: str = "", **values: Any) -> Kube:
    kube_fields_check(values)
    area_check(actor=actor, values=values)
    kube = Kube(**{k: v for k, v in values.items() if k in KUBE_FIELDS})
    if not no_registrasi:
        # Serialise numbering per city-year; the unique constraint is the last line.
        city_digits = city_code_digits(kube.kelurahan)
        Kube.objects.select_for_update().filter(no_registrasi__startswith=city_digits).exists()
        no_registrasi = registration_number_next(founded_on=kube.founded_on, city_digits=city_digits)
    kube.no_registrasi = no_registrasi
    kube._history_user = actor
    kube.save()
    return kube


@transaction.atomic
def kube_update(*, actor, kube: Kube, version: int | None = None, **values: Any) -> Kube:
    """Change a group; `version` is the one its form was read at (None: not checked)."""
    kube = Kube.objects.select_for_update().get(pk=kube.pk)
    version_check(kube, version, actor=actor)
    merged = {field: getattr(kube, field) for field in KUBE_FIELDS} | values
    kube_fields_check(merged)
    area_check(actor=actor, values={k: v for k, v in values.items() if v != getattr(kube, k, None)})
    changed = False
    for field, value in values.items():
        if field in KUBE_FIELDS and getattr(kube, field) != value:
            setattr(kube, field, value)
            changed = True
    if changed:  # an unchanged save would write an empty history entry
        version_bump(kube)
        kube._history_user = actor
        kube.save()
    return kube


def person_check(*, nik: str, sex: str, birth_on: dt.date | None, kk: str = "") -> dict[str, Any]:
    """The checks on a person's identity numbers; returns normalised values and warnings."""
    errors, warnings = {}, []
    result: dict[str, Any] = {}
    try:
        info = parse_nik(nik, sex=sex, birth_on=birth_on, today=timezone.localdate())
        result.update(nik=info.nik, birth_on=info.birth_on)
        warnings += info.warnings
    except IdNumberError as exc:
        errors["nik"] = str(exc)
    if kk:
        try:
            result["kk"], kk_warnings = parse_kk(kk)
            warnings += kk_warnings
        except IdNumberError as exc:
            errors["kk"] = str(exc)
    if errors:
        raise ValidationError(errors)
    result["warnings"] = warnings
    return result


def _check_role_free(*, kube: Kube, role: str, exclude: Membership | None = None) -> None:
    if not holds_one_place(role):
        return
    holders = Membership.objects.active().filter(kube=kube, role=role).select_related("person")
    if exclude is not None:
        holders = holders.exclude(pk=exclude.pk)
    holder = holders.first()
    if holder:
        raise ValidationError({"role": role_taken_message(role, holder.person.name)})


def _save_membership(membership: Membership, actor) -> Membership:
    membership._history_user = actor
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        # Another request won the race past our checks; the constraint held.
        _check_role_free(kube=membership.kube, role=membership.role, exclude=membership)
        raise ValidationError(_("Data anggota bertabrakan dengan perubahan lain; muat ulang halaman.")) from exc
    return membership


@transaction.atomic
def membership_add(
    *,
    actor,
    kube: Kube,
    nik: str,
    name: str,
    sex: str,
    role: str = Role.ANGGOTA,
    joined_on: dt.date | None = None,
    birth_on: dt.date | None = None,
    kk: str = "",
    phone: str = "",
    is_dtks: bool = False,
    is_pkh: bool = False,
) -> Membership:
    """Add a person (new or known by NIK) to a group; refuses a second active membership."""
    Kube.objects.select_for_update().filter(pk=kube.pk).get()
    checked = person_check(nik=nik, sex=sex, birth_on=birth_on, kk=kk)
    problems = membership_date_problems(joined_on=joined_on, founded_on=kube.founded_on, today=timezone.localdate())
    if problems:
        raise ValidationError(problems)
    person = Person.objects.select_for_update().filter(nik=checked["nik"]).first()
    if person is not None:
        current = person.memberships.active().select_related("kube").first()
        if current is not None:
            if current.kube_id != kube.pk:
                nik_reachable_check(actor=actor, nik=checked["nik"])
            raise ValidationError(
                {"nik": active_elsewhere_message(name=person.name, nik=checked["nik"], kube_name=current.kube.name)}
            )
        # Known only in another city: neither their data shown nor overwritten.
        person_reachable_check(actor=actor, person=person)
        # A known person active nowhere (a former member rejoining) may be added by
        # whoever knows their NIK; the reply shows only what was typed (the view words it).
    _check_role_free(kube=kube, role=role)

    values = {
        "name": name.strip(),
        "sex": sex,
        "birth_on": checked["birth_on"],
        "kk": checked.get("kk", ""),
        "phone": phone.strip(),
        "is_dtks": is_dtks,
        "is_pkh": is_pkh,
    }
    if person is None:
        person = Person(nik=checked["nik"], **values)
        person._history_user = actor
        person.save()
    elif any(getattr(person, field) != value for field, value in blanks_dropped(values).items()):
        for field, value in blanks_dropped(values).items():
            setattr(person, field, value)
        version_bump(person)
        person._history_user = actor
        person.save()
    return _save_membership(Membership(person=person, kube=kube, role=role, joined_on=joined_on), actor)


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str, version: int | None = None) -> Membership:
    Kube.objects.select_for_update().filter(pk=membership.kube_id).get()
    membership = Membership.objects.select_for_update().select_related("kube", "person").get(pk=membership.pk)
    version_check(membership, version, actor=actor)
    if not membership.is_active:
        raise ValidationError(_(MSG_ALREADY_LEFT))
    if membership.role == role:
        return membership
    _check_role_free(kube=membership.kube, role=role, exclude=membership)
    membership.role = role
    version_bump(membership)
    return _save_membership(membership, actor)


@transaction.atomic
def membership_end(
    *, actor, membership: Membership, left_on: dt.date, reason: str, version: int | None = None
) -> Membership:
    """Record a member leaving; the place can then go to another family."""
    membership = Membership.objects.select_for_update().select_related("kube", "person").get(pk=membership.pk)
    version_check(membership, version, actor=actor)
    if not membership.is_active:
        raise ValidationError(_(MSG_ALREADY_LEFT))
    problems = membership_date_problems(joined_on=membership.joined_on, left_on=left_on, today=timezone.localdate())
    if "left_on" in problems:
        raise ValidationError({"left_on": problems["left_on"]})
    membership.left_on = left_on
    membership.leave_reason = reason
    version_bump(membership)
    return _save_membership(membership, actor)


@transaction.atomic
def person_update(*, actor, person: Person, version: int | None = None, **values: Any) -> Person:
    """Correct a person's details; the NIK checks run again against the new values."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    version_check(person, version, actor=actor)
    merged = {field: getattr(person, field) for field in ("nik", *PERSON_FIELDS)} | values
    checked = person_check(nik=merged["nik"], sex=merged["sex"], birth_on=merged["birth_on"], kk=merged["kk"])
    values |= {"nik": checked["nik"], "birth_on": checked["birth_on"], "kk": checked.get("kk", "")}
    other = (
        Person.objects.filter(nik=values["nik"]).exclude(pk=person.pk).first() if values["nik"] != person.nik else None
    )
    if other is not None:
        raise ValidationError(
            {"nik": _(MSG_NIK_TAKEN if may_be_told_about(actor, other) else MSG_NIK_REGISTERED_ELSEWHERE)}
        )
    changed = False
    for field, value in values.items():
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed = True
    if changed:
        version_bump(person)
        person._history_user = actor
        person.save()
    return person


def import_uploads_purge(*, now: dt.datetime | None = None) -> int:
    """Empty the content of uploads older than KUBE_IMPORT_RETENTION_HOURS; returns how many.

    Applied and refused uploads lose their content at once (pages/workbook_views.py); this
    catches the checked ones nobody applied. The row stays as the audit trace: who
    uploaded which file when, and its summary.
    """
    hours = int(getattr(settings, "KUBE_IMPORT_RETENTION_HOURS", 24))
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    return ImportUpload.objects.filter(uploaded_at__lt=cutoff).exclude(content=b"").update(content=b"")


@transaction.atomic
def facilitator_area_set(*, actor, facilitator, kelurahans) -> list[Kelurahan]:
    """Set the kelurahan of a facilitator's work area (the office's decision)."""
    wanted = {k.pk for k in kelurahans}
    current = set(
        FacilitatorArea.objects.select_for_update()
        .filter(facilitator=facilitator)
        .values_list("kelurahan_id", flat=True)
    )
    FacilitatorArea.objects.filter(facilitator=facilitator, kelurahan_id__in=current - wanted).delete()
    FacilitatorArea.objects.bulk_create(
        [FacilitatorArea(facilitator=facilitator, kelurahan_id=pk, created_by=actor) for pk in wanted - current],
        ignore_conflicts=True,
    )
    return list(Kelurahan.objects.filter(pk__in=wanted))
