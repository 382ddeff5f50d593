"""The `bantuan`, `aset`, `pinjaman` and `laporan_bulanan` sheets of the import
workbook (contract 4), registered with the engine in `FinancesConfig.ready()`.

Each row names its group by `no_registrasi` (a group stored, or created by this file's
`kelompok` sheet) or, for loans, its borrower by NIK. The rules of the services hold:
money is whole Rupiah and never negative, no date lies in the future, a monthly
report must be plausible (finances.services.report_problems) and is stored as
verified and marked as imported. Reports entered through the app are never
overwritten by a file: a row that repeats one exactly (an export read back) is
`unchanged`, any other row for it is refused. An empty optional cell means "not given": a new row gets the
default, a stored value is left as it is. An import adds and corrects; it never erases.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.models import Membership
from groups.resources import (
    KubeRef,
    _key_text,
    _kube_refs,
    _load_kube_refs,
    import_scope,
    kube_ref_for_row,
)
from kube_registry.importing import (
    ChoiceWidget,
    DateWidget,
    Field,
    ImportContext,
    IntegerWidget,
    MoneyWidget,
    PeriodWidget,
    Sheet,
    TextWidget,
    chunked,
    insert_with_history,
    update_with_history,
)
from kube_registry.nik import MSG_NIK_SHAPE, nik_well_formed, normalize_id_number
from kube_registry.values import MSG_DATE_IN_FUTURE, format_rupiah

from .models import Asset, Grant, GrantSource, Loan, MonthlyReport, Repayment, ReportStatus
from .periods import period_label
from .rules import period_before_founding, period_not_yet
from .services import MAX_MEETINGS, loan_default_due_on, loan_limit, report_problems

MSG_ROW_REPEATS = gettext_noop("Baris yang sama (kunci yang sama) sudah tercantum di baris {row}.")
MSG_DISPOSED_BEFORE = gettext_noop("Tanggal dilepas tidak boleh sebelum tanggal perolehan ({date}).")
MSG_PERIOD_FUTURE = gettext_noop("Periode {month} belum tiba.")
MSG_REPORT_FROM_APP = gettext_noop(
    "Laporan {month} sudah diisi melalui aplikasi (status: {status}); ubah laporan itu di aplikasi, bukan lewat impor."
)
MSG_REPORT_VERIFIED = gettext_noop("laporan sudah diverifikasi; buka kembali dulu")
MSG_NIK_UNKNOWN = gettext_noop("NIK {nik} tidak terdaftar sebagai anggota KUBE mana pun.")
MSG_NOT_MEMBER_ON = gettext_noop("NIK {nik} bukan anggota KUBE mana pun pada tanggal pinjam {date}.")
MSG_AMOUNT_POSITIVE = gettext_noop("Jumlah pinjaman harus lebih dari nol.")
MSG_DUE_BEFORE_LENT = gettext_noop("Jatuh tempo tidak boleh sebelum tanggal pinjam ({date}).")
MSG_REPAID_BEFORE_LENT = gettext_noop("Tanggal lunas tidak boleh sebelum tanggal pinjam ({date}).")
MSG_REPAID_TOO_MUCH = gettext_noop("Dibayar ({paid}) melebihi jumlah pinjaman ({amount}).")
MSG_REPAID_LESS_THAN_STORED = gettext_noop(
    "Dibayar ({paid}) lebih kecil dari angsuran yang sudah tercatat ({stored}); impor tidak menghapus angsuran."
)
MSG_PAID_OFF_NOT_PAID = gettext_noop("Tanggal lunas diisi, tetapi dibayar ({paid}) kurang dari jumlah ({amount}).")
MSG_PAID_OFF_DATE_ASSUMED = gettext_noop("Pinjaman sudah dibayar penuh tanpa tanggal_lunas; dicatat lunas pada {date}.")
MSG_LOAN_ABOVE_LIMIT = gettext_noop("Pinjaman {amount} melebihi batas kelompok {limit} per pinjaman (tetap dicatat).")

BLOCK = 2_000


def _day(day: dt.date) -> str:
    return date_format(day, "j M Y")


@dataclass(slots=True)
class _Plan:
    """One valid row: the stored row it speaks about (if any) and its final values."""

    row: int
    kube: KubeRef | None
    values: dict[str, Any]
    pk: int | None = None
    current: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def changes(self) -> dict[str, Any]:
        if self.current is None:
            return dict(self.values)
        return {f: v for f, v in self.values.items() if self.current.get(f) != v}


class _FinanceSheet(Sheet):
    """Rows keyed within the file (a key twice is refused) and counted as they are planned."""

    plans: list[_Plan]
    keys_in_file: dict[tuple, int]

    def _claim_key(self, key: tuple, number: int, errors: dict, column: str) -> bool:
        first = self.keys_in_file.get(key)
        if first is not None:
            errors.setdefault(column, _(MSG_ROW_REPEATS).format(row=first))
            return False
        self.keys_in_file[key] = number
        return True

    def _finish_row(self, number: int, plan: _Plan | None, errors: dict, ctx: ImportContext) -> None:
        if errors or plan is None:
            ctx.reject(number, errors)
            return
        ctx.tally(created=plan.pk is None, changed=bool(plan.changes))
        self.plans.append(plan)


class _GroupSheet(_FinanceSheet):
    """A sheet whose rows name a group: kube references shared with the other sheets."""

    stored_fields: tuple[str, ...] = ()
    model = None

    def plan_rows(self, rows: Iterator[tuple[int, dict]], total: int, ctx: ImportContext) -> None:
        self.plans: list[_Plan] = []
        self.keys_in_file: dict[tuple, int] = {}
        self.stored: dict[tuple, dict] = {}
        self.looked_up: set[int] = set()
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
        _load_kube_refs(ctx, numbers)
        refs = _kube_refs(ctx)
        kube_pks = {refs[n].pk for n in numbers if n in refs and refs[n].pk} - self.looked_up
        self.looked_up |= kube_pks
        if kube_pks:
            for values in self.model.objects.filter(kube_id__in=kube_pks).values("pk", "kube_id", *self.stored_fields):
                self.stored[self.stored_key(values)] = values

    @staticmethod
    def stored_key(values: dict) -> tuple:
        raise NotImplementedError

    def write(self, ctx: ImportContext) -> None:
        changes = {plan.pk: self.changed_row(plan) for plan in self.plans if plan.pk and plan.changes}
        update_with_history(ctx, self.model, changes)
        new = [plan for plan in self.plans if plan.pk is None]
        done = len(changes)
        for block in chunked(new, BLOCK):
            rows = [self.new_row(plan, ctx) for plan in block]
            for plan, pk in zip(block, insert_with_history(ctx, self.model, rows), strict=True):
                plan.pk = pk
            done += len(block)
            ctx.report_progress("write", done, len(self.plans))

    def new_row(self, plan: _Plan, ctx: ImportContext) -> dict[str, Any]:
        return {"kube_id": plan.kube.pk, **plan.values}

    def changed_row(self, plan: _Plan) -> dict[str, Any]:
        return plan.changes


# --- bantuan -------------------------------------------------------------------------


class BantuanSheet(_GroupSheet):
    """Grants, keyed by (no_registrasi, sumber, tanggal)."""

    no_registrasi = Field(
        attribute="kube__no_registrasi", column_name="no_registrasi", widget=TextWidget(required=True, max_length=20)
    )
    sumber = Field(
        attribute="source",
        column_name="sumber",
        widget=ChoiceWidget(
            GrantSource,
            required=True,
            names={source: source for source in GrantSource.values},
            aliases={"bpls": "blps", "kemsos": "kemensos", "uep": "kemensos", "lkm": "kube_lkm"},
        ),
    )
    jumlah = Field(attribute="amount", column_name="jumlah", widget=MoneyWidget(required=True))
    tanggal = Field(attribute="received_on", column_name="tanggal", widget=DateWidget(required=True))
    keterangan = Field(attribute="description", column_name="keterangan", widget=TextWidget())

    model = Grant
    stored_fields = ("source", "amount", "received_on", "description")
    example_row = {
        "no_registrasi": "6474-2014-901",
        "sumber": "kemensos",
        "jumlah": "Rp 20.000.000",
        "tanggal": "22-09-2014",
        "keterangan": "Bantuan UEP untuk 10 KK",
    }

    @staticmethod
    def stored_key(values: dict) -> tuple:
        return (values["kube_id"], values["source"], values["received_on"])

    def _plan_row(self, number: int, row: dict, refs: dict[str, KubeRef], ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        kube = kube_ref_for_row(values, refs, ctx, errors)
        received_on = values.get("tanggal")
        if received_on and received_on > ctx.today:
            errors.setdefault("tanggal", _(MSG_DATE_IN_FUTURE))
        plan = None
        if not errors and self._claim_key(
            (kube.no_registrasi, values["sumber"], received_on), number, errors, "tanggal"
        ):
            final = {"source": values["sumber"], "amount": values["jumlah"], "received_on": received_on}
            if values.get("keterangan"):
                final["description"] = values["keterangan"]
            stored = self.stored.get((kube.pk, values["sumber"], received_on)) if kube.pk else None
            plan = _Plan(number, kube, final, pk=stored["pk"] if stored else None, current=stored)
        self._finish_row(number, plan, errors, ctx)


# --- aset ------------------------------------------------------------------------------


class AsetSheet(_GroupSheet):
    """Assets, keyed by (no_registrasi, nama_aset, tanggal_perolehan)."""

    no_registrasi = Field(
        attribute="kube__no_registrasi", column_name="no_registrasi", widget=TextWidget(required=True, max_length=20)
    )
    nama_aset = Field(attribute="name", column_name="nama_aset", widget=TextWidget(required=True, max_length=150))
    nilai = Field(attribute="value", column_name="nilai", widget=MoneyWidget(required=True))
    tanggal_perolehan = Field(
        attribute="acquired_on", column_name="tanggal_perolehan", widget=DateWidget(required=True)
    )
    tanggal_dilepas = Field(attribute="disposed_on", column_name="tanggal_dilepas", widget=DateWidget())

    model = Asset
    stored_fields = ("name", "value", "acquired_on", "disposed_on")
    example_row = {
        "no_registrasi": "6474-2014-901",
        "nama_aset": "Mesin pencacah kompos",
        "nilai": "18.500.000",
        "tanggal_perolehan": "11-04-2016",
        "tanggal_dilepas": "",
    }

    @staticmethod
    def stored_key(values: dict) -> tuple:
        return (values["kube_id"], values["name"].strip().lower(), values["acquired_on"])

    def _plan_row(self, number: int, row: dict, refs: dict[str, KubeRef], ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        kube = kube_ref_for_row(values, refs, ctx, errors)
        acquired_on, disposed_on = values.get("tanggal_perolehan"), values.get("tanggal_dilepas")
        for column, day in (("tanggal_perolehan", acquired_on), ("tanggal_dilepas", disposed_on)):
            if day and day > ctx.today:
                errors.setdefault(column, _(MSG_DATE_IN_FUTURE))
        if acquired_on and disposed_on and disposed_on < acquired_on:
            errors.setdefault("tanggal_dilepas", _(MSG_DISPOSED_BEFORE).format(date=_day(acquired_on)))
        plan = None
        name = values.get("nama_aset", "")
        key = (name.lower(), acquired_on)
        if not errors and self._claim_key((kube.no_registrasi, *key), number, errors, "nama_aset"):
            stored = self.stored.get((kube.pk, *key)) if kube.pk else None
            final = {"name": stored["name"] if stored else name, "value": values["nilai"], "acquired_on": acquired_on}
            if disposed_on:
                final["disposed_on"] = disposed_on
            plan = _Plan(number, kube, final, pk=stored["pk"] if stored else None, current=stored)
        self._finish_row(number, plan, errors, ctx)


# --- laporan_bulanan -------------------------------------------------------------------

# Column -> report field; the money columns in the contract's order.
REPORT_COLUMNS = {
    "pendapatan": "income",
    "pengeluaran": "expenses",
    "disisihkan_kas": "kept_in_cash",
    "dibagikan_anggota": "shared_to_members",
    "iks_terkumpul": "iks_collected",
    "saldo_kas": "cash_in_hand",
    "saldo_bank": "cash_in_bank",
    "jumlah_pertemuan": "meetings_held",
    "kehadiran_persen": "attendance_percent",
    "catatan": "notes",
}
COLUMN_OF_FIELD = {value: key for key, value in REPORT_COLUMNS.items()}
REPORT_DEFAULTS = {
    "income": 0,
    "expenses": 0,
    "kept_in_cash": 0,
    "shared_to_members": 0,
    "iks_collected": 0,
    "cash_in_hand": 0,
    "cash_in_bank": 0,
    "meetings_held": 0,
    "attendance_percent": None,
    "notes": "",
}


class LaporanBulananSheet(_GroupSheet):
    """Monthly reports, keyed by (no_registrasi, periode); stored as verified and imported."""

    no_registrasi = Field(
        attribute="kube__no_registrasi", column_name="no_registrasi", widget=TextWidget(required=True, max_length=20)
    )
    periode = Field(attribute="period", column_name="periode", widget=PeriodWidget(required=True))
    pendapatan = Field(attribute="income", column_name="pendapatan", widget=MoneyWidget(required=True))
    pengeluaran = Field(attribute="expenses", column_name="pengeluaran", widget=MoneyWidget(required=True))
    disisihkan_kas = Field(attribute="kept_in_cash", column_name="disisihkan_kas", widget=MoneyWidget())
    dibagikan_anggota = Field(attribute="shared_to_members", column_name="dibagikan_anggota", widget=MoneyWidget())
    iks_terkumpul = Field(attribute="iks_collected", column_name="iks_terkumpul", widget=MoneyWidget())
    saldo_kas = Field(attribute="cash_in_hand", column_name="saldo_kas", widget=MoneyWidget())
    saldo_bank = Field(attribute="cash_in_bank", column_name="saldo_bank", widget=MoneyWidget())
    jumlah_pertemuan = Field(
        attribute="meetings_held", column_name="jumlah_pertemuan", widget=IntegerWidget(low=0, high=MAX_MEETINGS)
    )
    kehadiran_persen = Field(
        attribute="attendance_percent", column_name="kehadiran_persen", widget=IntegerWidget(low=0, high=100)
    )
    catatan = Field(attribute="notes", column_name="catatan", widget=TextWidget())

    model = MonthlyReport
    stored_fields = ("period", "status", "is_imported", "version", *REPORT_DEFAULTS)
    example_row = {
        "no_registrasi": "6474-2014-901",
        "periode": "2015-01",
        "pendapatan": "1.416.000",
        "pengeluaran": "Rp 600.000",
        "disisihkan_kas": "250.000",
        "dibagikan_anggota": "500.000",
        "iks_terkumpul": "100.000",
        "saldo_kas": "300.000",
        "saldo_bank": "1.250.000",
        "jumlah_pertemuan": "2",
        "kehadiran_persen": "85",
        "catatan": "Penjualan kompos padat",
    }

    @staticmethod
    def stored_key(values: dict) -> tuple:
        return (values["kube_id"], values["period"])

    def _plan_row(self, number: int, row: dict, refs: dict[str, KubeRef], ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        kube = kube_ref_for_row(values, refs, ctx, errors)
        period = values.get("periode")
        if period and period_not_yet(period, today=ctx.today):
            errors.setdefault("periode", _(MSG_PERIOD_FUTURE).format(month=period_label(period)))
        elif period and kube and (message := period_before_founding(period, founded_on=kube.founded_on)):
            errors.setdefault("periode", message)
        plan = None
        if not errors and self._claim_key((kube.no_registrasi, period), number, errors, "periode"):
            stored = self.stored.get((kube.pk, period)) if kube.pk else None
            given = {
                REPORT_COLUMNS[column]: value
                for column, value in values.items()
                if column in REPORT_COLUMNS and value not in (None, "")
            }
            differing = [
                column
                for column in REPORT_COLUMNS
                if stored is not None and column in values and REPORT_COLUMNS[column] in given
                if stored[REPORT_COLUMNS[column]] != given[REPORT_COLUMNS[column]]
            ]
            if differing and stored["is_imported"] and stored["status"] == ReportStatus.VERIFIED:
                # An imported report is stored verified: it changes only after a reopen (issue 13).
                # One entered in the app is never changed by an import (next branch), verified or not.
                errors[differing[0]] = _(MSG_REPORT_VERIFIED)
            elif stored is not None and not stored["is_imported"]:
                # A report entered in the app: the file may only repeat it (an export read back).
                current = {f: stored[f] for f in REPORT_DEFAULTS}
                if any(current[f] != value for f, value in given.items()):
                    status = ReportStatus(stored["status"]).label.lower()
                    errors["periode"] = _(MSG_REPORT_FROM_APP).format(month=period_label(period), status=status)
                else:
                    plan = _Plan(number, kube, current, pk=stored["pk"], current=current)
            else:
                base = {f: stored[f] for f in REPORT_DEFAULTS} if stored else dict(REPORT_DEFAULTS)
                final = base | given
                for field_name, message in report_problems(final).items():
                    errors.setdefault(COLUMN_OF_FIELD.get(field_name, "pendapatan"), message)
                if not errors:
                    current = {f: stored[f] for f in REPORT_DEFAULTS} if stored else None
                    plan = _Plan(number, kube, final, pk=stored["pk"] if stored else None, current=current)
                    plan.extra = {"period": period, "version": stored["version"] if stored else 0, "actor": ctx.actor}
        self._finish_row(number, plan, errors, ctx)

    def new_row(self, plan: _Plan, ctx: ImportContext) -> dict[str, Any]:
        return {
            "kube_id": plan.kube.pk,
            "period": plan.extra["period"],
            **plan.values,
            "status": ReportStatus.VERIFIED,
            "is_imported": True,
            "version": 1,
            "verified_by_id": getattr(ctx.actor, "pk", None),
            "verified_at": timezone.now(),
        }

    def changed_row(self, plan: _Plan) -> dict[str, Any]:
        # Optimistic locking holds for imports too: a form opened before sees a conflict.
        # Only a reopened imported report reaches here changed; the import's correction
        # stores it verified again, as every imported report is (contract 3).
        return {
            **plan.changes,
            "version": plan.extra["version"] + 1,
            "status": ReportStatus.VERIFIED,
            "verified_by_id": getattr(plan.extra["actor"], "pk", None),
            "verified_at": timezone.now(),
        }


# --- pinjaman ---------------------------------------------------------------------------


class PinjamanSheet(_FinanceSheet):
    """Member loans from group cash, keyed by (nik, tanggal).

    `dibayar` is what was repaid so far: it becomes a repayment of the difference from
    what is stored (dated `tanggal_lunas`, or the day of the import). A borrower
    whose NIK only this file's `anggota` sheet registers is found after that sheet
    is written.
    """

    nik = Field(attribute="membership__person__nik", column_name="nik", widget=TextWidget(required=True))
    jumlah = Field(attribute="amount", column_name="jumlah", widget=MoneyWidget(required=True))
    tanggal = Field(attribute="lent_on", column_name="tanggal", widget=DateWidget(required=True))
    jatuh_tempo = Field(attribute="due_on", column_name="jatuh_tempo", widget=DateWidget())
    dibayar = Field(attribute="repaid", column_name="dibayar", widget=MoneyWidget())
    tanggal_lunas = Field(attribute="repaid_on", column_name="tanggal_lunas", widget=DateWidget())

    example_row = {
        "nik": "6474 0157 0580 0901",
        "jumlah": "500.000",
        "tanggal": "02-03-2016",
        "jatuh_tempo": "",
        "dibayar": "500.000",
        "tanggal_lunas": "30-05-2016",
    }

    def plan_rows(self, rows: Iterator[tuple[int, dict]], total: int, ctx: ImportContext) -> None:
        self.plans: list[_Plan] = []
        self.keys_in_file: dict[tuple, int] = {}
        self.memberships: dict[str, list[dict]] = defaultdict(list)  # nik -> stored memberships
        self.loans: dict[tuple[str, dt.date], dict] = {}  # (nik, lent_on) -> stored loan
        self.looked_up: set[str] = set()
        # A NIK not yet registered may be registered by this file's anggota sheet.
        self.members_in_file = "anggota" in ctx.result.sheets
        # Borrowers only through the groups the run may see: another city's member is unknown here.
        scope = import_scope(ctx)
        self.kubes = None if scope.is_everywhere else scope.kubes()
        done = 0
        for block in chunked(rows, BLOCK):
            self._prefetch({normalize_id_number(row.get("nik")) for _n, row in block} - self.looked_up)
            for number, row in block:
                self._plan_row(number, row, ctx)
            done += len(block)
            ctx.report_progress("validate", done, total)

    def _prefetch(self, niks: set[str]) -> None:
        self.looked_up |= niks
        if not niks:
            return
        memberships = Membership.objects.filter(person__nik__in=niks)
        if self.kubes is not None:
            memberships = memberships.filter(kube__in=self.kubes)
        memberships = memberships.values("pk", "kube_id", "joined_on", "left_on", "kube__founded_on", "person__nik")
        by_pk = {}
        for values in memberships:
            self.memberships[values["person__nik"]].append(values)
            by_pk[values["pk"]] = values["person__nik"]
        loans = (
            Loan.objects.filter(membership_id__in=by_pk)
            .annotate(repaid=Sum("repayments__amount"))
            .values("pk", "membership_id", "amount", "lent_on", "due_on", "repaid_on", "repaid")
        )
        for values in loans:
            values["repaid"] = values["repaid"] or 0
            self.loans[(by_pk[values["membership_id"]], values["lent_on"])] = values

    @staticmethod
    def _membership_on(candidates: list[dict], day: dt.date) -> dict | None:
        """The borrower's membership on the day of the loan."""
        for candidate in candidates:
            joined_on = candidate["joined_on"] or candidate["kube__founded_on"]
            if joined_on <= day and (candidate["left_on"] is None or candidate["left_on"] >= day):
                return candidate
        return None

    def _plan_row(self, number: int, row: dict, ctx: ImportContext) -> None:
        values, errors = self.clean_row(row)
        nik = normalize_id_number(values.get("nik", ""))
        if "nik" not in errors and not nik_well_formed(nik):
            errors["nik"] = _(MSG_NIK_SHAPE)
        amount, lent_on = values.get("jumlah"), values.get("tanggal")
        if amount is not None and amount <= 0:
            errors.setdefault("jumlah", _(MSG_AMOUNT_POSITIVE))
        if lent_on and lent_on > ctx.today:
            errors.setdefault("tanggal", _(MSG_DATE_IN_FUTURE))
        stored = self.loans.get((nik, lent_on))
        membership = None
        if "nik" not in errors and lent_on and not errors.get("tanggal"):
            candidates = self.memberships.get(nik, [])
            if stored is not None:
                membership = next(c for c in candidates if c["pk"] == stored["membership_id"])
            elif candidates:
                membership = self._membership_on(candidates, lent_on)
                if membership is None:
                    errors["nik"] = _(MSG_NOT_MEMBER_ON).format(nik=nik, date=_day(lent_on))
            elif not self.members_in_file:
                errors["nik"] = _(MSG_NIK_UNKNOWN).format(nik=nik)
        if errors:
            self._finish_row(number, None, errors, ctx)
            return
        final = self._final(number, values, stored, ctx, errors)
        plan = None
        if not errors and self._claim_key((nik, lent_on), number, errors, "tanggal"):
            plan = _Plan(number, None, final, pk=stored["pk"] if stored else None, current=stored)
            plan.extra = {"nik": nik, "membership": membership, "stored_repaid": stored["repaid"] if stored else 0}
            if final["amount"] > loan_limit():
                ctx.warning(
                    number,
                    "jumlah",
                    _(MSG_LOAN_ABOVE_LIMIT).format(
                        amount=format_rupiah(final["amount"]), limit=format_rupiah(loan_limit())
                    ),
                )
        self._finish_row(number, plan, errors, ctx)

    def _final(self, number: int, values: dict, stored: dict | None, ctx: ImportContext, errors: dict) -> dict:
        amount, lent_on = values["jumlah"], values["tanggal"]
        due_on = values.get("jatuh_tempo") or (stored["due_on"] if stored else loan_default_due_on(lent_on))
        repaid_on = values.get("tanggal_lunas") or (stored["repaid_on"] if stored else None)
        stored_repaid = stored["repaid"] if stored else 0
        repaid = values.get("dibayar")
        if repaid is None:
            repaid = amount if values.get("tanggal_lunas") else stored_repaid
        if due_on < lent_on:
            errors["jatuh_tempo"] = _(MSG_DUE_BEFORE_LENT).format(date=_day(lent_on))
        if repaid_on and repaid_on < lent_on:
            errors["tanggal_lunas"] = _(MSG_REPAID_BEFORE_LENT).format(date=_day(lent_on))
        if repaid_on and repaid_on > ctx.today:
            errors["tanggal_lunas"] = _(MSG_DATE_IN_FUTURE)
        if repaid > amount:
            errors["dibayar"] = _(MSG_REPAID_TOO_MUCH).format(paid=format_rupiah(repaid), amount=format_rupiah(amount))
        elif repaid < stored_repaid:
            errors["dibayar"] = _(MSG_REPAID_LESS_THAN_STORED).format(
                paid=format_rupiah(repaid), stored=format_rupiah(stored_repaid)
            )
        elif values.get("tanggal_lunas") and repaid < amount:
            errors["tanggal_lunas"] = _(MSG_PAID_OFF_NOT_PAID).format(
                paid=format_rupiah(repaid), amount=format_rupiah(amount)
            )
        if not errors and repaid >= amount and repaid_on is None:
            repaid_on = min(due_on, ctx.today)
            ctx.warning(number, "tanggal_lunas", _(MSG_PAID_OFF_DATE_ASSUMED).format(date=_day(repaid_on)))
        if repaid < amount:
            repaid_on = None
        return {"amount": amount, "lent_on": lent_on, "due_on": due_on, "repaid_on": repaid_on, "repaid": repaid}

    def _resolve_borrowers(self, ctx: ImportContext) -> None:
        """Borrowers registered by this file's anggota sheet, now written."""
        waiting = [plan for plan in self.plans if plan.extra["membership"] is None]
        if not waiting:
            return
        self.memberships.clear()
        self.looked_up.clear()
        self._prefetch({plan.extra["nik"] for plan in waiting})
        for plan in waiting:
            nik, lent_on = plan.extra["nik"], plan.values["lent_on"]
            candidates = self.memberships.get(nik, [])
            membership = self._membership_on(candidates, lent_on) if candidates else None
            if membership is None:
                message = MSG_NOT_MEMBER_ON if candidates else MSG_NIK_UNKNOWN
                ctx.error(plan.row, "nik", _(message).format(nik=nik, date=_day(lent_on)))
                ctx.counts.created -= 1
                ctx.counts.invalid += 1
            plan.extra["membership"] = membership
        # An error found now still rolls the whole import back (the engine checks errors).
        self.plans = [plan for plan in self.plans if plan.extra["membership"] is not None]

    def write(self, ctx: ImportContext) -> None:
        self._resolve_borrowers(ctx)
        today = ctx.today
        fields = ("amount", "lent_on", "due_on", "repaid_on")
        new = [plan for plan in self.plans if plan.pk is None]
        for block in chunked(new, BLOCK):
            rows = [
                {
                    "kube_id": plan.extra["membership"]["kube_id"],
                    "membership_id": plan.extra["membership"]["pk"],
                    **{f: plan.values[f] for f in fields},
                }
                for plan in block
            ]
            for plan, pk in zip(block, insert_with_history(ctx, Loan, rows), strict=True):
                plan.pk = pk
        changes = {
            plan.pk: {f: plan.values[f] for f in fields if plan.current[f] != plan.values[f]}
            for plan in self.plans
            if plan.current is not None
        }
        update_with_history(ctx, Loan, {pk: change for pk, change in changes.items() if change})
        repayments = []
        for plan in self.plans:
            owed = plan.values["repaid"] - plan.extra["stored_repaid"]
            if owed > 0:
                paid_on = plan.values["repaid_on"] or today
                repayments.append({"loan_id": plan.pk, "paid_on": max(paid_on, plan.values["lent_on"]), "amount": owed})
        for block in chunked(repayments, BLOCK):
            insert_with_history(ctx, Repayment, block)
