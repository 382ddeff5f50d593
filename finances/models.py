"""Money and business records of a group: monthly reports with member lines, grants,
assets, member loans with repayments, and products and activities over time.

Money is whole Rupiah in BigIntegerField, never a float; every amount is ≥ 0 in the
database. Months are stored as their first day.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import Kube, Membership
from kube_registry.versioning import version_field


def money_field(verbose_name, **kwargs) -> models.BigIntegerField:
    return models.BigIntegerField(verbose_name, default=0, **kwargs)


def non_negative(name: str, *fields: str) -> models.CheckConstraint:
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__gte": 0})
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_message=_("Jumlah uang tidak boleh negatif.")
    )


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    VERIFIED = "verified", _("Terverifikasi")


# Reports whose numbers count in totals, tables and charts: a draft is not yet a
# report, and a returned one is being corrected.
REPORTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)
# Reports the facilitator may still edit.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class MonthlyReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MonthlyReportQuerySet":
        """Reports of the groups `user` may see (a facilitator: their own groups)."""
        return self.filter(kube__in=Kube.objects.visible_to(user))

    def reported(self) -> "MonthlyReportQuerySet":
        return self.filter(status__in=REPORTED_STATUSES)


# A monthly report's amounts of money, none negative (the constraint, the service and the import).
REPORT_MONEY_FIELDS = (
    "income",
    "expenses",
    "kept_in_cash",
    "shared_to_members",
    "iks_collected",
    "cash_in_hand",
    "cash_in_bank",
)


class MonthlyReport(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="monthly_reports", verbose_name=_("KUBE"))
    period = models.DateField(_("bulan"), help_text=_("Tanggal 1 bulan laporan."))
    income = money_field(_("pendapatan (omzet)"))
    expenses = money_field(_("pengeluaran"))
    kept_in_cash = money_field(_("disisihkan ke kas kelompok"))
    shared_to_members = money_field(_("dibagikan ke anggota"))
    iks_collected = money_field(_("IKS terkumpul"))
    cash_in_hand = money_field(_("saldo kas akhir bulan"))
    cash_in_bank = money_field(_("saldo bank akhir bulan"))
    meetings_held = models.PositiveSmallIntegerField(_("jumlah pertemuan"), default=0)
    attendance_percent = models.PositiveSmallIntegerField(_("kehadiran (%)"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    problems = models.TextField(_("masalah"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # Optimistic locking: every save increments it; a form posting an older one is refused.
    version = models.PositiveIntegerField(_("versi"), default=1)
    is_imported = models.BooleanField(_("diimpor"), default=False)
    review_comment = models.TextField(_("catatan petugas"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diajukan oleh"),
    )
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    # Timeliness is measured from the first submission, not from a corrected one.
    first_submitted_at = models.DateTimeField(_("pertama diajukan pada"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    # Reasons (a reopen's, a return's comment) can be long: a text field, not 100 characters.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["kube", "-period"]
        verbose_name = _("laporan bulanan")
        verbose_name_plural = _("laporan bulanan")
        permissions = [("verify_monthlyreport", _("Dapat memverifikasi, mengembalikan dan membuka laporan bulanan"))]
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "period"],
                name="monthlyreport_one_per_kube_period",
                violation_error_message=_("Laporan bulan ini sudah ada untuk KUBE ini."),
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="monthlyreport_period_first_of_month"),
            non_negative("monthlyreport_money_not_negative", *REPORT_MONEY_FIELDS),
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True) | Q(attendance_percent__lte=100),
                name="monthlyreport_attendance_at_most_100",
                violation_error_message=_("Kehadiran tidak boleh lebih dari 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kube.name} {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("finances:report_detail", kwargs={"report_pk": self.pk})

    @property
    def profit(self) -> int:
        return self.income - self.expenses

    @property
    def cash_total(self) -> int:
        return self.cash_in_hand + self.cash_in_bank

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def period_key(self) -> str:
        return f"{self.period:%Y-%m}"


class MemberLine(models.Model):
    """One active member's IKS dues and meeting attendance in one report."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="member_lines", verbose_name=_("laporan")
    )
    # RESTRICT: a member's lines keep their membership, unless the whole group goes.
    membership = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="report_lines", verbose_name=_("anggota")
    )
    iks_paid = money_field(_("IKS dibayar"))
    meetings_attended = models.PositiveSmallIntegerField(_("pertemuan dihadiri"), default=0)

    class Meta:
        ordering = ["report", "membership"]
        verbose_name = _("baris anggota")
        verbose_name_plural = _("baris anggota")
        constraints = [
            models.UniqueConstraint(fields=["report", "membership"], name="memberline_one_per_report_membership"),
            non_negative("memberline_iks_not_negative", "iks_paid"),
        ]

    def __str__(self) -> str:
        return f"{self.report} — {self.membership_id}"


class GrantSource(models.TextChoices):
    KEMENSOS = "kemensos", _("Kemensos (UEP)")
    APBD = "apbd", _("APBD kota")
    BLPS = "blps", _("BLPS")
    KUBE_LKM = "kube_lkm", _("KUBE-LKM")
    CSR = "csr", _("CSR perusahaan")
    LAINNYA = "lainnya", _("Lainnya")


class Grant(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="grants", verbose_name=_("KUBE"))
    source = models.CharField(_("sumber"), max_length=20, choices=GrantSource.choices)
    amount = models.BigIntegerField(_("jumlah"))
    received_on = models.DateField(_("tanggal diterima"))
    description = models.TextField(_("keterangan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()

    class Meta:
        ordering = ["kube", "received_on"]
        verbose_name = _("bantuan")
        verbose_name_plural = _("bantuan")
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "source", "received_on"],
                name="grant_one_per_kube_source_day",
                violation_error_message=_("Bantuan dari sumber ini pada tanggal ini sudah tercatat."),
            ),
            non_negative("grant_amount_not_negative", "amount"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.received_on:%Y-%m-%d}"


class AssetQuerySet(models.QuerySet):
    def held_on(self, day: dt.date) -> "AssetQuerySet":
        """Acquired on or before `day` and not yet disposed of (ASSESSMENT.md)."""
        return self.filter(Q(disposed_on__isnull=True) | Q(disposed_on__gt=day), acquired_on__lte=day)


class Asset(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="assets", verbose_name=_("KUBE"))
    name = models.CharField(_("nama aset"), max_length=150)
    acquired_on = models.DateField(_("tanggal perolehan"))
    value = models.BigIntegerField(_("nilai"))
    disposed_on = models.DateField(_("tanggal dilepas"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()
    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["kube", "acquired_on", "name"]
        verbose_name = _("aset")
        verbose_name_plural = _("aset")
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "name", "acquired_on"],
                name="asset_one_per_kube_name_day",
                violation_error_message=_("Aset dengan nama dan tanggal perolehan ini sudah tercatat."),
            ),
            non_negative("asset_value_not_negative", "value"),
            models.CheckConstraint(
                condition=Q(disposed_on__isnull=True) | Q(disposed_on__gte=models.F("acquired_on")),
                name="asset_disposed_after_acquired",
                violation_error_message=_("Tanggal dilepas tidak boleh sebelum tanggal perolehan."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LoanQuerySet(models.QuerySet):
    def overdue_on(self, day: dt.date) -> "LoanQuerySet":
        """Due before `day` and not repaid by then."""
        return self.filter(Q(repaid_on__isnull=True) | Q(repaid_on__gt=day), due_on__lt=day, lent_on__lte=day)


class Loan(models.Model):
    """An interest-free loan from group cash to a member (simpan pinjam)."""

    # The group lends from its cash; the borrower is one of its members (checked in the service).
    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="loans", verbose_name=_("KUBE"))
    membership = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="loans", verbose_name=_("peminjam")
    )
    amount = models.BigIntegerField(_("jumlah pinjaman"))
    lent_on = models.DateField(_("tanggal pinjam"))
    due_on = models.DateField(_("jatuh tempo"))
    # Set when repayments reach the amount; a loan repaid in full is no longer overdue.
    repaid_on = models.DateField(_("tanggal lunas"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()
    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["-lent_on"]
        verbose_name = _("pinjaman anggota")
        verbose_name_plural = _("pinjaman anggota")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "lent_on"],
                name="loan_one_per_membership_day",
                violation_error_message=_("Anggota ini sudah tercatat meminjam pada tanggal ini."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="loan_amount_positive",
                violation_error_message=_("Jumlah pinjaman harus lebih dari nol."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("lent_on")),
                name="loan_due_after_lent",
                violation_error_message=_("Jatuh tempo tidak boleh sebelum tanggal pinjam."),
            ),
            models.CheckConstraint(
                condition=Q(repaid_on__isnull=True) | Q(repaid_on__gte=models.F("lent_on")),
                name="loan_repaid_after_lent",
                violation_error_message=_("Tanggal lunas tidak boleh sebelum tanggal pinjam."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.person} {self.lent_on:%Y-%m-%d}"


class Repayment(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="repayments", verbose_name=_("pinjaman"))
    paid_on = models.DateField(_("tanggal bayar"))
    amount = models.BigIntegerField(_("jumlah"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["loan", "paid_on", "pk"]
        verbose_name = _("angsuran")
        verbose_name_plural = _("angsuran")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="repayment_amount_positive",
                violation_error_message=_("Jumlah angsuran harus lebih dari nol."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} {self.paid_on:%Y-%m-%d}"


class ProductKind(models.TextChoices):
    PRODUK = "produk", _("Produk")
    KEGIATAN = "kegiatan", _("Kegiatan usaha")


class Product(models.Model):
    """A product or business activity, from the month it began to the month it ended."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="products", verbose_name=_("KUBE"))
    kind = models.CharField(_("jenis"), max_length=20, choices=ProductKind.choices, default=ProductKind.PRODUK)
    name = models.CharField(_("nama"), max_length=150)
    description = models.TextField(_("keterangan"), blank=True)
    started_on = models.DateField(_("mulai (bulan)"))
    ended_on = models.DateField(_("berhenti (bulan)"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()

    class Meta:
        ordering = ["kube", "started_on", "name"]
        verbose_name = _("produk atau kegiatan")
        verbose_name_plural = _("produk dan kegiatan")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="product_ended_after_started",
                violation_error_message=_("Bulan berhenti tidak boleh sebelum bulan mulai."),
            ),
            models.CheckConstraint(
                condition=Q(started_on__day=1) & (Q(ended_on__isnull=True) | Q(ended_on__day=1)),
                name="product_months_first_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
