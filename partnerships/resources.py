"""The `kemitraan` sheet of the import workbook (contract 4); its export is partnerships/exports.py.

One row per partnership: the group (`no_registrasi`), the partner (`mitra`, matched by
its name key, so case, spacing and punctuation do not matter, nor the old name of a
partner merged into another; registered when new, with `jenis_mitra`), its forms
(`bentuk`, comma-separated), `mulai` and optional `selesai`.

Rows are keyed by (no_registrasi, mitra) as the contract says; as a group may work
with the same partner again after a break, a row speaks about the stored partnership
of that group and partner with the same start date, else the one still running (the
row may end or correct it), else it is a new period. The rules of the services hold
across the file and the registry together: one running partnership per group and
partner, no overlapping periods, no dates in the future or before the group was
founded. An import adds and corrects; it never erases.

Everything is within the importing user's city (issue 19; without a user, as for the
command line, the installation's city): partners are looked up by name key in that
city's list and new ones join it, and a row naming a group of another city is refused
with the very message of an unknown number, so the file cannot tell one from the other.
The helpers of that rule (`import_area`, `import_city_id`, `load_kube_refs_in_area`,
`kube_ref_in_area`) serve the monitoring sheets too.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.areas import KUBE_CITY, Area, area_of, city_of, home_area
from groups.models import City, Kube
from groups.resources import (
    MSG_KUBE_INVALID,
    MSG_KUBE_UNKNOWN,
    KubeRef,
    _key_text,
    _kube_refs,
    _load_kube_refs,
    kube_ref_for_row,
)
from kube_registry.importing import (
    MSG_CHOICE,
    MSG_REQUIRED,
    ChoiceWidget,
    DateWidget,
    Field,
    ImportContext,
    Sheet,
    TextWidget,
    Widget,
    chunked,
    insert_with_history,
    update_with_history,
)

from .models import FORM_FIELDS, Partner, PartnerKind, PartnerMerge, Partnership, PartnershipForm, partner_name_clean
from .models import partner_name_key as name_key
from .rules import period_date_problems, same_city_problem
from .services import MSG_NAME_EMPTY

MSG_KIND_FOR_NEW = gettext_noop("Mitra “{name}” belum terdaftar: isi jenis_mitra agar dapat didaftarkan.")
MSG_KIND_DIFFERS_IN_FILE = gettext_noop("Mitra baru “{name}” ditulis berjenis “{other}” di baris {row}.")
MSG_KIND_IGNORED = gettext_noop("Mitra “{name}” sudah terdaftar berjenis {kind}; jenis_mitra di baris ini diabaikan.")
MSG_NEW_PARTNER = gettext_noop("Mitra baru akan didaftarkan: “{name}” ({kind}). Periksa bila ini salah ketik.")
MSG_ROW_REPEATS = gettext_noop("Kemitraan ini (mitra dan tanggal mulai yang sama) sudah tercantum di baris {row}.")
MSG_OPEN_TWICE = gettext_noop(
    "KUBE ini sudah memiliki kemitraan berjalan dengan {partner} ({where}); isi selesai untuk salah satunya."
)
MSG_OVERLAPS = gettext_noop("Periode ini bertumpang tindih dengan kemitraan {partner} {start} – {end} ({where}).")
MSG_WHERE_ROW = gettext_noop("baris {row}")
MSG_WHERE_STORED = gettext_noop("tersimpan di registri")
MSG_NO_CITY = gettext_noop(
    "Impor ini mencatat data sebuah kota: hanya pengguna yang bekerja di satu kota yang dapat mengimpornya."
)

BLOCK = 2_000
FORMS = tuple(PartnershipForm)
PERIOD_FIELDS = ("started_on", "ended_on", *FORM_FIELDS.values())


def _day(day: dt.date) -> str:
    return date_format(day, "j M Y")


# --- The importing user's city ----------------------------------------------------------

STATE_AREA = "areas.area"
STATE_CITY = "areas.city_id"
STATE_CHECKED = "areas.kubes_checked"  # kube pks whose city was looked up
STATE_OUTSIDE = "areas.kubes_outside"  # those of them outside the importer's area


def import_area(ctx: ImportContext) -> Area:
    """The area the run reads in: the actor's, or the installation's city without one."""
    if STATE_AREA not in ctx.state:
        ctx.state[STATE_AREA] = area_of(ctx.actor) if ctx.actor is not None else home_area()
    return ctx.state[STATE_AREA]


def import_city_id(ctx: ImportContext) -> int | None:
    """The city new partners and trainings of the run belong to (None: the actor has no
    city of their own, a province's or the country's reader, who may record nothing)."""
    if STATE_CITY not in ctx.state:
        if ctx.actor is None:
            city = City.objects.filter(code=settings.KUBE_CITY_CODE).first()
        else:
            city = city_of(ctx.actor)
        ctx.state[STATE_CITY] = city.pk if city is not None else None
    return ctx.state[STATE_CITY]


def refuse_every_row(rows: Iterator[tuple[int, dict]], ctx: ImportContext) -> None:
    """No city to record in: each row refused, with the reason."""
    for number, _row in rows:
        ctx.reject(number, {"": _(MSG_NO_CITY)})


def load_kube_refs_in_area(ctx: ImportContext, numbers: set[str]) -> dict[str, KubeRef]:
    """The groups `numbers` name (groups.resources' shared refs), and which stored ones lie
    outside the importer's area (one query a block)."""
    _load_kube_refs(ctx, numbers)
    refs = _kube_refs(ctx)
    checked = ctx.state.setdefault(STATE_CHECKED, set())
    outside = ctx.state.setdefault(STATE_OUTSIDE, set())
    pks = {refs[n].pk for n in numbers if n in refs and refs[n].pk} - checked
    if pks:
        inside = set(Kube.objects.filter(pk__in=pks).filter(import_area(ctx).q(KUBE_CITY)).values_list("pk", flat=True))
        outside |= pks - inside
        checked |= pks
    return refs


def kube_ref_in_area(values: dict, refs: dict[str, KubeRef], ctx: ImportContext, errors: dict) -> KubeRef | None:
    """`kube_ref_for_row`, a group of another city reading exactly as an unknown number."""
    kube = kube_ref_for_row(values, refs, ctx, errors)
    if kube is not None and kube.pk is not None and kube.pk in ctx.state.get(STATE_OUTSIDE, ()):
        unreadable = ctx.state.get("groups.kelompok_unreadable")
        number = values["no_registrasi"]
        errors["no_registrasi"] = _(MSG_KUBE_INVALID if unreadable else MSG_KUBE_UNKNOWN).format(number=number)
        return None
    return kube


def kube_pks_outside_city(kube_pks, city_id: int) -> set[int]:
    """Of `kube_pks` (groups this file's kelompok sheet has just written, say), those not in `city_id`."""
    kube_pks = set(kube_pks)
    if not kube_pks:
        return set()
    inside = Kube.objects.filter(pk__in=kube_pks, **{f"{KUBE_CITY}_id": city_id}).values_list("pk", flat=True)
    return kube_pks - set(inside)


class FormsWidget(Widget):
    """`bentuk`: forms separated by commas (or semicolons), each matched like an enumeration."""

    def __init__(self, *, required: bool = False):
        self.required = required
        self.one = ChoiceWidget(
            PartnershipForm,
            aliases={"konsultasi": "konsultasi_teknis", "modal": "permodalan", "bantuan modal": "permodalan"},
        )

    def clean(self, value, row=None, **kwargs) -> list[str]:
        text = "" if value is None else str(value).strip()
        parts = [part for part in re.split(r"[,;/]+", text) if part.strip()]
        if not parts:
            if self.required:
                raise ValueError(_(MSG_REQUIRED))
            return []
        found = set()
        for part in parts:
            try:
                found.add(self.one.clean(part))
            except ValueError:
                raise ValueError(_(MSG_CHOICE).format(value=part.strip(), options=self.one.options)) from None
        return [form.value for form in FORMS if form.value in found]

    def render(self, value, obj=None, **kwargs) -> str:
        return ", ".join(self.one.render(form) for form in value or [])


@dataclass(slots=True)
class _PartnerRef:
    """A partner as the sheet sees it: stored, or registered by this file."""

    key: str
    pk: int | None
    name: str
    kind: str
    first_row: int = 0


@dataclass(slots=True)
class _Plan:
    row: int
    kube: KubeRef
    partner: _PartnerRef
    values: dict[str, Any]  # started_on, ended_on and the form flags
    pk: int | None = None  # the stored partnership this row speaks about
    current: dict[str, Any] | None = None

    @property
    def changes(self) -> dict[str, Any]:
        if self.current is None:
            return dict(self.values)
        return {f: v for f, v in self.values.items() if self.current[f] != v}


class KemitraanSheet(Sheet):
    """One row per partnership of a group with a partner, keyed by (no_registrasi, mitra)."""

    no_registrasi = Field(
        attribute="kube__no_registrasi", column_name="no_registrasi", widget=TextWidget(required=True, max_length=20)
    )
    mitra = Field(attribute="partner__name", column_name="mitra", widget=TextWidget(required=True, max_length=200))
    jenis_mitra = Field(
        attribute="partner__kind",
        column_name="jenis_mitra",
        widget=ChoiceWidget(
            PartnerKind,
            names={kind: kind for kind in PartnerKind.values},
            aliases={
                "dinas": "pemerintah",
                "pemda": "pemerintah",
                "perusahaan": "swasta",
                "csr": "swasta",
                "yayasan": "lsm",
                "ngo": "lsm",
                "bank": "lembaga_keuangan",
                "koperasi": "lembaga_keuangan",
                "ormas": "masyarakat",
                "universitas": "perguruan_tinggi",
                "kampus": "perguruan_tinggi",
            },
        ),
    )
    bentuk = Field(attribute="forms", column_name="bentuk", widget=FormsWidget(required=True))
    mulai = Field(attribute="started_on", column_name="mulai", widget=DateWidget(required=True))
    selesai = Field(attribute="ended_on", column_name="selesai", widget=DateWidget())

    example_row = {
        "no_registrasi": "6474-2014-901",
        "mitra": "Dinas Sosial dan Pemberdayaan Masyarakat",
        "jenis_mitra": "pemerintah",
        "bentuk": "konsultasi teknis, koordinasi, pendampingan",
        "mulai": "14-04-2014",
        "selesai": "",
    }

    # --- planning ---------------------------------------------------------------------

    def plan_rows(self, rows: Iterator[tuple[int, dict]], total: int, ctx: ImportContext) -> None:
        self.plans: list[_Plan] = []
        self.invalid_rows: set[int] = set()
        self.city_id = import_city_id(ctx)
        if self.city_id is None:
            refuse_every_row(rows, ctx)
            self.new_partners = {}
            return
        self.partners = self._load_partners(self.city_id)
        self.new_partners: dict[str, _PartnerRef] = {}
        self.stored: dict[tuple[int, int], list[dict]] = defaultdict(list)  # (kube pk, partner pk) -> rows
        self.looked_up: set[int] = set()
        self.keys_in_file: dict[tuple, int] = {}
        refs = _kube_refs(ctx)
        done = 0
        for block in chunked(rows, BLOCK):
            self._prefetch(block, ctx)
            for number, row in block:
                self._plan_row(number, row, refs, ctx)
            done += len(block)
            ctx.report_progress("validate", done, total)
        self._match_stored()
        self._check_periods(ctx)
        self._count(ctx)

    @staticmethod
    def _load_partners(city_id: int) -> dict[str, _PartnerRef]:
        """Every stored partner of the city by name key, and the old names of merged ones."""
        stored = Partner.objects.filter(city_id=city_id).values_list("pk", "name_key", "name", "kind")
        partners = {key: _PartnerRef(key, pk, name, kind) for pk, key, name, kind in stored}
        by_pk = {ref.pk: ref for ref in partners.values()}
        merges = PartnerMerge.objects.filter(kept__city_id=city_id)
        for old_key, kept_id in merges.values_list("removed_name_key", "kept_id"):
            if old_key not in partners and kept_id in by_pk:
                partners[old_key] = by_pk[kept_id]
        return partners

    def _prefetch(self, block: list[tuple[int, dict]], ctx: ImportContext) -> None:
        """The groups the block names, and their stored partnerships."""
        numbers = {_key_text(row.get("no_registrasi")) for _number, row in block} - {""}
        refs = load_kube_refs_in_area(ctx, numbers)
        outside = ctx.state[STATE_OUTSIDE]
        kube_pks = {refs[n].pk for n in numbers if n in refs and refs[n].pk} - self.looked_up - outside
        self.looked_up |= kube_pks
        if kube_pks:
            stored = Partnership.objects.filter(kube_id__in=kube_pks)
            for values in stored.values("pk", "kube_id", "partner_id", *PERIOD_FIELDS):
                self.stored[(values["kube_id"], values["partner_id"])].append(values)

    def _partner(self, number: int, values: dict, ctx: ImportContext, errors: dict) -> _PartnerRef | None:
        name = partner_name_clean(values["mitra"])
        key = name_key(name)
        if not key:
            errors["mitra"] = _(MSG_NAME_EMPTY)
            return None
        kind = values.get("jenis_mitra", "")
        partner = self.partners.get(key)
        if partner is not None:
            if kind and kind != partner.kind:
                if partner.pk is not None:
                    label = PartnerKind(partner.kind).label.lower()
                    ctx.warning(number, "jenis_mitra", _(MSG_KIND_IGNORED).format(name=partner.name, kind=label))
                else:
                    errors["jenis_mitra"] = _(MSG_KIND_DIFFERS_IN_FILE).format(
                        name=partner.name, other=partner.kind, row=partner.first_row
                    )
            return partner
        if "jenis_mitra" in errors:
            return None
        if not kind:
            errors["jenis_mitra"] = _(MSG_KIND_FOR_NEW).format(name=name)
            return None
        partner = _PartnerRef(key, None, name, kind, first_row=number)
        self.partners[key] = self.new_partners[key] = partner
        label = PartnerKind(kind).label.lower()
        ctx.warning(number, "mitra", _(MSG_NEW_PARTNER).format(name=name, kind=label))
        return partner

    def _plan_row(self, number: int, row: dict, refs: dict[str, KubeRef], ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        kube = kube_ref_in_area(values, refs, ctx, errors)
        partner = self._partner(number, values, ctx, errors) if "mitra" not in errors else None
        started_on, ended_on = values.get("mulai"), values.get("selesai")
        founded_on = kube.founded_on if kube is not None else None
        problems = period_date_problems(
            started_on=started_on, ended_on=ended_on, founded_on=founded_on, today=ctx.today
        )
        for name, message in problems.items():
            errors.setdefault("mulai" if name == "started_on" else "selesai", message)

        plan = None
        if not errors and kube is not None and partner is not None:
            key = (kube.no_registrasi, partner.key, started_on)
            first = self.keys_in_file.get(key)
            if first is not None:
                errors["mitra"] = _(MSG_ROW_REPEATS).format(row=first)
            else:
                self.keys_in_file[key] = number
                forms = set(values["bentuk"])
                flags = {field: form in forms for form, field in FORM_FIELDS.items()}
                plan = _Plan(number, kube, partner, {"started_on": started_on, "ended_on": ended_on, **flags})
        if errors or plan is None:
            for column, message in errors.items():
                ctx.error(number, column, message)
            self.invalid_rows.add(number)
            return
        self.plans.append(plan)

    def _match_stored(self) -> None:
        """After the whole file: which stored partnership each row speaks about.

        First the rows whose start date is a stored one's; then the running stored one
        goes to the first row left whose period does not end before it began (the row
        corrects or ends it). Every other row is a new period.
        """
        by_pair: dict[tuple[int, int], list[_Plan]] = defaultdict(list)
        for plan in self.plans:
            if plan.kube.pk is not None and plan.partner.pk is not None:
                by_pair[(plan.kube.pk, plan.partner.pk)].append(plan)
        for pair, plans in by_pair.items():
            candidates = {c["pk"]: c for c in self.stored.get(pair, [])}
            starts = {c["started_on"]: c for c in candidates.values()}
            left = []
            for plan in plans:
                found = starts.get(plan.values["started_on"])
                if found is not None:
                    self._claim(plan, candidates.pop(found["pk"]))
                else:
                    left.append(plan)
            running = next((c for c in candidates.values() if c["ended_on"] is None), None)
            if running is None:
                continue
            for plan in left:
                ended_on = plan.values["ended_on"]
                if ended_on is None or ended_on >= running["started_on"]:
                    self._claim(plan, running)
                    break

    @staticmethod
    def _claim(plan: _Plan, stored: dict) -> None:
        plan.pk, plan.current = stored["pk"], {f: stored[f] for f in PERIOD_FIELDS}

    def _check_periods(self, ctx: ImportContext) -> None:
        """After the whole file: per group and partner, one running period and no overlaps."""
        by_pair: dict[tuple, list[_Plan]] = defaultdict(list)
        for plan in self.plans:
            by_pair[(id(plan.kube), plan.partner.key)].append(plan)
        for plans in by_pair.values():
            kube, partner = plans[0].kube, plans[0].partner
            touched = {plan.pk for plan in plans if plan.pk}
            # (start, end, where) of every period that will stand, stored ones first.
            periods: list[tuple[dt.date, dt.date | None, str]] = []
            if kube.pk and partner.pk:
                for stored in self.stored.get((kube.pk, partner.pk), []):
                    if stored["pk"] not in touched:
                        periods.append((stored["started_on"], stored["ended_on"], _(MSG_WHERE_STORED)))
            for plan in sorted(plans, key=lambda p: p.row):
                start, end = plan.values["started_on"], plan.values["ended_on"]
                for other_start, other_end, where in periods:
                    if end is None and other_end is None:
                        message = _(MSG_OPEN_TWICE).format(partner=partner.name, where=where)
                    elif (other_end is None or start <= other_end) and (end is None or other_start <= end):
                        message = _(MSG_OVERLAPS).format(
                            partner=partner.name,
                            start=_day(other_start),
                            end=_day(other_end) if other_end else _("sekarang"),
                            where=where,
                        )
                    else:
                        continue
                    # Two running periods: the fix is an end date; an overlap: the dates.
                    column = "selesai" if end is None and other_end is None else "mulai"
                    ctx.error(plan.row, column, message)
                    self.invalid_rows.add(plan.row)
                    break
                else:
                    periods.append((start, end, _(MSG_WHERE_ROW).format(row=plan.row)))

    def _count(self, ctx: ImportContext) -> None:
        counts = ctx.counts
        counts.invalid += len(self.invalid_rows)
        self.plans = [plan for plan in self.plans if plan.row not in self.invalid_rows]
        used = {plan.partner.key for plan in self.plans}
        self.new_partners = {key: ref for key, ref in self.new_partners.items() if key in used}
        for plan in self.plans:
            counts.tally(created=plan.pk is None, changed=bool(plan.changes))

    # --- writing ----------------------------------------------------------------------

    def _check_cities(self, ctx: ImportContext) -> None:
        """Groups this file's kelompok sheet registered: in the partners' city too, or the run rolls back."""
        new_kubes = {plan.kube.pk for plan in self.plans if plan.kube.pk not in ctx.state.get(STATE_CHECKED, ())}
        outside = kube_pks_outside_city(new_kubes, self.city_id)
        for plan in self.plans:
            if plan.kube.pk in outside:
                ctx.error(plan.row, "no_registrasi", same_city_problem(None, self.city_id))

    def write(self, ctx: ImportContext) -> None:
        if not self.plans:
            return
        self._check_cities(ctx)
        new_partners = list(self.new_partners.values())
        rows = [{"city_id": self.city_id, "name": p.name, "name_key": p.key, "kind": p.kind} for p in new_partners]
        for partner, pk in zip(new_partners, insert_with_history(ctx, Partner, rows), strict=True):
            partner.pk = pk
        changes = {plan.pk: plan.changes for plan in self.plans if plan.pk and plan.changes}
        # Periods that end go first: a period reopened in the same file then finds its place free.
        ending = {pk: c for pk, c in changes.items() if c.get("ended_on") is not None}
        update_with_history(ctx, Partnership, ending)
        update_with_history(ctx, Partnership, {pk: c for pk, c in changes.items() if pk not in ending})
        new = [plan for plan in self.plans if plan.pk is None]
        done, total = len(changes), len(changes) + len(new)
        for block in chunked(new, BLOCK):
            rows = [{"kube_id": plan.kube.pk, "partner_id": plan.partner.pk, **plan.values} for plan in block]
            insert_with_history(ctx, Partnership, rows)
            done += len(block)
            ctx.report_progress("write", done, total)
