"""The `kelompok` and `anggota` sheets of the import workbook (contract 4).

Each is a django-import-export `Resource`: one declared `Field` per column reads its
cell through a widget (Indonesian messages), and the resource adds what needs more
than one cell or row: regions, facilitators, NIK agreement, the one-active-group and
one-ketua rules across the file and the registry, matching rows to what is stored.
Lookups are fetched once per block of rows and writes are bulk, with history.

An empty optional cell means "not given": a new row gets the default, a stored value
is left as it is. An import adds and corrects; it never erases.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.importing import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    Field,
    ImportContext,
    Sheet,
    TextWidget,
    chunked,
    insert_with_history,
    update_with_history,
)
from kube_registry.nik import IdNumberError, nik_disagreements, normalize_id_number, parse_kk, parse_nik
from kube_registry.roles import ROLE_FACILITATOR

from .areas import KELURAHAN_CITY, KUBE_CITY, NOWHERE, Area, area_of, users_q
from .models import (
    OFFICER_ROLES,
    AreaType,
    BusinessField,
    FinancialInstitution,
    Initiative,
    Kecamatan,
    Kelurahan,
    Kube,
    KubeStatus,
    LeaveReason,
    Membership,
    Person,
    Role,
    Sex,
)
from .rules import (
    active_elsewhere_message,
    holds_one_place,
    leaving_problems,
    membership_date_problems,
    role_taken_message,
)
from .services import MSG_NIK_REGISTERED_ELSEWHERE, city_code_digits, kube_fields_check

MSG_KECAMATAN_UNKNOWN = gettext_noop("Kecamatan “{value}” tidak dikenal (tulis nama atau kode Kemendagri).")
MSG_KELURAHAN_UNKNOWN = gettext_noop("Kelurahan “{value}” tidak dikenal (tulis nama atau kode Kemendagri).")
MSG_KELURAHAN_OUTSIDE = gettext_noop("Kelurahan {kelurahan} tidak terletak di Kecamatan {kecamatan}.")
MSG_REGION_AMBIGUOUS = gettext_noop("Nama “{value}” dipakai lebih dari satu wilayah; tulis kode Kemendagri.")
MSG_FACILITATOR_UNKNOWN = gettext_noop("“{value}” bukan nama pengguna seorang pendamping.")
MSG_NUMBER_TWICE = gettext_noop("Nomor registrasi {number} sudah dipakai di baris {row}.")
MSG_KUBE_TWICE = gettext_noop("KUBE yang sama (nama, kelurahan, tanggal berdiri) sudah ada di baris {row}.")
MSG_KUBE_UNKNOWN = gettext_noop("KUBE {number} tidak ada di registri maupun di lembar kelompok.")
MSG_KUBE_INVALID = gettext_noop("Baris KUBE {number} di lembar kelompok tidak valid; perbaiki baris itu dulu.")
MSG_PERSON_DIFFERS = gettext_noop("NIK yang sama di baris {row} bertuliskan “{other}”; data orang harus sama.")
MSG_ROW_REPEATS = gettext_noop("Keanggotaan ini sudah tercantum di baris {row}.")
MSG_ACTIVE_TWICE_IN_FILE = gettext_noop(
    "NIK ini juga anggota aktif {kube} di baris {row}; seorang hanya boleh aktif di satu KUBE. "
    "Isi tanggal_keluar untuk salah satunya."
)
MSG_ROLE_TAKEN_IN_FILE = gettext_noop("KUBE ini sudah memiliki {role} aktif: {name} (baris {row}).")
MSG_NUMBER_NOT_HERE = gettext_noop(
    "Nomor registrasi {number} tidak dapat dipakai untuk KUBE baru di kelurahan ini (nomor baru berawalan "
    "{digits}-); kosongkan agar dibuat otomatis."
)
MSG_ID_AS_NUMBER = gettext_noop(
    "Nomor ini tersimpan sebagai angka, dan Excel hanya menyimpan 15 digit: periksa digit terakhirnya "
    "dan format kolomnya sebagai teks."
)

BLOCK = 2_000  # rows per lookup block and per bulk write

# Shared between the two sheets of one run: no_registrasi -> KubeRef.
STATE_KUBES = "groups.kubes"
STATE_SCOPE = "groups.scope"


@dataclass(frozen=True)
class ImportScope:
    """What one run may read and write (issue 19): the actor's area, as strictly as a
    facilitator is held to their groups.

    A user's import sees only the groups `Kube.objects.visible_to` gives them, the
    regions and facilitators of their area, and persons through memberships there:
    a region code, group number or NIK of another city is answered exactly as one
    that does not exist, or with the neutral "registered elsewhere". A province's or
    the country's readers write nothing (their import finds no region and no group).
    The system (`import_registry`, no actor) works everywhere.
    """

    actor: Any = None
    area: Area | None = None  # None: everywhere

    @property
    def is_everywhere(self) -> bool:
        return self.area is None

    def kubes(self):
        if self.actor is None:
            return Kube.objects.all()
        return Kube.objects.visible_to(self.actor).in_area(self.area)

    def kecamatans(self):
        return Kecamatan.objects.all() if self.area is None else Kecamatan.objects.filter(self.area.q("city"))

    def kelurahans(self):
        return Kelurahan.objects.all() if self.area is None else Kelurahan.objects.filter(self.area.q(KELURAHAN_CITY))

    def users(self):
        users = get_user_model().objects.all()
        return users if self.area is None else users.filter(users_q(self.area))

    def holds_city(self, city_code: str) -> bool:
        return self.area is None or self.area.holds_city(city_code)


def import_scope(ctx: ImportContext) -> ImportScope:
    """The run's scope, worked out once and shared by every sheet."""
    scope = ctx.state.get(STATE_SCOPE)
    if scope is None:
        if ctx.actor is None:
            scope = ImportScope()
        else:
            area = area_of(ctx.actor)
            # Only a user of one city writes: a province's or the country's readers reach nothing.
            scope = ImportScope(ctx.actor, area if area.is_city else NOWHERE)
        ctx.state[STATE_SCOPE] = scope
    return scope


@dataclass
class KubeRef:
    """A group as later sheets see it: stored, or to be created by this file."""

    no_registrasi: str
    pk: int | None
    name: str
    founded_on: dt.date | None
    valid: bool = True


def _kube_refs(ctx: ImportContext) -> dict[str, KubeRef]:
    return ctx.state.setdefault(STATE_KUBES, {})


def _load_kube_refs(ctx: ImportContext, numbers: set[str]) -> None:
    refs = _kube_refs(ctx)
    missing = [number for number in numbers if number not in refs]
    kubes = import_scope(ctx).kubes()
    for block in chunked(missing, BLOCK):
        # Another city's group is not there for this run: "unknown", as any number is.
        for pk, number, name, founded_on in kubes.filter(no_registrasi__in=block).values_list(
            "pk", "no_registrasi", "name", "founded_on"
        ):
            refs[number] = KubeRef(number, pk, name, founded_on)


_KEY_WIDGET = TextWidget()


def kube_ref_for_row(values: dict, refs: dict[str, KubeRef], ctx: ImportContext, errors: dict) -> KubeRef | None:
    """The group a row's `no_registrasi` names, or None with the error on that column.

    A group missing because the kelompok sheet could not be read is reported as that
    sheet's fault, not as an unknown number.
    """
    if "no_registrasi" in errors:
        return None
    number = values["no_registrasi"]
    kube = refs.get(number)
    if kube is None:
        unreadable = ctx.state.get("groups.kelompok_unreadable")
        errors["no_registrasi"] = _(MSG_KUBE_INVALID if unreadable else MSG_KUBE_UNKNOWN).format(number=number)
    elif not kube.valid:
        errors["no_registrasi"] = _(MSG_KUBE_INVALID).format(number=number)
    return kube


def _key_text(value: object) -> str:
    """A key cell as the text widget reads it, for lookups before the row is checked."""
    try:
        return _KEY_WIDGET.clean(value)
    except ValueError:
        return ""


def _region_key(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().lower())
    return re.sub(r"^(kecamatan|kec\.?|kelurahan|kel\.?|desa)\s+", "", text)


def _code_key(text: str) -> str | None:
    """`64.74.01.1004` and `6474011004` are the same code; names give None."""
    digits = re.sub(r"[\s.]", "", text)
    return digits if digits.isdigit() else None


class _Regions:
    """The kecamatan and kelurahan of the run's area, read once: by code or by name
    (within a kecamatan). Another city's are unknown here, with the same message."""

    def __init__(self, scope: ImportScope | None = None):
        scope = scope or ImportScope()
        self.kecamatan_by_code: dict[str, Kecamatan] = {}
        self.kecamatan_by_name: dict[str, list[Kecamatan]] = defaultdict(list)
        self.kelurahan_by_code: dict[str, Kelurahan] = {}
        self.kelurahan_by_name: dict[str, list[Kelurahan]] = defaultdict(list)
        for kecamatan in scope.kecamatans():
            self.kecamatan_by_code[_code_key(kecamatan.code)] = kecamatan
            self.kecamatan_by_name[_region_key(kecamatan.name)].append(kecamatan)
        self.city_digits: dict[int, str] = {}  # kelurahan pk -> its city's digits (registration numbers)
        for kelurahan in scope.kelurahans():
            self.kelurahan_by_code[_code_key(kelurahan.code)] = kelurahan
            self.kelurahan_by_name[_region_key(kelurahan.name)].append(kelurahan)
            self.city_digits[kelurahan.pk] = city_code_digits(kelurahan)
        self.kecamatan_names = {k.pk: k.name for k in self.kecamatan_by_code.values()}

    def resolve(self, kecamatan_text: str, kelurahan_text: str) -> tuple[Kelurahan | None, dict[str, str]]:
        code = _code_key(kecamatan_text)
        if code is not None:
            kecamatan = self.kecamatan_by_code.get(code)
        else:
            found = self.kecamatan_by_name.get(_region_key(kecamatan_text), [])
            if len(found) > 1:
                return None, {"kecamatan": _(MSG_REGION_AMBIGUOUS).format(value=kecamatan_text)}
            kecamatan = found[0] if found else None
        if kecamatan is None:
            return None, {"kecamatan": _(MSG_KECAMATAN_UNKNOWN).format(value=kecamatan_text)}
        code = _code_key(kelurahan_text)
        if code is not None:
            candidates = [self.kelurahan_by_code[code]] if code in self.kelurahan_by_code else []
        else:
            candidates = self.kelurahan_by_name.get(_region_key(kelurahan_text), [])
        if not candidates:
            return None, {"kelurahan": _(MSG_KELURAHAN_UNKNOWN).format(value=kelurahan_text)}
        inside = [k for k in candidates if k.kecamatan_id == kecamatan.pk]
        if not inside:
            message = _(MSG_KELURAHAN_OUTSIDE).format(kelurahan=candidates[0].name, kecamatan=kecamatan.name)
            return None, {"kelurahan": message}
        return inside[0], {}


def _facilitators(scope: ImportScope | None = None) -> dict[str, int]:
    """username (any case) -> user id, for users in the pendamping role of the run's area."""
    users = (scope or ImportScope()).users().filter(groups__name=ROLE_FACILITATOR).values_list("pk", "username")
    found: dict[str, int] = {}
    for pk, username in users:
        found.setdefault(username.lower(), pk)
        found[username] = pk
    return found


# --- kelompok ------------------------------------------------------------------

# Columns read straight into a Kube field (the rest need a lookup).
KUBE_COLUMNS = {
    "nama_kube": "name",
    "rt": "rt",
    "alamat": "address",
    "tanggal_berdiri": "founded_on",
    "jenis_usaha": "business_field",
    "uraian_usaha": "business_description",
    "wilayah": "area_type",
    "prakarsa": "initiative",
    "status": "status",
    "lkm_koperasi": "financial_institution",
    "tanggal_lkm_koperasi": "financial_institution_on",
}
KUBE_COMPARED = (*KUBE_COLUMNS.values(), "kelurahan_id", "facilitator_id")
KUBE_COLUMN_OF = {name: column for column, name in KUBE_COLUMNS.items()}


@dataclass
class _KubePlan:
    row: int
    ref: KubeRef
    values: dict[str, Any]
    changes: dict[str, Any] | None = None  # None: a new group
    generate_number: bool = False


class KelompokSheet(Sheet):
    """One row per group, keyed by no_registrasi (generated when blank)."""

    no_registrasi = Field(attribute="no_registrasi", column_name="no_registrasi", widget=TextWidget(max_length=20))
    nama_kube = Field(attribute="name", column_name="nama_kube", widget=TextWidget(required=True, max_length=150))
    kecamatan = Field(attribute="kelurahan__kecamatan__name", column_name="kecamatan", widget=TextWidget(required=True))
    kelurahan = Field(attribute="kelurahan__name", column_name="kelurahan", widget=TextWidget(required=True))
    rt = Field(attribute="rt", column_name="rt", widget=TextWidget(max_length=10))
    alamat = Field(attribute="address", column_name="alamat", widget=TextWidget(max_length=255))
    tanggal_berdiri = Field(attribute="founded_on", column_name="tanggal_berdiri", widget=DateWidget(required=True))
    jenis_usaha = Field(
        attribute="business_field", column_name="jenis_usaha", widget=ChoiceWidget(BusinessField, required=True)
    )
    uraian_usaha = Field(attribute="business_description", column_name="uraian_usaha", widget=TextWidget())
    wilayah = Field(attribute="area_type", column_name="wilayah", widget=ChoiceWidget(AreaType))
    prakarsa = Field(attribute="initiative", column_name="prakarsa", widget=ChoiceWidget(Initiative))
    pendamping = Field(attribute="facilitator__username", column_name="pendamping", widget=TextWidget())
    status = Field(attribute="status", column_name="status", widget=ChoiceWidget(KubeStatus))
    lkm_koperasi = Field(
        attribute="financial_institution",
        column_name="lkm_koperasi",
        widget=ChoiceWidget(FinancialInstitution, names={"lkm": "LKM", "koperasi": "koperasi"}),
    )
    tanggal_lkm_koperasi = Field(
        attribute="financial_institution_on", column_name="tanggal_lkm_koperasi", widget=DateWidget()
    )

    # Added by the export; read past without a warning.
    ignored_columns = ("jumlah_anggota", "kategori", "skor", "tanggal_penilaian")
    example_row = {
        "no_registrasi": "6474-2014-901",
        "nama_kube": "KUBE Contoh Mekar",
        "kecamatan": "Bontang Utara",
        "kelurahan": "Guntung",
        "rt": "07",
        "alamat": "Jl. Contoh No. 1",
        "tanggal_berdiri": "12-04-2014",
        "jenis_usaha": "produksi",
        "uraian_usaha": "Kompos padat, pupuk organik cair",
        "wilayah": "perkotaan",
        "prakarsa": "masyarakat",
        "pendamping": "pendamping1",
        "status": "aktif",
        "lkm_koperasi": "koperasi",
        "tanggal_lkm_koperasi": "12 Agustus 2017",
    }

    def plan_rows(self, rows: Iterator[tuple[int, dict]], total: int, ctx: ImportContext) -> None:
        self.plans: list[_KubePlan] = []
        self.scope = import_scope(ctx)
        self.regions = _Regions(self.scope)
        self.facilitators = _facilitators(self.scope)
        self.taken_elsewhere: set[str] = set()
        refs = _kube_refs(ctx)
        self.numbers_in_file: dict[str, int] = {}
        self.natural_keys_in_file: dict[tuple, int] = {}
        done = 0
        for block in chunked(rows, BLOCK):
            stored = self._prefetch(block)
            for number, row in block:
                self._plan_row(number, row, stored, refs, ctx)
            done += len(block)
            ctx.report_progress("validate", done, total)
        self._number_new_groups(refs)

    def plan_unreadable(self, ctx: ImportContext) -> None:
        # No row could be read; later sheets must not report its groups as unknown.
        ctx.state.setdefault("groups.kelompok_unreadable", True)

    def _prefetch(self, block: list[tuple[int, dict]]) -> dict[Any, dict]:
        """Stored groups the block may match: by number, and by (name, kelurahan, founded) when blank."""
        numbers, names = set(), set()
        for _number, row in block:
            text = _key_text(row.get("no_registrasi"))
            if text:
                numbers.add(text)
            else:
                names.add(_key_text(row.get("nama_kube")).lower())
        fields = ("pk", "no_registrasi", *KUBE_COMPARED)
        stored: dict[Any, dict] = {}
        kubes = self.scope.kubes()
        if numbers:
            for values in kubes.filter(no_registrasi__in=numbers).values(*fields):
                stored[values["no_registrasi"]] = values
            if not self.scope.is_everywhere:
                # Numbers out of sight: a new group may not take them (see _plan_row), and
                # the row is refused in the same words as a number of the wrong city.
                anywhere = Kube.objects.filter(no_registrasi__in=numbers).values_list("no_registrasi", flat=True)
                self.taken_elsewhere |= set(anywhere) - stored.keys()
        if names:
            candidates = kubes.annotate(lower_name=Lower("name")).filter(lower_name__in=names)
            for values in candidates.values(*fields):
                stored[(values["name"].lower(), values["kelurahan_id"], values["founded_on"])] = values
        return stored

    def _plan_row(self, number: int, row: dict, stored: dict, refs: dict[str, KubeRef], ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        no_registrasi = values.get("no_registrasi", "")
        if no_registrasi:
            first = self.numbers_in_file.get(no_registrasi)
            if first is not None:
                errors["no_registrasi"] = _(MSG_NUMBER_TWICE).format(number=no_registrasi, row=first)
            else:
                self.numbers_in_file[no_registrasi] = number
        given = {KUBE_COLUMNS[c]: v for c, v in values.items() if c in KUBE_COLUMNS and v not in ("", None)}
        kelurahan = None
        if "kecamatan" not in errors and "kelurahan" not in errors:
            kelurahan, region_errors = self.regions.resolve(values["kecamatan"], values["kelurahan"])
            errors.update(region_errors)
            if kelurahan is not None:
                given["kelurahan_id"] = kelurahan.pk
        username = values.get("pendamping")
        if username:
            facilitator = self.facilitators.get(username, self.facilitators.get(username.lower()))
            if facilitator is None:
                errors["pendamping"] = _(MSG_FACILITATOR_UNKNOWN).format(value=username)
            given["facilitator_id"] = facilitator

        current = None
        natural_key = None
        if no_registrasi:
            current = stored.get(no_registrasi)
        elif "kelurahan_id" in given and "founded_on" in given:
            natural_key = (given["name"].lower(), given["kelurahan_id"], given["founded_on"])
            current = stored.get(natural_key)
            first = self.natural_keys_in_file.get(natural_key)
            if first is not None:
                errors.setdefault("nama_kube", _(MSG_KUBE_TWICE).format(row=first))
            else:
                self.natural_keys_in_file[natural_key] = number
        if no_registrasi and current is None and kelurahan is not None and not self.scope.is_everywhere:
            # A user's new group carries its city's number and no number taken out of
            # sight: one answer for both, so a number never tells it exists elsewhere.
            digits = city_code_digits(kelurahan)
            if not no_registrasi.startswith(f"{digits}-") or no_registrasi in self.taken_elsewhere:
                errors.setdefault("no_registrasi", _(MSG_NUMBER_NOT_HERE).format(number=no_registrasi, digits=digits))
        merged = ({f: current[f] for f in KUBE_COMPARED} if current else {}) | given
        try:
            kube_fields_check(merged)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(KUBE_COLUMN_OF[name], messages[0])

        if errors:
            ctx.reject(number, errors)
            if no_registrasi and no_registrasi not in refs:
                refs[no_registrasi] = KubeRef(no_registrasi, None, values.get("nama_kube", ""), None, valid=False)
            elif no_registrasi:
                refs[no_registrasi].valid = False
            return

        if current is not None:
            no_registrasi = current["no_registrasi"]
            changes = {f: v for f, v in given.items() if current[f] != v}
            ref = KubeRef(no_registrasi, current["pk"], merged["name"], merged["founded_on"])
            plan = _KubePlan(number, ref, merged, changes=changes)
        else:
            ref = KubeRef(no_registrasi, None, merged["name"], merged["founded_on"])
            plan = _KubePlan(number, ref, merged, generate_number=not no_registrasi)
        ctx.tally(created=plan.changes is None, changed=bool(plan.changes))
        if no_registrasi:
            refs[no_registrasi] = ref
        self.plans.append(plan)

    def _number_new_groups(self, refs: dict[str, KubeRef]) -> None:
        """`<city>-<year founded>-<seq>` by each row's kelurahan's city (6474 Bontang, 6472
        Samarinda), continuing after stored numbers and those in the file."""
        waiting = [plan for plan in self.plans if plan.generate_number]
        if not waiting:
            return
        city_of_row = {id(plan): self.regions.city_digits[plan.values["kelurahan_id"]] for plan in waiting}
        highest: dict[tuple[str, str], int] = defaultdict(int)
        for city in sorted(set(city_of_row.values())):
            # Serialise numbering per city as kube_create does; the unique constraint is the last line.
            taken = list(
                Kube.objects.select_for_update()
                .filter(no_registrasi__startswith=f"{city}-")
                .values_list("no_registrasi", flat=True)
            )
            for number in [*taken, *self.numbers_in_file]:
                parts = number.split("-")
                if len(parts) == 3 and parts[0] == city and parts[2].isdigit():
                    highest[city, parts[1]] = max(highest[city, parts[1]], int(parts[2]))
        for plan in waiting:
            city, year = city_of_row[id(plan)], str(plan.values["founded_on"].year)
            highest[city, year] += 1
            plan.ref.no_registrasi = f"{city}-{year}-{highest[city, year]:03d}"
            refs[plan.ref.no_registrasi] = plan.ref

    def write(self, ctx: ImportContext) -> None:
        new = [plan for plan in self.plans if plan.changes is None]
        changes = {plan.ref.pk: plan.changes for plan in self.plans if plan.changes}
        done, total = 0, len(new) + len(changes)
        for block in chunked(new, BLOCK):
            rows = [{"no_registrasi": plan.ref.no_registrasi, **plan.values} for plan in block]
            for plan, pk in zip(block, insert_with_history(ctx, Kube, rows), strict=True):
                plan.ref.pk = pk
            done += len(block)
            ctx.report_progress("write", done, total)
        update_with_history(ctx, Kube, changes)
        ctx.report_progress("write", total, total)


# --- anggota -------------------------------------------------------------------

PERSON_COLUMNS = {
    "nama": "name",
    "jenis_kelamin": "sex",
    "tanggal_lahir": "birth_on",
    "no_kk": "kk",
    "telepon": "phone",
    "dtks": "is_dtks",
    "pkh": "is_pkh",
}
PERSON_DEFAULTS = {"kk": "", "phone": "", "birth_on": None, "is_dtks": False, "is_pkh": False}
MEMBERSHIP_COLUMNS = {
    "jabatan": "role",
    "tanggal_masuk": "joined_on",
    "tanggal_keluar": "left_on",
    "alasan_keluar": "leave_reason",
}
MEMBERSHIP_FIELDS = ("role", "joined_on", "left_on", "leave_reason")
PERSON_FIELDS = ("name", "sex", "birth_on", "kk", "phone", "is_dtks", "is_pkh")
COLUMN_OF = {v: k for k, v in {**PERSON_COLUMNS, **MEMBERSHIP_COLUMNS}.items()}
PERSON_ITEMS = tuple(PERSON_COLUMNS.items())
MEMBERSHIP_ITEMS = tuple(MEMBERSHIP_COLUMNS.items())


@dataclass(slots=True)
class _PersonPlan:
    nik: str
    pk: int | None
    current: dict[str, Any] | None
    given: dict[str, Any] = field(default_factory=dict)
    given_at: dict[str, int] = field(default_factory=dict)
    nik_birth_on: dt.date | None = None
    first_row: int = 0

    def final(self) -> dict[str, Any]:
        base = dict(self.current) if self.current else dict(PERSON_DEFAULTS)
        base |= self.given
        if base.get("birth_on") is None:
            base["birth_on"] = self.nik_birth_on
        return base

    def changes(self) -> dict[str, Any]:
        final = self.final()
        if self.current is None:
            return final
        return {f: final[f] for f in PERSON_FIELDS if self.current[f] != final[f]}


@dataclass(slots=True)
class _MembershipPlan:
    row: int
    person: _PersonPlan
    kube: KubeRef
    pk: int | None
    current: dict[str, Any] | None
    values: dict[str, Any]

    @property
    def changes(self) -> dict[str, Any]:
        if self.current is None:
            return dict(self.values)
        return {f: v for f, v in self.values.items() if self.current[f] != v}


def _match_membership(candidates: list[dict], values: dict[str, Any]) -> dict | None:
    """Which stored membership of this person in this group a row speaks about.

    The same join date; else the active one (a row may end it or correct it); else,
    for a row that gives no join date, the one that ended on the row's leaving date
    or the latest one. A row with a new join date and no active membership is a
    new stint.
    """
    if not candidates:
        return None
    joined_on, left_on = values.get("joined_on"), values.get("left_on")
    if joined_on is not None:
        for candidate in candidates:
            if candidate["joined_on"] == joined_on:
                return candidate
    active = [c for c in candidates if c["left_on"] is None]
    if active:
        return active[0]
    if joined_on is not None:
        return None
    if left_on is not None:
        for candidate in candidates:
            if candidate["left_on"] == left_on:
                return candidate
    return max(candidates, key=lambda c: (c["left_on"], c["pk"]))


class AnggotaSheet(Sheet):
    """One row per membership, keyed by NIK (and the group it names)."""

    no_registrasi = Field(
        attribute="kube__no_registrasi", column_name="no_registrasi", widget=TextWidget(required=True, max_length=20)
    )
    nik = Field(attribute="person__nik", column_name="nik", widget=TextWidget(required=True))
    no_kk = Field(attribute="person__kk", column_name="no_kk", widget=TextWidget())
    nama = Field(attribute="person__name", column_name="nama", widget=TextWidget(required=True, max_length=150))
    jenis_kelamin = Field(
        attribute="person__sex",
        column_name="jenis_kelamin",
        widget=ChoiceWidget(
            Sex, required=True, names={"L": "L", "P": "P"}, aliases={"pria": "L", "laki laki": "L", "wanita": "P"}
        ),
    )
    tanggal_lahir = Field(attribute="person__birth_on", column_name="tanggal_lahir", widget=DateWidget())
    jabatan = Field(attribute="role", column_name="jabatan", widget=ChoiceWidget(Role, required=True))
    tanggal_masuk = Field(attribute="joined_on", column_name="tanggal_masuk", widget=DateWidget())
    tanggal_keluar = Field(attribute="left_on", column_name="tanggal_keluar", widget=DateWidget())
    alasan_keluar = Field(
        attribute="leave_reason",
        column_name="alasan_keluar",
        widget=ChoiceWidget(LeaveReason, aliases={"lulus": "mampu", "meninggal dunia": "meninggal"}),
    )
    dtks = Field(attribute="person__is_dtks", column_name="dtks", widget=BooleanWidget())
    pkh = Field(attribute="person__is_pkh", column_name="pkh", widget=BooleanWidget())
    telepon = Field(attribute="person__phone", column_name="telepon", widget=TextWidget(max_length=30))

    example_row = {
        "no_registrasi": "6474-2014-901",
        "nik": "6474 0157 0580 0901",
        "no_kk": "6474 0112 1500 0123",
        "nama": "Siti Contoh",
        "jenis_kelamin": "P",
        "tanggal_lahir": "17-05-1980",
        "jabatan": "ketua",
        "tanggal_masuk": "12-04-2014",
        "tanggal_keluar": "",
        "alasan_keluar": "",
        "dtks": "ya",
        "pkh": "tidak",
        "telepon": "0812 5555 0101",
    }

    def plan_rows(self, rows: Iterator[tuple[int, dict]], total: int, ctx: ImportContext) -> None:
        self.persons: dict[str, _PersonPlan] = {}
        self.plans: list[_MembershipPlan] = []
        self.invalid_rows: set[int] = set()
        # person pk -> stored memberships (all groups); kube pk -> stored active officers
        self.stored_memberships: dict[int, list[dict]] = defaultdict(list)
        self.stored_officers: dict[int, list[dict]] = {}
        self.looked_up: set[str] = set()
        self.claimed: dict[int, int] = {}  # stored membership pk -> row
        self.scope = import_scope(ctx)
        refs = _kube_refs(ctx)
        done = 0
        for block in chunked(rows, BLOCK):
            stored_persons = self._prefetch(block, ctx)
            for number, row in block:
                self._plan_row(number, row, stored_persons, refs, ctx)
            done += len(block)
            ctx.report_progress("validate", done, total)
        self._check_active_once(ctx)
        self._check_officers(ctx)
        self._count(ctx)

    def _prefetch(self, block: list[tuple[int, dict]], ctx: ImportContext) -> dict[str, dict]:
        numbers, niks = set(), set()
        for _number, row in block:
            numbers.add(_key_text(row.get("no_registrasi")))
            nik = normalize_id_number(row.get("nik"))
            if nik not in self.looked_up:
                niks.add(nik)
        numbers.discard("")
        _load_kube_refs(ctx, numbers)
        self.looked_up |= niks
        stored: dict[str, dict] = {}
        for values in Person.objects.filter(nik__in=niks).values("pk", "nik", *PERSON_FIELDS):
            stored[values["nik"]] = values
        person_pks = [values["pk"] for values in stored.values()]
        if person_pks:
            memberships = Membership.objects.filter(person_id__in=person_pks).values(
                "pk", "person_id", "kube_id", *MEMBERSHIP_FIELDS, "kube__name", city=F(f"kube__{KUBE_CITY}__code")
            )
            for values in memberships:
                self.stored_memberships[values["person_id"]].append(values)
        refs = _kube_refs(ctx)
        kube_pks = {refs[n].pk for n in numbers if n in refs and refs[n].pk and refs[n].pk not in self.stored_officers}
        for pk in kube_pks:
            self.stored_officers[pk] = []
        if kube_pks:
            officers = Membership.objects.filter(
                kube_id__in=kube_pks, left_on__isnull=True, role__in=[r.value for r in OFFICER_ROLES]
            ).values("pk", "kube_id", "role", "person__name")
            for values in officers:
                self.stored_officers[values["kube_id"]].append(values)
        return stored

    def _plan_row(self, number: int, row: dict, stored_persons: dict, refs: dict, ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        info = None
        if "nik" not in errors:
            try:
                info = parse_nik(values["nik"], today=ctx.today)
            except IdNumberError as exc:
                errors["nik"] = str(exc)
        if info is not None:
            problems = nik_disagreements(info, sex=values.get("jenis_kelamin"), birth_on=values.get("tanggal_lahir"))
            for name, message in problems.items():
                errors.setdefault(COLUMN_OF[name], message)
        kk_warnings: list[str] = []
        if values.get("no_kk"):
            try:
                values["no_kk"], kk_warnings = parse_kk(values["no_kk"])
            except IdNumberError as exc:
                errors.setdefault("no_kk", str(exc))
        kube = kube_ref_for_row(values, refs, ctx, errors)

        person = None
        if info is not None and not errors and not self._in_reach(stored_persons.get(info.nik)):
            # A person known only in another city: their data is neither shown nor written.
            errors["nik"] = _(MSG_NIK_REGISTERED_ELSEWHERE)
        if info is not None and not errors:
            person = self.persons.get(info.nik)
            if person is None:
                current = stored_persons.get(info.nik)
                person = _PersonPlan(
                    nik=info.nik,
                    pk=current["pk"] if current else None,
                    current={f: current[f] for f in PERSON_FIELDS} if current else None,
                    nik_birth_on=info.birth_on,
                    first_row=number,
                )
                self.persons[info.nik] = person
                if info.warnings or kk_warnings:
                    for warning in [*info.warnings, *kk_warnings]:
                        ctx.warning(number, "nik" if warning in info.warnings else "no_kk", warning)
                for column in ("nik", "no_kk"):
                    if isinstance(row.get(column), float):
                        ctx.warning(number, column, _(MSG_ID_AS_NUMBER))
            given = {}
            for column, attr in PERSON_ITEMS:
                value = values.get(column)
                if value is not None and value != "":
                    given[attr] = value
            if not person.given:  # the person's first row, by far the common case
                person.given = given
                person.given_at = dict.fromkeys(given, number)
            else:
                for name, value in given.items():
                    if name in person.given and person.given[name] != value:
                        other = _display(person.given[name])
                        errors.setdefault(
                            COLUMN_OF[name], _(MSG_PERSON_DIFFERS).format(row=person.given_at[name], other=other)
                        )
                if errors:
                    person = None
                else:
                    for name, value in given.items():
                        person.given.setdefault(name, value)
                        person.given_at.setdefault(name, number)

        plan = None
        if person is not None:
            plan = self._plan_membership(number, values, person, kube, errors, ctx)

        if errors or plan is None:
            for column, message in errors.items():
                ctx.error(number, column, message)
            self.invalid_rows.add(number)
            return
        self.plans.append(plan)

    def _in_reach(self, stored_person: dict | None) -> bool:
        """A stored person this run may write: new, member nowhere, or member (now or once)
        of a group in the run's area. One whose memberships all lie in other cities is
        refused with the neutral message: a person row is national, their data is not."""
        if stored_person is None or self.scope.is_everywhere:
            return True
        memberships = self.stored_memberships.get(stored_person["pk"], [])
        return not memberships or any(self.scope.holds_city(m["city"]) for m in memberships)

    def _plan_membership(
        self, number: int, values: dict, person: _PersonPlan, kube: KubeRef, errors: dict, ctx: ImportContext
    ) -> _MembershipPlan | None:
        given = {}
        for column, attr in MEMBERSHIP_ITEMS:
            value = values.get(column)
            if value is not None and value != "":
                given[attr] = value
        candidates = [c for c in self.stored_memberships.get(person.pk, []) if kube.pk and c["kube_id"] == kube.pk]
        current = _match_membership(candidates, given)
        if current is not None:
            first = self.claimed.get(current["pk"])
            if first is not None:
                errors["nik"] = _(MSG_ROW_REPEATS).format(row=first)
                return None
            self.claimed[current["pk"]] = number
            final = {f: current[f] for f in MEMBERSHIP_FIELDS} | given
        else:
            final = {"role": Role.ANGGOTA, "joined_on": None, "left_on": None, "leave_reason": ""} | given
        problems = leaving_problems(left_on=final["left_on"], leave_reason=final["leave_reason"])
        problems |= membership_date_problems(
            joined_on=final["joined_on"], left_on=final["left_on"], founded_on=kube.founded_on, today=ctx.today
        )
        errors.update({COLUMN_OF[name]: message for name, message in problems.items()})
        if errors:
            return None
        stored = {f: current[f] for f in MEMBERSHIP_FIELDS} if current else None
        return _MembershipPlan(number, person, kube, current["pk"] if current else None, stored, final)

    def _fail(self, ctx: ImportContext, plan: _MembershipPlan, column: str, message: str) -> None:
        ctx.error(plan.row, column, message)
        self.invalid_rows.add(plan.row)

    def _check_active_once(self, ctx: ImportContext) -> None:
        """After the whole file: nobody ends up active in two groups (file and registry together)."""
        plans_by_person: dict[str, list[_MembershipPlan]] = defaultdict(list)
        for plan in self.plans:
            plans_by_person[plan.person.nik].append(plan)
        for nik, plans in plans_by_person.items():
            person = self.persons[nik]
            touched = {plan.pk for plan in plans if plan.pk}
            stored_active = [
                m for m in self.stored_memberships.get(person.pk, []) if m["left_on"] is None and m["pk"] not in touched
            ]
            active = [plan for plan in plans if plan.values["left_on"] is None]
            if not stored_active and len(active) <= 1:
                continue
            first = None
            if stored_active:
                holder = stored_active[0]
                if self.scope.holds_city(holder["city"]):
                    message = active_elsewhere_message(
                        name=person.final()["name"], nik=nik, kube_name=holder["kube__name"]
                    )
                else:  # active in another city: one active group per person nationwide, said neutrally
                    message = _(MSG_NIK_REGISTERED_ELSEWHERE)
                for plan in active:
                    self._fail(ctx, plan, "nik", message)
                continue
            first = active[0]
            for plan in active[1:]:
                if plan.kube is first.kube:
                    self._fail(ctx, plan, "nik", _(MSG_ROW_REPEATS).format(row=first.row))
                else:
                    message = _(MSG_ACTIVE_TWICE_IN_FILE).format(kube=first.kube.name, row=first.row)
                    self._fail(ctx, plan, "nik", message)

    def _check_officers(self, ctx: ImportContext) -> None:
        """After the whole file: one active ketua, sekretaris and bendahara per group."""
        touched = {plan.pk for plan in self.plans if plan.pk}
        by_kube: dict[int, list[_MembershipPlan]] = defaultdict(list)
        for plan in self.plans:
            if (
                plan.values["left_on"] is None
                and holds_one_place(plan.values["role"])
                and plan.row not in self.invalid_rows
            ):
                by_kube[id(plan.kube)].append(plan)
        for plans in by_kube.values():
            kube = plans[0].kube
            holders: dict[str, Any] = {}
            for officer in self.stored_officers.get(kube.pk, []) if kube.pk else []:
                if officer["pk"] not in touched:
                    holders.setdefault(officer["role"], officer)
            for plan in plans:
                role = plan.values["role"]
                holder = holders.get(role)
                if holder is None:
                    holders[role] = plan
                    continue
                if isinstance(holder, dict):
                    message = role_taken_message(role, holder["person__name"])
                else:
                    name = holder.person.final()["name"]
                    label = Role(role).label.lower()
                    message = _(MSG_ROLE_TAKEN_IN_FILE).format(role=label, name=name, row=holder.row)
                self._fail(ctx, plan, "jabatan", message)

    def _count(self, ctx: ImportContext) -> None:
        counts = ctx.counts
        counts.invalid += len(self.invalid_rows)
        self.plans = [plan for plan in self.plans if plan.row not in self.invalid_rows]
        for plan in self.plans:
            changed = bool(plan.changes) or (plan.row == plan.person.first_row and bool(plan.person.changes()))
            counts.tally(created=plan.pk is None, changed=changed)

    def write(self, ctx: ImportContext) -> None:
        new_persons = [p for p in self.persons.values() if p.pk is None and p.given]
        changed_persons = {p.pk: p.changes() for p in self.persons.values() if p.pk is not None}
        changed_persons = {pk: changes for pk, changes in changed_persons.items() if changes}
        new_memberships = [plan for plan in self.plans if plan.pk is None]
        changed_memberships = {plan.pk: plan.changes for plan in self.plans if plan.pk and plan.changes}
        total = len(new_persons) + len(changed_persons) + len(new_memberships) + len(changed_memberships)
        done = 0
        for block in chunked(new_persons, BLOCK):
            rows = [{"nik": person.nik, **person.final()} for person in block]
            for person, pk in zip(block, insert_with_history(ctx, Person, rows), strict=True):
                person.pk = pk
            done += len(block)
            ctx.report_progress("write", done, total)
        update_with_history(ctx, Person, changed_persons)
        done += len(changed_persons)
        self._release_places(ctx, changed_memberships)
        update_with_history(ctx, Membership, changed_memberships)
        done += len(changed_memberships)
        for block in chunked(new_memberships, BLOCK):
            rows = [{"person_id": plan.person.pk, "kube_id": plan.kube.pk, **plan.values} for plan in block]
            insert_with_history(ctx, Membership, rows)
            done += len(block)
            ctx.report_progress("write", done, total)

    def _release_places(self, ctx: ImportContext, changes: dict[int, dict[str, Any]]) -> None:
        """Free officer places and active memberships before any row takes them.

        The database checks each row as it is written, so swapping two officers or
        moving a member in one statement could trip the constraints midway. The
        intermediate values go in without history; the final write records it.
        """
        by_pk = {plan.pk: plan for plan in self.plans if plan.pk}
        release = {}
        for pk, change in changes.items():
            plan = by_pk[pk]
            if plan.current["left_on"] is None and ("role" in change or "left_on" in change):
                release[pk] = plan.values | ({"role": Role.ANGGOTA} if "role" in change else {})
        update_with_history(ctx, Membership, release, history=False)


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)
