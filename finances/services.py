"""Writes to the finances: monthly reports and their workflow, grants, assets, loans,
repayments and products.

Each service runs in one transaction, locks what it checks, raises ValidationError
with a translated message naming the field, and records the acting user in the
history. A report is saved only with the version its form was loaded with
(optimistic locking): a second person saving the same report is told so, and
nothing of theirs overwrites the first.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.models import Kube, Membership
from kube_registry.values import format_rupiah
from kube_registry.versioning import StaleEdit, stale_message, version_bump, version_check

from .models import (
    REPORT_MONEY_FIELDS,
    Asset,
    Grant,
    Loan,
    MemberLine,
    MonthlyReport,
    Product,
    Repayment,
    ReportStatus,
)
from .periods import add_months, month_start, period_label
from .rules import period_before_founding, period_not_yet
from .selectors import report_memberships

MSG_CONFLICT = gettext_noop(
    "Laporan ini sudah diubah oleh {user} ({time}) setelah Anda membukanya. Isian Anda tidak disimpan: "
    "muat ulang halaman untuk melihat versi terbaru, lalu masukkan lagi perubahan Anda."
)
MSG_CONFLICT_NEW = gettext_noop(
    "Laporan bulan ini sudah dibuat oleh {user} ({time}) setelah Anda membuka formulir; isian Anda belum "
    "disimpan. Periksa laporan itu (muat ulang halaman untuk melihatnya), atau simpan lagi bila isian Anda "
    "yang benar."
)
MSG_NOT_EDITABLE = gettext_noop(
    "Laporan berstatus {status} tidak dapat diubah. Laporan terverifikasi hanya dapat diubah setelah dibuka "
    "kembali oleh petugas."
)
MSG_CANNOT_SUBMIT = gettext_noop("Hanya laporan draf atau yang dikembalikan yang dapat diajukan (status: {status}).")
MSG_NOT_SUBMITTED = gettext_noop("Hanya laporan yang diajukan yang dapat diverifikasi atau dikembalikan.")
MSG_NOT_VERIFIED = gettext_noop("Hanya laporan terverifikasi yang dapat dibuka kembali.")
MSG_COMMENT_REQUIRED = gettext_noop("Tuliskan apa yang perlu diperbaiki oleh pendamping.")
MSG_REASON_REQUIRED = gettext_noop("Tuliskan alasan membuka kembali laporan yang sudah terverifikasi.")
MSG_PERIOD_FUTURE = gettext_noop("Laporan untuk {month} belum dapat dibuat: bulannya belum tiba.")
MSG_NEGATIVE = gettext_noop("{field} tidak boleh negatif.")
MSG_DISTRIBUTED_TOO_MUCH = gettext_noop(
    "Disisihkan ke kas ({kept}) ditambah dibagikan ke anggota ({shared}) berjumlah {total}, melebihi laba "
    "({profit}) ditambah saldo kas dan bank ({cash}). Periksa kembali angkanya."
)
MSG_ATTENDANCE_ABOVE_100 = gettext_noop("Kehadiran tidak boleh lebih dari 100% (tertulis {value}%).")
MSG_MEETINGS_IMPLAUSIBLE = gettext_noop("Jumlah pertemuan dalam sebulan paling banyak 31 (tertulis {value}).")
MSG_LINE_ATTENDED_TOO_MANY = gettext_noop(
    "{name} tercatat hadir {attended} kali, lebih banyak dari jumlah pertemuan bulan ini ({held})."
)
MSG_LINE_NEGATIVE = gettext_noop("IKS yang dibayar {name} tidak boleh negatif.")
MSG_LINE_NOT_MEMBER = gettext_noop("Baris anggota tidak dikenal untuk KUBE dan bulan ini.")
MSG_AMOUNT_POSITIVE = gettext_noop("{field} harus lebih dari nol.")
MSG_DATE_FUTURE = gettext_noop("{field} tidak boleh di masa depan.")
MSG_DATE_BEFORE = gettext_noop("{field} tidak boleh sebelum {other} ({date}).")
MSG_LOAN_ABOVE_LIMIT = gettext_noop(
    "Pinjaman {amount} melebihi batas kelompok {limit} per pinjaman. Pinjaman tetap dicatat; pastikan sudah "
    "disepakati dalam musyawarah."
)
MSG_LOAN_MEMBER_OTHER_GROUP = gettext_noop("Peminjam harus anggota KUBE ini.")
MSG_REPAYMENT_TOO_MUCH = gettext_noop("Angsuran {amount} melebihi sisa pinjaman {outstanding}.")
MSG_LOAN_ALREADY_REPAID = gettext_noop("Pinjaman ini sudah lunas.")
MSG_DUPLICATE = gettext_noop("Data yang sama sudah tercatat: {detail}")

# The report's own fields a form or an import may set; the rest belong to the workflow.
REPORT_FIELDS = (*REPORT_MONEY_FIELDS, "meetings_held", "attendance_percent", "notes", "problems")
LINE_FIELDS = ("iks_paid", "meetings_attended")
MAX_MEETINGS = 31


def loan_limit() -> int:
    return int(getattr(settings, "KUBE_LOAN_MAX", 500_000))


def line_key(membership_id: int, field: str) -> str:
    """The name a member line's value carries in forms and error dictionaries."""
    return f"line-{membership_id}-{field}"


def _label(model, field: str) -> str:
    return capfirst(str(model._meta.get_field(field).verbose_name))


def _when(moment: dt.datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j M Y H:i") if moment else "—"


def _user_name(user) -> str:
    if user is None:
        return _("pengguna lain")
    return user.get_full_name() or user.username


# --- Monthly reports ---------------------------------------------------------------


def report_problems(
    values: Mapping[str, Any],
    lines: Mapping[int, Mapping[str, int]] | None = None,
    names: Mapping[int, str] | None = None,
) -> dict[str, str]:
    """Implausible entries, as {field or line key: message}. Pure: no database.

    `values` holds the report's fields (missing money reads as 0); `lines` maps a
    membership id to its `iks_paid` and `meetings_attended`; `names` names members.
    """
    names = names or {}
    problems: dict[str, str] = {}
    money = {field: values.get(field) or 0 for field in REPORT_MONEY_FIELDS}
    for field, amount in money.items():
        if amount < 0:
            problems[field] = _(MSG_NEGATIVE).format(field=_label(MonthlyReport, field))
    if problems:
        return problems
    # A month at a loss has no profit to distribute; only cash can pay out.
    profit = max(money["income"] - money["expenses"], 0)
    cash = money["cash_in_hand"] + money["cash_in_bank"]
    distributed = money["kept_in_cash"] + money["shared_to_members"]
    if distributed > profit + cash:
        problems["shared_to_members"] = _(MSG_DISTRIBUTED_TOO_MUCH).format(
            kept=format_rupiah(money["kept_in_cash"]),
            shared=format_rupiah(money["shared_to_members"]),
            total=format_rupiah(distributed),
            profit=format_rupiah(profit),
            cash=format_rupiah(cash),
        )
    attendance = values.get("attendance_percent")
    if attendance is not None and attendance > 100:
        problems["attendance_percent"] = _(MSG_ATTENDANCE_ABOVE_100).format(value=attendance)
    held = values.get("meetings_held") or 0
    if held > MAX_MEETINGS:
        problems["meetings_held"] = _(MSG_MEETINGS_IMPLAUSIBLE).format(value=held)
    for membership_id, line in (lines or {}).items():
        name = names.get(membership_id, "?")
        if (line.get("iks_paid") or 0) < 0:
            problems[line_key(membership_id, "iks_paid")] = _(MSG_LINE_NEGATIVE).format(name=name)
        attended = line.get("meetings_attended") or 0
        if attended > held:
            problems[line_key(membership_id, "meetings_attended")] = _(MSG_LINE_ATTENDED_TOO_MANY).format(
                name=name, attended=attended, held=held
            )
    return problems


def report_totals_from_lines(lines: Mapping[int, Mapping[str, int]], meetings_held: int) -> dict[str, Any]:
    """IKS collected is the sum of the lines; attendance the share of seats filled."""
    iks = sum(line.get("iks_paid") or 0 for line in lines.values())
    attendance = None
    if meetings_held and lines:
        seats = meetings_held * len(lines)
        attended = sum(line.get("meetings_attended") or 0 for line in lines.values())
        attendance = round(100 * attended / seats)
    return {"iks_collected": iks, "attendance_percent": attendance}


def _conflict(report: MonthlyReport | None, *, is_new: bool) -> ValidationError:
    record = report.history.select_related("history_user").first() if report is not None else None
    user = record.history_user if record else None
    moment = record.history_date if record else None
    message = MSG_CONFLICT_NEW if is_new else MSG_CONFLICT
    return ValidationError(_(message).format(user=_user_name(user), time=_when(moment)), code="conflict")


def _stale(report: MonthlyReport, version: int, *, actor) -> StaleEdit:
    """The month's report changed after the form was read (versioning, as every edit form): the
    message says who changed what (old → new, the office's return included), the form keeps what
    was typed and takes the current version, so saving again keeps the typed values."""
    if not version:  # the form was for a new report, and someone has written one since
        message = _conflict(report, is_new=True).messages[0]
    else:
        message = stale_message(report, version, actor=actor, fields=(*REPORT_FIELDS, "status", "review_comment"))
    return StaleEdit(message, current_version=report.version)


def _check_period(kube: Kube, period: dt.date) -> None:
    if period_not_yet(period, today=timezone.localdate()):
        raise ValidationError({"period": _(MSG_PERIOD_FUTURE).format(month=period_label(period))})
    if message := period_before_founding(period, founded_on=kube.founded_on):
        raise ValidationError({"period": message})


def _mark_submitted(report: MonthlyReport, actor) -> None:
    now = timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = actor
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now


@transaction.atomic
def report_save(
    *,
    actor,
    kube: Kube,
    period: dt.date,
    version: int,
    values: Mapping[str, Any],
    lines: Mapping[int, Mapping[str, int]] | None = None,
    submit: bool = False,
) -> MonthlyReport:
    """Create or change a group's report for a month; with `submit`, also submit it.

    `version` is the one the form was loaded with (0 for a new report). `lines`, when
    given, are the member lines (membership id -> iks_paid, meetings_attended); they
    replace the stored ones, and IKS collected and attendance follow from them.
    """
    period = month_start(period)
    # Serialises the first save of a month: two creators meet here, not at the constraint.
    kube = Kube.objects.select_for_update().get(pk=kube.pk)
    _check_period(kube, period)
    report = MonthlyReport.objects.select_for_update().filter(kube=kube, period=period).first()
    if report is None:
        if version:
            raise _conflict(None, is_new=False)
        report = MonthlyReport(kube=kube, period=period, version=0)
    elif version != report.version:
        raise _stale(report, version, actor=actor)
    elif not report.is_editable:
        raise ValidationError(_(MSG_NOT_EDITABLE).format(status=report.get_status_display().lower()))

    values = {field: values[field] for field in REPORT_FIELDS if field in values}
    lines = dict(lines or {})
    names = {}
    if lines:
        allowed = {m.pk: m for m in report_memberships(kube, period)}
        if report.pk:
            allowed |= {
                line.membership_id: line.membership
                for line in report.member_lines.select_related("membership__person")
                if line.membership_id not in allowed
            }
        if set(lines) - set(allowed):
            raise ValidationError(_(MSG_LINE_NOT_MEMBER))
        names = {pk: m.person.name for pk, m in allowed.items()}
    problems = report_problems(values, lines, names)
    if problems:
        raise ValidationError(problems)
    if lines:
        values |= report_totals_from_lines(lines, values.get("meetings_held") or 0)

    for field, value in values.items():
        setattr(report, field, value if value is not None or field == "attendance_percent" else 0)
    report.version += 1
    if submit:
        if not report.is_editable:
            raise ValidationError(_(MSG_CANNOT_SUBMIT).format(status=report.get_status_display().lower()))
        _mark_submitted(report, actor)
        report._change_reason = _("Diajukan")
    report._history_user = actor
    report.save()
    if lines:
        _save_lines(report, lines)
    return report


def _save_lines(report: MonthlyReport, lines: Mapping[int, Mapping[str, int]]) -> None:
    existing = {line.membership_id: line for line in report.member_lines.all()}
    changed, new = [], []
    for membership_id, line_values in lines.items():
        iks, attended = line_values.get("iks_paid") or 0, line_values.get("meetings_attended") or 0
        line = existing.pop(membership_id, None)
        if line is None:
            new.append(MemberLine(report=report, membership_id=membership_id, iks_paid=iks, meetings_attended=attended))
        elif (line.iks_paid, line.meetings_attended) != (iks, attended):
            line.iks_paid, line.meetings_attended = iks, attended
            changed.append(line)
    if existing:
        MemberLine.objects.filter(pk__in=[line.pk for line in existing.values()]).delete()
    MemberLine.objects.bulk_update(changed, ["iks_paid", "meetings_attended"])
    MemberLine.objects.bulk_create(new)


def _locked(report: MonthlyReport, version: int | None) -> MonthlyReport:
    locked = MonthlyReport.objects.select_for_update().select_related("kube").get(pk=report.pk)
    if version is not None and version != locked.version:
        raise _conflict(locked, is_new=False)
    return locked


def _transition(report: MonthlyReport, actor, reason: str) -> MonthlyReport:
    report.version += 1
    report._history_user = actor
    report._change_reason = reason
    report.save()
    return report


@transaction.atomic
def report_submit(*, actor, report: MonthlyReport, version: int | None = None) -> MonthlyReport:
    """Draft or returned -> submitted (the facilitator sends it to the office)."""
    report = _locked(report, version)
    if not report.is_editable:
        raise ValidationError(_(MSG_CANNOT_SUBMIT).format(status=report.get_status_display().lower()))
    _mark_submitted(report, actor)
    return _transition(report, actor, _("Diajukan"))


@transaction.atomic
def report_verify(*, actor, report: MonthlyReport, version: int | None = None) -> MonthlyReport:
    """Submitted -> verified: from now on read-only until an officer reopens it."""
    report = _locked(report, version)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_(MSG_NOT_SUBMITTED))
    report.status = ReportStatus.VERIFIED
    report.verified_by = actor
    report.verified_at = timezone.now()
    return _transition(report, actor, _("Diverifikasi"))


@transaction.atomic
def report_return(*, actor, report: MonthlyReport, comment: str, version: int | None = None) -> MonthlyReport:
    """Submitted -> returned with the officer's comment, for the facilitator to correct."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _(MSG_COMMENT_REQUIRED)})
    report = _locked(report, version)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_(MSG_NOT_SUBMITTED))
    report.status = ReportStatus.RETURNED
    report.review_comment = comment
    return _transition(report, actor, _("Dikembalikan: {comment}").format(comment=comment))


@transaction.atomic
def report_reopen(*, actor, report: MonthlyReport, reason: str, version: int | None = None) -> MonthlyReport:
    """Verified -> returned, with a required reason kept in the history."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _(MSG_REASON_REQUIRED)})
    report = _locked(report, version)
    if report.status != ReportStatus.VERIFIED:
        raise ValidationError(_(MSG_NOT_VERIFIED))
    report.status = ReportStatus.RETURNED
    report.review_comment = reason
    report.verified_by = None
    report.verified_at = None
    return _transition(report, actor, _("Dibuka kembali: {reason}").format(reason=reason))


# --- Grants, assets, products -------------------------------------------------------

GRANT_FIELDS = ("source", "amount", "received_on", "description")
ASSET_FIELDS = ("name", "acquired_on", "value", "disposed_on")
PRODUCT_FIELDS = ("kind", "name", "description", "started_on", "ended_on")


def _check_not_future(model, values: Mapping[str, Any], *fields: str) -> dict[str, str]:
    today = timezone.localdate()
    return {
        field: _(MSG_DATE_FUTURE).format(field=_label(model, field))
        for field in fields
        if values.get(field) and values[field] > today
    }


def _check_not_before(model, values: Mapping[str, Any], field: str, other: str) -> dict[str, str]:
    if values.get(field) and values.get(other) and values[field] < values[other]:
        return {
            field: _(MSG_DATE_BEFORE).format(
                field=_label(model, field),
                other=_label(model, other).lower(),
                date=date_format(values[other], "j M Y"),
            )
        }
    return {}


def _check_amounts(model, values: Mapping[str, Any], *fields: str, positive: bool = False) -> dict[str, str]:
    errors = {}
    for field in fields:
        amount = values.get(field)
        if amount is None:
            continue
        if amount < 0 or (positive and amount == 0):
            message = MSG_AMOUNT_POSITIVE if positive else MSG_NEGATIVE
            errors[field] = _(message).format(field=_label(model, field))
    return errors


def _save(instance, actor, *, duplicate_detail: str):
    instance._history_user = actor
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(_(MSG_DUPLICATE).format(detail=duplicate_detail)) from exc
    return instance


def _apply(instance, values: Mapping[str, Any], fields: tuple[str, ...]) -> bool:
    changed = False
    for field in fields:
        if field in values and getattr(instance, field) != values[field]:
            setattr(instance, field, values[field])
            changed = True
    return changed


def grant_check(values: Mapping[str, Any]) -> None:
    errors = _check_amounts(Grant, values, "amount") | _check_not_future(Grant, values, "received_on")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def grant_create(*, actor, kube: Kube, **values: Any) -> Grant:
    grant_check(values)
    grant = Grant(kube=kube, **{f: v for f, v in values.items() if f in GRANT_FIELDS})
    return _save(grant, actor, duplicate_detail=str(grant))


@transaction.atomic
def grant_update(*, actor, grant: Grant, version: int | None = None, **values: Any) -> Grant:
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    version_check(grant, version, actor=actor, fields=GRANT_FIELDS)
    grant_check({f: getattr(grant, f) for f in GRANT_FIELDS} | values)
    if _apply(grant, values, GRANT_FIELDS):
        version_bump(grant)
        _save(grant, actor, duplicate_detail=str(grant))
    return grant


def asset_check(values: Mapping[str, Any]) -> None:
    errors = (
        _check_amounts(Asset, values, "value")
        | _check_not_future(Asset, values, "acquired_on", "disposed_on")
        | _check_not_before(Asset, values, "disposed_on", "acquired_on")
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def asset_create(*, actor, kube: Kube, **values: Any) -> Asset:
    asset_check(values)
    asset = Asset(kube=kube, **{f: v for f, v in values.items() if f in ASSET_FIELDS})
    return _save(asset, actor, duplicate_detail=f"{asset.name} ({asset.acquired_on:%d-%m-%Y})")


@transaction.atomic
def asset_update(*, actor, asset: Asset, version: int | None = None, **values: Any) -> Asset:
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    version_check(asset, version, actor=actor, fields=ASSET_FIELDS)
    asset_check({f: getattr(asset, f) for f in ASSET_FIELDS} | values)
    if _apply(asset, values, ASSET_FIELDS):
        version_bump(asset)
        _save(asset, actor, duplicate_detail=f"{asset.name} ({asset.acquired_on:%d-%m-%Y})")
    return asset


def product_check(values: Mapping[str, Any]) -> None:
    errors = _check_not_before(Product, values, "ended_on", "started_on")
    today = month_start(timezone.localdate())
    for field in ("started_on", "ended_on"):
        if values.get(field) and values[field] > today:
            errors[field] = _(MSG_DATE_FUTURE).format(field=_label(Product, field))
    if errors:
        raise ValidationError(errors)


def _product_months(values: dict[str, Any]) -> dict[str, Any]:
    for field in ("started_on", "ended_on"):
        if values.get(field):
            values[field] = month_start(values[field])
    return values


@transaction.atomic
def product_create(*, actor, kube: Kube, **values: Any) -> Product:
    values = _product_months(dict(values))
    product_check(values)
    product = Product(kube=kube, **{f: v for f, v in values.items() if f in PRODUCT_FIELDS})
    return _save(product, actor, duplicate_detail=product.name)


@transaction.atomic
def product_update(*, actor, product: Product, version: int | None = None, **values: Any) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    version_check(product, version, actor=actor, fields=PRODUCT_FIELDS)
    values = _product_months(dict(values))
    product_check({f: getattr(product, f) for f in PRODUCT_FIELDS} | values)
    if _apply(product, values, PRODUCT_FIELDS):
        version_bump(product)
        _save(product, actor, duplicate_detail=product.name)
    return product


# --- Loans and repayments -------------------------------------------------------------


def loan_default_due_on(lent_on: dt.date) -> dt.date:
    """Simpan pinjam loans are repaid within three months."""
    return add_months(lent_on, 3)


def loan_warnings(amount: int) -> list[str]:
    """The group's limit per loan warns; it never refuses (groups decide in musyawarah)."""
    limit = loan_limit()
    if amount > limit:
        return [_(MSG_LOAN_ABOVE_LIMIT).format(amount=format_rupiah(amount), limit=format_rupiah(limit))]
    return []


def loan_check(values: Mapping[str, Any]) -> None:
    errors = (
        _check_amounts(Loan, values, "amount", positive=True)
        | _check_not_future(Loan, values, "lent_on")
        | _check_not_before(Loan, values, "due_on", "lent_on")
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def loan_create(
    *,
    actor,
    kube: Kube,
    membership: Membership,
    amount: int,
    lent_on: dt.date,
    due_on: dt.date | None = None,
    note: str = "",
) -> tuple[Loan, list[str]]:
    """Record a loan from group cash; returns it with any warnings to show."""
    if membership.kube_id != kube.pk:
        raise ValidationError({"membership": _(MSG_LOAN_MEMBER_OTHER_GROUP)})
    due_on = due_on or loan_default_due_on(lent_on)
    loan_check({"amount": amount, "lent_on": lent_on, "due_on": due_on})
    loan = Loan(kube=kube, membership=membership, amount=amount, lent_on=lent_on, due_on=due_on, note=note.strip())
    _save(loan, actor, duplicate_detail=str(loan))
    return loan, loan_warnings(amount)


@transaction.atomic
def loan_update(
    *,
    actor,
    loan: Loan,
    amount: int,
    lent_on: dt.date,
    due_on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
) -> tuple[Loan, list[str]]:
    loan = Loan.objects.select_for_update().select_related("membership__person").get(pk=loan.pk)
    version_check(loan, version, actor=actor, fields=("amount", "lent_on", "due_on", "note", "repaid_on"))
    due_on = due_on or loan_default_due_on(lent_on)
    loan_check({"amount": amount, "lent_on": lent_on, "due_on": due_on})
    values = {"amount": amount, "lent_on": lent_on, "due_on": due_on, "note": note.strip()}
    if _apply(loan, values, tuple(values)):
        loan.repaid_on = _repaid_on(loan, sum(r.amount for r in loan.repayments.all()))
        version_bump(loan)
        _save(loan, actor, duplicate_detail=str(loan))
    return loan, loan_warnings(amount)


def _repaid_on(loan: Loan, repaid: int) -> dt.date | None:
    if repaid < loan.amount:
        return None
    last = loan.repayments.order_by("-paid_on").values_list("paid_on", flat=True).first()
    return max(last or loan.lent_on, loan.lent_on)


@transaction.atomic
def repayment_add(*, actor, loan: Loan, paid_on: dt.date, amount: int) -> Repayment:
    """Record a repayment; the loan is marked repaid when the repayments reach its amount."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    errors = _check_amounts(Repayment, {"amount": amount}, "amount", positive=True)
    errors |= _check_not_future(Repayment, {"paid_on": paid_on}, "paid_on")
    if paid_on < loan.lent_on:
        errors["paid_on"] = _(MSG_DATE_BEFORE).format(
            field=_label(Repayment, "paid_on"),
            other=_label(Loan, "lent_on").lower(),
            date=date_format(loan.lent_on, "j M Y"),
        )
    if errors:
        raise ValidationError(errors)
    repaid = sum(loan.repayments.values_list("amount", flat=True))
    outstanding = loan.amount - repaid
    if outstanding <= 0:
        raise ValidationError(_(MSG_LOAN_ALREADY_REPAID))
    if amount > outstanding:
        raise ValidationError(
            {
                "amount": _(MSG_REPAYMENT_TOO_MUCH).format(
                    amount=format_rupiah(amount), outstanding=format_rupiah(outstanding)
                )
            }
        )
    repayment = Repayment(loan=loan, paid_on=paid_on, amount=amount)
    repayment._history_user = actor
    repayment.save()
    # A repayment changes what is owed: a loan form read before it is stale.
    version_bump(loan)
    if repaid + amount >= loan.amount:
        loan.repaid_on = max(paid_on, *loan.repayments.values_list("paid_on", flat=True))
    loan._history_user = actor
    loan.save()
    return repayment
