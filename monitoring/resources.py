"""The `kunjungan` and `pelatihan` sheets of the import workbook (contract 4).

kunjungan: visits, keyed by (no_registrasi, tanggal, jenis). `petugas` is who visited
(a facilitator or an officer; empty: the group's facilitator); `hadir` is either a
head count or the NIKs of the members present, each an active member of that group on
that day; the seven dynamics scores are empty or 1-4 (monitoring.rules).

pelatihan: trainings and study visits, keyed by (judul, tanggal). `penyelenggara` is a
partner (matched by partnerships.models.partner_name_key) or "Dinas Sosial" (the
office: no partner); `peserta` the NIKs of members active on that day, in any group.

As for the other sheets: an empty optional cell means "not given" (a stored value
stays), and an import adds and corrects, never erases: NIKs given are added to those
stored. Members, groups and partners this file's earlier sheets register are found
when those sheets are written (a NIK unknown then is an error and rolls everything
back). Messages quote the NIK in full; pages mask it for readers without the right.

Both sheets work within the importing user's city (issue 19; partnerships.resources
has the helpers): a group of another city reads as an unknown number, a member of
another city's group as an unregistered NIK, a user of another city as an unknown
petugas, a partner of another city's list as an unregistered one; trainings are keyed
by (judul, tanggal) within the city, and new ones are the city's.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.areas import KUBE_CITY, Area
from groups.models import Kube, Membership
from groups.resources import MSG_KUBE_UNKNOWN, KubeRef, _key_text, _kube_refs
from kube_registry.importing import (
    MSG_REQUIRED,
    ChoiceWidget,
    DateWidget,
    Field,
    ImportContext,
    IntegerWidget,
    Sheet,
    TextWidget,
    Widget,
    chunked,
    insert_with_history,
    update_with_history,
)
from kube_registry.nik import MSG_NIK_SHAPE, nik_well_formed, normalize_id_number
from kube_registry.roles import ROLE_FACILITATOR, ROLE_OFFICER
from kube_registry.values import MSG_DATE_IN_FUTURE
from partnerships.models import Partner, PartnerMerge, partner_name_key
from partnerships.resources import (
    STATE_OUTSIDE,
    import_area,
    import_city_id,
    kube_ref_in_area,
    load_kube_refs_in_area,
    refuse_every_row,
)

from .dynamics import ASPECTS
from .models import Training, TrainingKind, Visit, VisitKind
from .rules import member_on_problem, membership_on, score_problems, visit_date_problems

MSG_ROW_REPEATS = gettext_noop("Baris yang sama (kunci yang sama) sudah tercantum di baris {row}.")
MSG_VISITOR_UNKNOWN = gettext_noop("Pengguna {username} bukan pendamping atau petugas dinas.")
MSG_NO_FACILITATOR = gettext_noop("KUBE ini belum memiliki pendamping; isi petugas yang berkunjung.")
MSG_HEAD_COUNT = gettext_noop("Isi jumlah yang hadir (angka) atau NIK anggota yang hadir, dipisah koma.")
MSG_PARTNER_UNKNOWN = gettext_noop(
    "Mitra {name} tidak terdaftar; daftarkan di sheet kemitraan atau tulis Dinas Sosial."
)
MSG_NIK_TWICE = gettext_noop("NIK {nik} tercantum dua kali.")

OFFICE = "Dinas Sosial"
OFFICE_KEY = partner_name_key(OFFICE)
BLOCK = 2_000
MAX_HEAD_COUNT = 999
_SEPARATORS = re.compile(r"[,;\n]+")


def _day(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


class NikListWidget(Widget):
    """Comma-separated NIKs (spaces and dots inside a NIK ignored): a tuple of 16-digit texts."""

    def __init__(self, *, required: bool = False, count: bool = False):
        self.required = required
        self.count = count  # also a plain head count (hadir)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            if self.required:
                raise ValueError(_(MSG_REQUIRED))
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if self.count and text.isdigit() and len(text) <= 3:
            return int(text)
        niks = []
        for part in _SEPARATORS.split(text):
            if not part.strip():
                continue
            nik = normalize_id_number(part)
            if not nik_well_formed(nik):
                raise ValueError(_(MSG_HEAD_COUNT) if self.count and len(nik) < 16 else _(MSG_NIK_SHAPE))
            if nik in niks:
                raise ValueError(_(MSG_NIK_TWICE).format(nik=nik))
            niks.append(nik)
        return tuple(niks)

    def render(self, value, obj=None, **kwargs) -> str:
        if isinstance(value, int):
            return str(value)
        return ", ".join(value or ())


def _users_in_roles(area: Area) -> dict[str, int]:
    """username (any case) -> user id, for facilitators and officers of `area`'s cities
    (a user the office gave no area works in the installation's city)."""
    in_area = area.q("area__city")
    if area.holds_city(settings.KUBE_CITY_CODE):
        in_area |= Q(area__isnull=True)
    users = get_user_model().objects.filter(in_area, groups__name__in=(ROLE_FACILITATOR, ROLE_OFFICER), is_active=True)
    found: dict[str, int] = {}
    for pk, username in users.values_list("pk", "username").distinct():
        found.setdefault(username.lower(), pk)
        found[username] = pk
    return found


class _Memberships:
    """Memberships by NIK, looked up a block at a time (mappings for monitoring.rules),
    among the groups of `where` (a filter on Membership): another city's are not seen."""

    def __init__(self, where: Q):
        self.where = where
        self.by_nik: dict[str, list[dict]] = defaultdict(list)
        self.looked_up: set[str] = set()

    def load(self, niks) -> None:
        wanted = set(niks) - self.looked_up
        self.looked_up |= wanted
        for block in chunked(sorted(wanted), BLOCK):
            for values in Membership.objects.filter(self.where, person__nik__in=block).values(
                "pk", "kube_id", "joined_on", "left_on", "person__nik"
            ):
                self.by_nik[values["person__nik"]].append(values)

    def reload(self, niks) -> None:
        for nik in niks:
            self.by_nik.pop(nik, None)
        self.looked_up -= set(niks)
        self.load(niks)

    def resolve(self, niks, *, day, kube_id=None) -> tuple[set[int], str]:
        """The membership ids of `niks` on `day`, or the first problem."""
        pks = set()
        for nik in niks:
            candidates = self.by_nik.get(nik, [])
            problem = member_on_problem(nik, candidates, day=day, kube_id=kube_id)
            if problem:
                return set(), problem
            pks.add(membership_on(candidates, day=day, kube_id=kube_id)["pk"])
        return pks, ""


@dataclass(slots=True)
class _Plan:
    row: int
    values: dict[str, Any]
    pk: int | None = None
    current: dict[str, Any] | None = None
    niks: tuple[str, ...] = ()  # members named by the row
    members: set[int] = field(default_factory=set)  # their membership ids (when resolved)
    stored_members: set[int] = field(default_factory=set)
    kube: KubeRef | None = None
    waiting: bool = False  # something the file's earlier sheets register, looked up at write
    partner_key: str = ""
    partner_name: str = ""

    @property
    def changes(self) -> dict[str, Any]:
        if self.current is None:
            return dict(self.values)
        return {f: v for f, v in self.values.items() if self.current.get(f) != v}

    @property
    def new_members(self) -> set[int]:
        return self.members - self.stored_members


class _MonitoringSheet(Sheet):
    model = None
    through_field = ""  # the M2M's column to the row's model on the through table

    def _claim_key(self, key: tuple, number: int, errors: dict, column: str) -> bool:
        first = self.keys_in_file.get(key)
        if first is not None:
            errors.setdefault(column, _(MSG_ROW_REPEATS).format(row=first))
            return False
        self.keys_in_file[key] = number
        return True

    def _finish(self, plan: _Plan | None, number: int, errors: dict, ctx: ImportContext) -> None:
        if errors or plan is None:
            ctx.reject(number, errors)
            return
        ctx.tally(created=plan.pk is None, changed=plan.pk is None or bool(plan.changes or plan.new_members))
        self.plans.append(plan)

    def _stored_members(self, pks) -> dict[int, set[int]]:
        through = self.through()
        found: dict[int, set[int]] = defaultdict(set)
        for block in chunked(list(pks), BLOCK):
            for owner, membership in through.objects.filter(**{f"{self.through_field}__in": block}).values_list(
                self.through_field, "membership_id"
            ):
                found[owner].add(membership)
        return found

    def through(self):
        raise NotImplementedError

    def _fail_late(self, plan: _Plan, column: str, message: str, ctx: ImportContext) -> None:
        """A row found wrong once the earlier sheets are written: the run rolls back."""
        ctx.error(plan.row, column, message)
        if plan.pk is None:
            ctx.counts.created -= 1
        ctx.counts.invalid += 1

    def _write_rows(self, ctx: ImportContext, new_row) -> None:
        changes = {plan.pk: dict(plan.changes) for plan in self.plans if plan.pk and plan.changes}
        update_with_history(ctx, self.model, changes)
        new = [plan for plan in self.plans if plan.pk is None]
        for block in chunked(new, BLOCK):
            for plan, pk in zip(block, insert_with_history(ctx, self.model, [new_row(p) for p in block]), strict=True):
                plan.pk = pk
        through = self.through()
        links = [
            through(**{f"{self.through_field}": plan.pk, "membership_id": membership})
            for plan in self.plans
            for membership in sorted(plan.new_members)
        ]
        through.objects.bulk_create(links, batch_size=BLOCK)


# --- kunjungan ---------------------------------------------------------------------------

SCORE_COLUMNS = {aspect.column: aspect.field for aspect in ASPECTS}
VISIT_FIELDS = ("visitor_id", "attendance_count", "activities", "problems", *SCORE_COLUMNS.values())


class KunjunganSheet(_MonitoringSheet):
    """Visits, keyed by (no_registrasi, tanggal, jenis); photos are not imported."""

    no_registrasi = Field(
        attribute="kube__no_registrasi", column_name="no_registrasi", widget=TextWidget(required=True, max_length=20)
    )
    tanggal = Field(attribute="visited_on", column_name="tanggal", widget=DateWidget(required=True))
    jenis = Field(
        attribute="kind",
        column_name="jenis",
        widget=ChoiceWidget(
            VisitKind,
            required=True,
            names={kind: kind for kind in VisitKind.values},
            aliases={"pendampingan rutin": "pendampingan", "pertemuan kelompok": "pertemuan"},
        ),
    )
    petugas = Field(attribute="visitor__username", column_name="petugas", widget=TextWidget(max_length=150))
    hadir = Field(attribute="attendees", column_name="hadir", widget=NikListWidget(count=True))
    kegiatan = Field(attribute="activities", column_name="kegiatan", widget=TextWidget())
    masalah = Field(attribute="problems", column_name="masalah", widget=TextWidget())
    komunikasi = Field(attribute="communication", column_name="komunikasi", widget=IntegerWidget())
    konflik = Field(attribute="conflict", column_name="konflik", widget=IntegerWidget())
    kohesi = Field(attribute="cohesion", column_name="kohesi", widget=IntegerWidget())
    kepemimpinan = Field(attribute="leadership", column_name="kepemimpinan", widget=IntegerWidget())
    tujuan = Field(attribute="goal", column_name="tujuan", widget=IntegerWidget())
    struktur_tugas = Field(attribute="task_structure", column_name="struktur_tugas", widget=IntegerWidget())
    partisipasi = Field(attribute="participation", column_name="partisipasi", widget=IntegerWidget())

    model = Visit
    through_field = "visit_id"
    example_row = {
        "no_registrasi": "6474-2014-901",
        "tanggal": "12-03-2015",
        "jenis": "pendampingan",
        "petugas": "pendamping1",
        "hadir": "8",
        "kegiatan": "Memeriksa buku kas dan jadwal piket",
        "masalah": "Dua anggota belum membayar iuran",
        "komunikasi": "3",
    }

    def through(self):
        return Visit.attendees.through

    def plan_rows(self, rows: Iterator[tuple[int, dict]], total: int, ctx: ImportContext) -> None:
        self.plans: list[_Plan] = []
        self.keys_in_file: dict[tuple, int] = {}
        self.stored: dict[tuple, dict] = {}
        self.facilitators: dict[int, int | None] = {}
        self.looked_up: set[int] = set()
        area = import_area(ctx)
        self.members = _Memberships(area.q(f"kube__{KUBE_CITY}"))
        self.users = _users_in_roles(area)
        self.members_in_file = "anggota" in ctx.result.sheets
        refs = _kube_refs(ctx)
        done = 0
        for block in chunked(rows, BLOCK):
            self._prefetch(block, ctx)
            for number, row in block:
                self._plan_row(number, row, refs, ctx)
            done += len(block)
            ctx.report_progress("validate", done, total)

    def _prefetch(self, block: list[tuple[int, dict]], ctx: ImportContext) -> None:
        numbers = {_key_text(row.get("no_registrasi")) for _number, row in block} - {""}
        refs = load_kube_refs_in_area(ctx, numbers)
        outside = ctx.state[STATE_OUTSIDE]
        kube_pks = {refs[n].pk for n in numbers if n in refs and refs[n].pk} - self.looked_up - outside
        self.looked_up |= kube_pks
        if kube_pks:
            self.facilitators.update(Kube.objects.filter(pk__in=kube_pks).values_list("pk", "facilitator_id"))
            stored = Visit.objects.filter(kube_id__in=kube_pks)
            visits = list(stored.values("pk", "kube_id", "visited_on", "kind", *VISIT_FIELDS))
            attendees = self._stored_members(v["pk"] for v in visits)
            for values in visits:
                values["members"] = attendees.get(values["pk"], set())
                self.stored[(values["kube_id"], values["visited_on"], values["kind"])] = values
        niks = set()
        for _number, row in block:
            try:
                given = self.widget("hadir").clean(row.get("hadir"))
            except ValueError:
                continue
            if isinstance(given, tuple):
                niks.update(given)
        self.members.load(niks)

    def _plan_row(self, number: int, row: dict, refs: dict[str, KubeRef], ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        kube = kube_ref_in_area(values, refs, ctx, errors)
        visited_on = values.get("tanggal")
        if visited_on and kube and "no_registrasi" not in errors:
            founded_on = kube.founded_on or visited_on
            for message in visit_date_problems(visited_on=visited_on, founded_on=founded_on, today=ctx.today).values():
                errors.setdefault("tanggal", message)
        scores = {SCORE_COLUMNS[column]: values.get(column) for column in SCORE_COLUMNS}
        for name, message in score_problems(scores).items():
            errors.setdefault(next(c for c, f in SCORE_COLUMNS.items() if f == name), message)
        hadir = values.get("hadir")
        if isinstance(hadir, int) and hadir > MAX_HEAD_COUNT:
            errors.setdefault("hadir", _(MSG_HEAD_COUNT))
        username = values.get("petugas") or ""
        visitor_id = None
        if username:
            visitor_id = self.users.get(username, self.users.get(username.lower()))
            if visitor_id is None:
                errors.setdefault("petugas", _(MSG_VISITOR_UNKNOWN).format(username=username))
        elif kube and kube.pk and "no_registrasi" not in errors:
            visitor_id = self.facilitators.get(kube.pk)
            if visitor_id is None:
                errors.setdefault("petugas", _(MSG_NO_FACILITATOR))
        plan = None
        if not errors and self._claim_key((kube.no_registrasi, visited_on, values["jenis"]), number, errors, "tanggal"):
            stored = self.stored.get((kube.pk, visited_on, values["jenis"])) if kube.pk else None
            final: dict[str, Any] = {}
            if visitor_id is not None and (username or stored is None):
                final["visitor_id"] = visitor_id
            if isinstance(hadir, int):
                final["attendance_count"] = hadir
            for column, name in (("kegiatan", "activities"), ("masalah", "problems")):
                if values.get(column):
                    final[name] = values[column]
            final.update({name: score for name, score in scores.items() if score is not None})
            plan = _Plan(number, final, pk=stored["pk"] if stored else None, current=stored, kube=kube)
            plan.niks = hadir if isinstance(hadir, tuple) else ()
            plan.stored_members = stored["members"] if stored else set()
            plan.waiting = kube.pk is None or ("visitor_id" not in final and stored is None)
            if plan.niks and kube.pk:
                members, problem = self.members.resolve(plan.niks, day=visited_on, kube_id=kube.pk)
                unknown = [nik for nik in plan.niks if nik not in self.members.by_nik]
                if problem and unknown and self.members_in_file:
                    plan.waiting = True
                elif problem:
                    errors["hadir"] = problem
                plan.members = members
            plan.values["visited_on"] = visited_on
            plan.values["kind"] = values["jenis"]
        self._finish(plan, number, errors, ctx)

    def _resolve_waiting(self, ctx: ImportContext) -> None:
        """Rows naming groups or members this file's earlier sheets registered, now written."""
        waiting = [plan for plan in self.plans if plan.waiting]
        if not waiting:
            return
        numbers = {plan.kube.no_registrasi for plan in waiting}
        # Groups the kelompok sheet wrote: those outside the importer's area read as unknown.
        written = Kube.objects.filter(import_area(ctx).q(KUBE_CITY), no_registrasi__in=numbers)
        kubes = dict(written.values_list("no_registrasi", "pk"))
        facilitators = dict(written.values_list("pk", "facilitator_id"))
        self.members.reload({nik for plan in waiting for nik in plan.niks})
        kept = []
        for plan in self.plans:
            if not plan.waiting:
                kept.append(plan)
                continue
            kube_pk = kubes.get(plan.kube.no_registrasi)
            if kube_pk is None:
                self._fail_late(plan, "no_registrasi", _(MSG_KUBE_UNKNOWN).format(number=plan.kube.no_registrasi), ctx)
                continue
            if "visitor_id" not in plan.values:
                plan.values["visitor_id"] = facilitators.get(kube_pk)
                if plan.values["visitor_id"] is None:
                    self._fail_late(plan, "petugas", _(MSG_NO_FACILITATOR), ctx)
                    continue
            members, problem = self.members.resolve(plan.niks, day=plan.values["visited_on"], kube_id=kube_pk)
            if problem:
                self._fail_late(plan, "hadir", problem, ctx)
                continue
            plan.members = members
            plan.kube = KubeRef(plan.kube.no_registrasi, kube_pk, plan.kube.name, plan.kube.founded_on)
            kept.append(plan)
        self.plans = kept

    def write(self, ctx: ImportContext) -> None:
        self._resolve_waiting(ctx)
        actor = getattr(ctx.actor, "pk", None)
        self._write_rows(ctx, lambda plan: {"kube_id": plan.kube.pk, "created_by_id": actor, **plan.values})


# --- pelatihan ---------------------------------------------------------------------------


class PelatihanSheet(_MonitoringSheet):
    """Trainings, study visits and exhibitions, keyed by (judul, tanggal)."""

    judul = Field(attribute="title", column_name="judul", widget=TextWidget(required=True, max_length=200))
    tanggal = Field(attribute="held_on", column_name="tanggal", widget=DateWidget(required=True))
    jenis = Field(
        attribute="kind",
        column_name="jenis",
        widget=ChoiceWidget(
            TrainingKind,
            required=True,
            names={kind: kind for kind in TrainingKind.values},
            aliases={"studi banding": "studi_banding", "studibanding": "studi_banding"},
        ),
    )
    penyelenggara = Field(attribute="organiser__name", column_name="penyelenggara", widget=TextWidget(max_length=200))
    peserta = Field(attribute="participants", column_name="peserta", widget=NikListWidget())

    model = Training
    through_field = "training_id"
    example_row = {
        "judul": "Pelatihan pembuatan kompos",
        "tanggal": "20-05-2015",
        "jenis": "pelatihan",
        "penyelenggara": "Dinas Sosial",
        "peserta": "6474 0157 0580 0901",
    }

    def through(self):
        return Training.participants.through

    def plan_rows(self, rows: Iterator[tuple[int, dict]], total: int, ctx: ImportContext) -> None:
        self.plans: list[_Plan] = []
        self.keys_in_file: dict[tuple, int] = {}
        self.city_id = import_city_id(ctx)
        if self.city_id is None:
            refuse_every_row(rows, ctx)
            return
        self.members = _Memberships(Q(**{f"kube__{KUBE_CITY}_id": self.city_id}))
        self.partners = self._load_partners(self.city_id)
        self.members_in_file = "anggota" in ctx.result.sheets
        self.partners_in_file = "kemitraan" in ctx.result.sheets
        rows = list(rows)
        titles = {_key_text(row.get("judul")) for _n, row in rows}
        trainings = {
            (values["title"], values["held_on"]): values
            for values in Training.objects.filter(city_id=self.city_id, title__in=titles).values(
                "pk", "title", "held_on", "kind", "organiser_id"
            )
        }
        participants = self._stored_members(v["pk"] for v in trainings.values())
        done = 0
        for block in chunked(rows, BLOCK):
            niks = set()
            for _number, row in block:
                try:
                    niks.update(self.widget("peserta").clean(row.get("peserta")) or ())
                except ValueError:
                    continue
            self.members.load(niks)
            for number, row in block:
                self._plan_row(number, row, trainings, participants, ctx)
            done += len(block)
            ctx.report_progress("validate", done, total)

    @staticmethod
    def _load_partners(city_id: int) -> dict[str, int]:
        """The city's partners by name key, and the old names of merged ones."""
        partners = dict(Partner.objects.filter(city_id=city_id).values_list("name_key", "pk"))
        merges = PartnerMerge.objects.filter(kept__city_id=city_id)
        for old_key, kept_id in merges.values_list("removed_name_key", "kept_id"):
            partners.setdefault(old_key, kept_id)
        return partners

    def _plan_row(self, number, row, trainings, participants, ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        held_on = values.get("tanggal")
        if held_on and held_on > ctx.today:
            errors.setdefault("tanggal", _(MSG_DATE_IN_FUTURE))
        name = (values.get("penyelenggara") or "").strip()
        key = partner_name_key(name)
        organiser_id, waiting = None, False
        if key and key != OFFICE_KEY:
            organiser_id = self.partners.get(key)
            if organiser_id is None and self.partners_in_file:
                waiting = True
            elif organiser_id is None:
                errors.setdefault("penyelenggara", _(MSG_PARTNER_UNKNOWN).format(name=name))
        niks = values.get("peserta") or ()
        members: set[int] = set()
        if held_on and niks and "tanggal" not in errors:
            members, problem = self.members.resolve(niks, day=held_on)
            unknown = [nik for nik in niks if nik not in self.members.by_nik]
            if problem and unknown and self.members_in_file:
                waiting = True
            elif problem:
                errors["peserta"] = problem
        plan = None
        if not errors and self._claim_key((values["judul"], held_on), number, errors, "judul"):
            stored = trainings.get((values["judul"], held_on))
            final = {"kind": values["jenis"]}
            if name or stored is None:
                final["organiser_id"] = organiser_id
            plan = _Plan(number, final, pk=stored["pk"] if stored else None, current=stored)
            plan.niks, plan.members, plan.waiting = niks, members, waiting
            plan.partner_key, plan.partner_name = key, name
            plan.stored_members = participants.get(stored["pk"], set()) if stored else set()
            if stored is None:
                plan.values.update(title=values["judul"], held_on=held_on)
        self._finish(plan, number, errors, ctx)

    def _resolve_waiting(self, ctx: ImportContext) -> None:
        waiting = [plan for plan in self.plans if plan.waiting]
        if not waiting:
            return
        self.partners = self._load_partners(self.city_id)
        self.members.reload({nik for plan in waiting for nik in plan.niks})
        kept = []
        for plan in self.plans:
            if plan.waiting:
                if "organiser_id" in plan.values and plan.partner_key and plan.partner_key != OFFICE_KEY:
                    plan.values["organiser_id"] = self.partners.get(plan.partner_key)
                    if plan.values["organiser_id"] is None:
                        message = _(MSG_PARTNER_UNKNOWN).format(name=plan.partner_name)
                        self._fail_late(plan, "penyelenggara", message, ctx)
                        continue
                day = plan.values.get("held_on") or plan.current["held_on"]
                plan.members, problem = self.members.resolve(plan.niks, day=day)
                if problem:
                    self._fail_late(plan, "peserta", problem, ctx)
                    continue
            kept.append(plan)
        self.plans = kept

    def write(self, ctx: ImportContext) -> None:
        if not self.plans:
            return
        self._resolve_waiting(ctx)
        actor = getattr(ctx.actor, "pk", None)
        self._write_rows(ctx, lambda plan: {"city_id": self.city_id, "created_by_id": actor, **plan.values})
