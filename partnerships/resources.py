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
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.resources import (
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
from .rules import period_date_problems
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

BLOCK = 2_000
FORMS = tuple(PartnershipForm)
PERIOD_FIELDS = ("started_on", "ended_on", *FORM_FIELDS.values())


def _day(day: dt.date) -> str:
    return date_format(day, "j M Y")


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
        self.partners = self._load_partners()
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
    def _load_partners() -> dict[str, _PartnerRef]:
        """Every stored partner by name key, and the old names of merged ones."""
        partners = {
            key: _PartnerRef(key, pk, name, kind)
            for pk, key, name, kind in Partner.objects.values_list("pk", "name_key", "name", "kind")
        }
        by_pk = {ref.pk: ref for ref in partners.values()}
        for old_key, kept_id in PartnerMerge.objects.values_list("removed_name_key", "kept_id"):
            if old_key not in partners and kept_id in by_pk:
                partners[old_key] = by_pk[kept_id]
        return partners

    def _prefetch(self, block: list[tuple[int, dict]], ctx: ImportContext) -> None:
        """The groups the block names, and their stored partnerships."""
        numbers = {_key_text(row.get("no_registrasi")) for _number, row in block} - {""}
        _load_kube_refs(ctx, numbers)
        refs = _kube_refs(ctx)
        kube_pks = {refs[n].pk for n in numbers if n in refs and refs[n].pk} - self.looked_up
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
        kube = kube_ref_for_row(values, refs, ctx, errors)
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

    def write(self, ctx: ImportContext) -> None:
        new_partners = list(self.new_partners.values())
        rows = [{"name": p.name, "name_key": p.key, "kind": p.kind} for p in new_partners]
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
