"""The `usulan` sheet: candidate families and proposals, one row per family.

A row with a `kode_usulan` puts the family on that proposal (created when the code is
new, as a proposal submitted for review; the proposal's columns must agree on every
row of the code, blank cells taking the first row's values). A row without one
records the family on the waiting list of its kelurahan. Families are keyed by NIK,
proposals by code. Same rules as the other sheets: every error as
`usulan:row:column: message`, and nothing is written when any row is invalid. An
import adds and corrects; it never removes a family from a proposal, and it never
changes a proposal already under review or decided (re-importing it is `unchanged`).

Registered after the contract's sheets (the engine puts unnamed sheets last), so a
file may create a facilitator's groups and propose new ones at once.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.models import OFFICER_ROLES, AreaType, BusinessField, Kelurahan, Role, Sex
from groups.resources import (
    MSG_FACILITATOR_UNKNOWN,
    MSG_KELURAHAN_UNKNOWN,
    _code_key,
    _facilitators,
    _key_text,
    _region_key,
    _Regions,
    import_scope,
)
from groups.services import MSG_NIK_REGISTERED_ELSEWHERE
from kube_registry.importing import (
    MSG_REQUIRED,
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    Field,
    ImportContext,
    IntegerWidget,
    MoneyWidget,
    Sheet,
    TextWidget,
    insert_with_history,
    update_with_history,
)
from kube_registry.nik import IdNumberError, nik_well_formed, normalize_id_number, parse_kk
from kube_registry.values import MSG_DATE_IN_FUTURE

from .models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Candidate,
    DecisionAction,
    GrantSource,
    Proposal,
    ProposalCandidate,
    ProposalDecision,
    ProposalStatus,
    ProposerKind,
    Willingness,
)
from .rules import grant_half_filled, holds_one_place, in_future

MSG_NIK = gettext_noop("NIK harus 16 digit angka (tertulis “{value}”).")
MSG_PROPOSAL_DIFFERS = gettext_noop("Usulan {code} di baris {row} bertuliskan “{other}”; data usulan harus sama.")
MSG_PERSON_DIFFERS = gettext_noop("NIK yang sama di baris {row} bertuliskan “{other}”; data keluarga harus sama.")
MSG_NIK_TWICE = gettext_noop("Keluarga ini sudah tercantum di baris {row}.")
MSG_IN_OTHER_PROPOSAL = gettext_noop("Keluarga ini sudah tercantum dalam usulan {code} yang masih berjalan.")
MSG_ROLE_TWICE = gettext_noop("Usulan {code} sudah memiliki {role}: {name}.")
MSG_LOCKED = gettext_noop("Usulan {code} berstatus {status}; tidak dapat diubah lewat impor.")
MSG_NOT_WAITING = gettext_noop("{name} sudah menjadi anggota KUBE atau mundur; tidak dapat diusulkan.")
MSG_GRANT_TOGETHER = gettext_noop("Isi sumber_bantuan dan jumlah_bantuan bersama-sama.")
MSG_CODE_NOT_HERE = gettext_noop("Kode usulan {code} tidak dapat dipakai; tulis kode lain atau kosongkan kolom ini.")
MSG_KELURAHAN_AMBIGUOUS = gettext_noop(
    "Nama kelurahan “{value}” dipakai lebih dari satu wilayah; tulis kode Kemendagri."
)

# Proposal columns -> Proposal fields (kelurahan and pendamping need a lookup).
PROPOSAL_COLUMNS = {
    "nama_kube": "name",
    "rt": "rt",
    "alamat": "address",
    "jenis_usaha": "business_field",
    "uraian_usaha": "business_description",
    "wilayah": "area_type",
    "pengusul": "proposer_kind",
    "nama_pengusul": "proposer_name",
    "tanggal_usulan": "proposed_on",
    "sumber_bantuan": "grant_source",
    "jumlah_bantuan": "grant_amount",
}
PROPOSAL_REQUIRED = ("nama_kube", "jenis_usaha", "pengusul", "tanggal_usulan")
# Family columns -> Candidate fields.
CANDIDATE_COLUMNS = {
    "no_kk": "kk",
    "nama": "name",
    "jenis_kelamin": "sex",
    "tanggal_lahir": "birth_on",
    "rt_calon": "rt",
    "kepala_keluarga": "is_head_of_family",
    "pencari_nafkah_utama": "is_main_earner",
    "dtks": "is_dtks",
    "desil_dtks": "dtks_decile",
    "pkh": "is_pkh",
    "tanggungan": "dependents",
    "kesediaan": "willingness",
    "telepon": "phone",
}
CANDIDATE_DEFAULTS = {
    "kk": "",
    "birth_on": None,
    "rt": "",
    "is_head_of_family": False,
    "is_main_earner": False,
    "is_dtks": False,
    "dtks_decile": None,
    "is_pkh": False,
    "dependents": 0,
    "willingness": Willingness.BELUM,
    "phone": "",
}


@dataclass
class _ProposalPlan:
    code: str
    row: int
    values: dict[str, Any]
    pk: int | None = None
    status: str = ProposalStatus.DIAJUKAN
    current: dict[str, Any] | None = None
    roles: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def changes(self) -> dict[str, Any]:
        if self.current is None:
            return dict(self.values)
        return {f: v for f, v in self.values.items() if self.current.get(f) != v}


@dataclass
class _RowPlan:
    row: int
    nik: str
    values: dict[str, Any]
    proposal: _ProposalPlan | None
    role: str
    candidate_pk: int | None = None
    current: dict[str, Any] | None = None
    entry_pk: int | None = None
    entry_role: str | None = None

    @property
    def changes(self) -> dict[str, Any]:
        if self.current is None:
            return dict(self.values)
        return {f: v for f, v in self.values.items() if self.current.get(f) != v}


class UsulanSheet(Sheet):
    kode_usulan = Field(attribute="proposal__code", column_name="kode_usulan", widget=TextWidget(max_length=30))
    nama_kube = Field(attribute="proposal__name", column_name="nama_kube", widget=TextWidget(max_length=150))
    kecamatan = Field(attribute="kecamatan", column_name="kecamatan", widget=TextWidget(required=True))
    kelurahan = Field(attribute="kelurahan", column_name="kelurahan", widget=TextWidget(required=True))
    rt = Field(attribute="proposal__rt", column_name="rt", widget=TextWidget(max_length=10))
    alamat = Field(attribute="proposal__address", column_name="alamat", widget=TextWidget(max_length=255))
    jenis_usaha = Field(
        attribute="proposal__business_field", column_name="jenis_usaha", widget=ChoiceWidget(BusinessField)
    )
    uraian_usaha = Field(attribute="proposal__business_description", column_name="uraian_usaha", widget=TextWidget())
    wilayah = Field(attribute="proposal__area_type", column_name="wilayah", widget=ChoiceWidget(AreaType))
    pengusul = Field(
        attribute="proposal__proposer_kind",
        column_name="pengusul",
        widget=ChoiceWidget(ProposerKind, aliases={"lks": "orsos", "organisasi sosial": "orsos"}),
    )
    nama_pengusul = Field(
        attribute="proposal__proposer_name", column_name="nama_pengusul", widget=TextWidget(max_length=150)
    )
    tanggal_usulan = Field(attribute="proposal__proposed_on", column_name="tanggal_usulan", widget=DateWidget())
    pendamping = Field(attribute="proposal__facilitator", column_name="pendamping", widget=TextWidget())
    sumber_bantuan = Field(
        attribute="proposal__grant_source",
        column_name="sumber_bantuan",
        widget=ChoiceWidget(GrantSource, aliases={"bpls": "blps"}),
    )
    jumlah_bantuan = Field(attribute="proposal__grant_amount", column_name="jumlah_bantuan", widget=MoneyWidget())
    nik = Field(attribute="nik", column_name="nik", widget=TextWidget(required=True, max_length=25))
    no_kk = Field(attribute="kk", column_name="no_kk", widget=TextWidget(max_length=25))
    nama = Field(attribute="name", column_name="nama", widget=TextWidget(required=True, max_length=150))
    jenis_kelamin = Field(attribute="sex", column_name="jenis_kelamin", widget=ChoiceWidget(Sex, required=True))
    tanggal_lahir = Field(attribute="birth_on", column_name="tanggal_lahir", widget=DateWidget())
    kelurahan_calon = Field(attribute="kelurahan_calon", column_name="kelurahan_calon", widget=TextWidget())
    rt_calon = Field(attribute="rt", column_name="rt_calon", widget=TextWidget(max_length=10))
    kepala_keluarga = Field(attribute="is_head_of_family", column_name="kepala_keluarga", widget=BooleanWidget())
    pencari_nafkah_utama = Field(attribute="is_main_earner", column_name="pencari_nafkah_utama", widget=BooleanWidget())
    dtks = Field(attribute="is_dtks", column_name="dtks", widget=BooleanWidget())
    desil_dtks = Field(attribute="dtks_decile", column_name="desil_dtks", widget=IntegerWidget(low=1, high=10))
    pkh = Field(attribute="is_pkh", column_name="pkh", widget=BooleanWidget())
    tanggungan = Field(attribute="dependents", column_name="tanggungan", widget=IntegerWidget(low=0, high=30))
    kesediaan = Field(
        attribute="willingness",
        column_name="kesediaan",
        widget=ChoiceWidget(
            Willingness, aliases={"ya": "bersedia", "belum ditanya": "belum", "tidak bersedia": "tidak"}
        ),
    )
    jabatan = Field(attribute="role", column_name="jabatan", widget=ChoiceWidget(Role))
    telepon = Field(attribute="phone", column_name="telepon", widget=TextWidget(max_length=30))

    example_row = {
        "kode_usulan": "USL-2025-901",
        "nama_kube": "KUBE Contoh Sejahtera",
        "kecamatan": "Bontang Utara",
        "kelurahan": "Guntung",
        "nik": "6474015705800001",
        "nama": "Siti Contoh",
        "jenis_kelamin": "P",
    }

    # --- planning ---------------------------------------------------------------------

    def plan_rows(self, rows: Iterator[tuple[int, dict]], total: int, ctx: ImportContext) -> None:
        rows = list(rows)
        # Only the run's area (groups.resources.ImportScope): another city's kelurahan is
        # unknown, its families and proposals are answered neutrally.
        self.scope = import_scope(ctx)
        self.regions = _Regions(self.scope)
        self.facilitators = _facilitators(self.scope)
        codes = {_key_text(row.get("kode_usulan")) for _n, row in rows} - {""}
        niks = {normalize_id_number(_key_text(row.get("nik"))) for _n, row in rows} - {""}
        self.stored_proposals = {
            p["code"]: p
            for p in Proposal.objects.filter(code__in=codes).values(
                "pk",
                "code",
                "status",
                "kelurahan_id",
                "facilitator_id",
                *PROPOSAL_COLUMNS.values(),
                city=F("kelurahan__kecamatan__city__code"),
            )
        }
        self.stored_candidates = {
            c["nik"]: c
            for c in Candidate.objects.filter(nik__in=niks).values(
                "pk",
                "nik",
                "status",
                "kelurahan_id",
                *CANDIDATE_COLUMNS.values(),
                city=F("kelurahan__kecamatan__city__code"),
            )
        }
        # Families on open proposals: nik -> (proposal code, entry pk, role).
        self.open_entries: dict[str, tuple[str, int, str]] = {}
        self.open_elsewhere: set[str] = set()  # niks on an open proposal of another city
        for nik, code, pk, role, city in ProposalCandidate.objects.filter(
            candidate__nik__in=niks, proposal__status__in=OPEN_STATUSES
        ).values_list("candidate__nik", "proposal__code", "pk", "role", "proposal__kelurahan__kecamatan__city__code"):
            self.open_entries[nik] = (code, pk, role)
            if not self.scope.holds_city(city):
                self.open_elsewhere.add(nik)
        self.stored_roles: dict[str, dict[str, str]] = defaultdict(dict)  # code -> role -> name
        for code, role, name, nik in ProposalCandidate.objects.filter(
            proposal__code__in=codes, role__in=OFFICER_ROLES
        ).values_list("proposal__code", "role", "candidate__name", "candidate__nik"):
            self.stored_roles[code][role] = f"{name}\x00{nik}"
        self.proposals: dict[str, _ProposalPlan] = {}
        self.plans: list[_RowPlan] = []
        self.invalid_rows: set[int] = set()
        self.niks_in_file: dict[str, tuple[int, dict]] = {}
        for number, row in rows:
            self._plan_row(number, row, ctx)
        ctx.report_progress("validate", len(rows), total)
        self._count(ctx)

    def _kelurahan_any(self, text: str) -> tuple[Kelurahan | None, str]:
        code = _code_key(text)
        if code is not None:
            found = self.regions.kelurahan_by_code.get(code)
            return (found, "") if found else (None, _(MSG_KELURAHAN_UNKNOWN).format(value=text))
        found = self.regions.kelurahan_by_name.get(_region_key(text), [])
        if len(found) > 1:
            return None, _(MSG_KELURAHAN_AMBIGUOUS).format(value=text)
        if not found:
            return None, _(MSG_KELURAHAN_UNKNOWN).format(value=text)
        return found[0], ""

    def _plan_row(self, number: int, row: dict, ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        kelurahan = None
        if "kecamatan" not in errors and "kelurahan" not in errors:
            kelurahan, region_errors = self.regions.resolve(values["kecamatan"], values["kelurahan"])
            errors.update(region_errors)
        nik = normalize_id_number(values.get("nik", ""))
        if "nik" not in errors and not nik_well_formed(nik):
            errors["nik"] = _(MSG_NIK).format(value=values.get("nik", ""))
        candidate_values: dict[str, Any] = {}
        for column, name in CANDIDATE_COLUMNS.items():
            if column in values and column not in errors:
                candidate_values[name] = values[column]
        if candidate_values.get("kk"):
            try:
                candidate_values["kk"], _warnings = parse_kk(candidate_values["kk"])
            except IdNumberError as exc:
                errors["no_kk"] = str(exc)
        if in_future(candidate_values.get("birth_on"), today=ctx.today):
            errors["tanggal_lahir"] = _(MSG_DATE_IN_FUTURE)
        home = kelurahan
        if values.get("kelurahan_calon"):
            home, message = self._kelurahan_any(values["kelurahan_calon"])
            if message:
                errors["kelurahan_calon"] = message
        if home is not None:
            candidate_values["kelurahan_id"] = home.pk
        # Blank optional cells keep what is stored (or the default for a new family).
        candidate_values = {k: v for k, v in candidate_values.items() if v not in ("", None)}

        code = values.get("kode_usulan", "")
        proposal = None
        if code and kelurahan is not None:
            proposal = self._proposal(number, code, values, kelurahan, errors, ctx)
        role = values.get("jabatan") or Role.ANGGOTA

        plan = None
        if not errors:
            first = self.niks_in_file.get(nik)
            if first is not None:
                first_row, first_values = first
                differing = next((k for k, v in candidate_values.items() if first_values.get(k, v) != v), None)
                errors["nik"] = (
                    _(MSG_PERSON_DIFFERS).format(row=first_row, other=first_values[differing])
                    if differing
                    else _(MSG_NIK_TWICE).format(row=first_row)
                )
            else:
                self.niks_in_file[nik] = (number, candidate_values)
                plan = self._candidate_plan(number, nik, candidate_values, proposal, role, errors)
        if errors or plan is None:
            for column, message in errors.items():
                ctx.error(number, column, message)
            self.invalid_rows.add(number)
            return
        self.plans.append(plan)

    def _proposal(self, number, code, values, kelurahan, errors, ctx) -> _ProposalPlan | None:
        given = {PROPOSAL_COLUMNS[c]: values[c] for c in PROPOSAL_COLUMNS if values.get(c) not in ("", None)}
        given["kelurahan_id"] = kelurahan.pk
        username = values.get("pendamping")
        if username:
            facilitator = self.facilitators.get(username, self.facilitators.get(username.lower()))
            if facilitator is None:
                errors["pendamping"] = _(MSG_FACILITATOR_UNKNOWN).format(value=username)
            given["facilitator_id"] = facilitator
        plan = self.proposals.get(code)
        if plan is not None:  # a later row of the same proposal: blank cells take the first row's values
            for name, value in given.items():
                if plan.values.get(name, value) != value:
                    column = next((c for c, f in PROPOSAL_COLUMNS.items() if f == name), "kelurahan")
                    errors.setdefault(
                        column, _(MSG_PROPOSAL_DIFFERS).format(code=code, row=plan.row, other=plan.values[name])
                    )
            return plan
        stored = self.stored_proposals.get(code)
        if stored is not None and not self.scope.holds_city(stored["city"]):
            # Another city's proposal: never read nor changed. (Proposal codes are national,
            # so a code taken elsewhere is refused; the answer names nothing of it.)
            errors.setdefault("kode_usulan", _(MSG_CODE_NOT_HERE).format(code=code))
            return None
        if stored is None:
            for column in PROPOSAL_REQUIRED:
                if PROPOSAL_COLUMNS[column] not in given and column not in errors:
                    errors[column] = _(MSG_REQUIRED)
        if in_future(given.get("proposed_on"), today=ctx.today):
            errors["tanggal_usulan"] = _(MSG_DATE_IN_FUTURE)
        merged = (
            {k: stored[k] for k in (*PROPOSAL_COLUMNS.values(), "kelurahan_id", "facilitator_id")} if stored else {}
        ) | given
        if grant_half_filled(merged.get("grant_source"), merged.get("grant_amount")):
            errors["jumlah_bantuan"] = _(MSG_GRANT_TOGETHER)
        plan = _ProposalPlan(code=code, row=number, values=given)
        if stored is not None:
            plan.pk, plan.status = stored["pk"], stored["status"]
            plan.current = {k: stored[k] for k in given}
            if plan.changes and stored["status"] not in EDITABLE_STATUSES:
                label = ProposalStatus(stored["status"]).label.lower()
                errors.setdefault("kode_usulan", _(MSG_LOCKED).format(code=code, status=label))
        if not errors:
            self.proposals[code] = plan
        return plan

    def _candidate_plan(self, number, nik, values, proposal, role, errors) -> _RowPlan | None:
        stored = self.stored_candidates.get(nik)
        if (stored is not None and not self.scope.holds_city(stored["city"])) or nik in self.open_elsewhere:
            errors["nik"] = _(MSG_NIK_REGISTERED_ELSEWHERE)  # a family of another city: nothing of it shown
            return None
        plan = _RowPlan(row=number, nik=nik, values=values, proposal=proposal, role=role)
        if stored is not None:
            plan.candidate_pk = stored["pk"]
            plan.current = {k: stored[k] for k in values}
        if proposal is None:
            return plan
        open_entry = self.open_entries.get(nik)
        if open_entry is not None and open_entry[0] != proposal.code:
            errors["nik"] = _(MSG_IN_OTHER_PROPOSAL).format(code=open_entry[0])
            return None
        if open_entry is not None:
            plan.entry_pk, plan.entry_role = open_entry[1], open_entry[2]
        elif stored is not None and stored["status"] != "menunggu":
            errors["nik"] = _(MSG_NOT_WAITING).format(name=stored["name"])
            return None
        elif proposal.status not in EDITABLE_STATUSES and proposal.pk is not None:
            errors["kode_usulan"] = _(MSG_LOCKED).format(
                code=proposal.code, status=ProposalStatus(proposal.status).label.lower()
            )
            return None
        if plan.entry_role is not None and plan.entry_role != role and proposal.status not in EDITABLE_STATUSES:
            errors["jabatan"] = _(MSG_LOCKED).format(
                code=proposal.code, status=ProposalStatus(proposal.status).label.lower()
            )
            return None
        if holds_one_place(role) and plan.entry_role != role:
            holder = proposal.roles.get(role)
            stored_holder = self.stored_roles[proposal.code].get(role)
            if holder is not None:
                errors["jabatan"] = _(MSG_ROLE_TWICE).format(
                    code=proposal.code, role=Role(role).label.lower(), name=holder[0]
                )
                return None
            if stored_holder is not None and not stored_holder.endswith(f"\x00{nik}"):
                name = stored_holder.split("\x00")[0]
                errors["jabatan"] = _(MSG_ROLE_TWICE).format(
                    code=proposal.code, role=Role(role).label.lower(), name=name
                )
                return None
            proposal.roles[role] = (values.get("name", nik), number)
        return plan

    def _count(self, ctx: ImportContext) -> None:
        counts = ctx.counts
        counts.invalid += len(self.invalid_rows)
        for plan in self.plans:
            new_entry = plan.proposal is not None and plan.entry_pk is None
            role_changed = plan.entry_pk is not None and plan.entry_role != plan.role
            proposal_new = plan.proposal is not None and plan.proposal.pk is None
            changed = bool(plan.changes) or role_changed or (plan.proposal is not None and bool(plan.proposal.changes))
            counts.tally(created=plan.candidate_pk is None or new_entry or proposal_new, changed=changed)

    # --- writing ----------------------------------------------------------------------

    def write(self, ctx: ImportContext) -> None:
        """Bulk writes with their history, as the registry's sheets do (kube_registry.importing)."""
        actor_id = getattr(ctx.actor, "pk", None)
        new_proposals = [plan for plan in self.proposals.values() if plan.pk is None]
        changed_proposals = {plan.pk: plan.changes for plan in self.proposals.values() if plan.pk and plan.changes}
        rows = [
            {"code": plan.code, "status": ProposalStatus.DIAJUKAN, "created_by_id": actor_id, **plan.values}
            for plan in new_proposals
        ]
        for plan, pk in zip(new_proposals, insert_with_history(ctx, Proposal, rows), strict=True):
            plan.pk = pk
        ProposalDecision.objects.bulk_create(
            ProposalDecision(
                proposal_id=plan.pk,
                action=action,
                decided_by_id=actor_id,
                reason=ctx.change_reason if action == DecisionAction.DIBUAT else "",
            )
            for plan in new_proposals
            for action in (DecisionAction.DIBUAT, DecisionAction.DIAJUKAN)
        )
        update_with_history(ctx, Proposal, changed_proposals)

        new_candidates = [plan for plan in self.plans if plan.candidate_pk is None]
        rows = []
        for plan in new_candidates:
            row = {"nik": plan.nik, "created_by_id": actor_id, **CANDIDATE_DEFAULTS, **plan.values}
            if row["willingness"] != Willingness.BELUM:
                row |= {"willingness_by_id": actor_id, "willingness_on": ctx.today}
            rows.append(row)
        for plan, pk in zip(new_candidates, insert_with_history(ctx, Candidate, rows), strict=True):
            plan.candidate_pk = pk
        changed_candidates = {}
        for plan in self.plans:
            if plan.current is not None and plan.changes:
                changes = plan.changes
                if "willingness" in changes:
                    changes |= {"willingness_by_id": actor_id, "willingness_on": ctx.today}
                changed_candidates[plan.candidate_pk] = changes
        update_with_history(ctx, Candidate, changed_candidates)

        # Officer roles that move are freed first (without history; the final write records it),
        # so the unique constraint holds whatever the order of the rows.
        moved = [plan for plan in self.plans if plan.entry_pk and plan.entry_role != plan.role]
        released = {plan.entry_pk: {"role": Role.ANGGOTA} for plan in moved if plan.entry_role != Role.ANGGOTA}
        update_with_history(ctx, ProposalCandidate, released, history=False)
        update_with_history(ctx, ProposalCandidate, {plan.entry_pk: {"role": plan.role} for plan in moved})
        rows = [
            {"proposal_id": plan.proposal.pk, "candidate_id": plan.candidate_pk, "role": plan.role}
            for plan in self.plans
            if plan.proposal is not None and plan.entry_pk is None
        ]
        insert_with_history(ctx, ProposalCandidate, rows)
