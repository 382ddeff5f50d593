"""The `bantuan`, `aset`, `pinjaman` and `laporan_bulanan` sheets of the registry export.

One column table per sheet (kube_registry.exporting.Column), named in pages/workbook.py;
each rows function takes the groups to export and yields their rows in the columns of the import
sheet (finances.resources), with values as the import reads them, so an unmasked
export imports back unchanged. One query per sheet, whatever the number of rows.

- `bantuan`, `aset`: every grant and asset of the groups (disposed assets too).
- `pinjaman`: every loan of the groups' members, past ones too; `dibayar` is the sum
  of its repayments. The NIK is masked unless the reader may see personal data.
- `laporan_bulanan`: the submitted and verified reports (finances.models
  .REPORTED_STATUSES), the ones whose figures count in the app. Drafts and returned
  reports are still being written and stay out. An import stores every report as
  verified, so a submitted report exported and imported into another registry arrives
  verified; imported back into the same registry it is `unchanged`.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from groups.models import Kube
from kube_registry.exporting import Column, table_rows

from .models import REPORTED_STATUSES, Asset, Grant, Loan, MonthlyReport
from .resources import REPORT_COLUMNS, BantuanSheet, LaporanBulananSheet

BANTUAN_COLUMNS = (
    Column("no_registrasi", "kube__no_registrasi"),
    Column("sumber", "source", BantuanSheet.widget("sumber").render),
    Column("jumlah", "amount"),
    Column("tanggal", "received_on"),
    Column("keterangan", "description"),
)
ASET_COLUMNS = (
    Column("no_registrasi", "kube__no_registrasi"),
    Column("nama_aset", "name"),
    Column("nilai", "value"),
    Column("tanggal_perolehan", "acquired_on"),
    Column("tanggal_dilepas", "disposed_on"),
)
PINJAMAN_COLUMNS = (
    Column("nik", "membership__person__nik", personal="nik"),
    Column("jumlah", "amount"),
    Column("tanggal", "lent_on"),
    Column("jatuh_tempo", "due_on"),
    Column("dibayar", "repaid"),  # the sum of its repayments (annotated)
    Column("tanggal_lunas", "repaid_on"),
)
LAPORAN_BULANAN_COLUMNS = (
    Column("no_registrasi", "kube__no_registrasi"),
    Column("periode", "period", LaporanBulananSheet.widget("periode").render),
    *(Column(column, field) for column, field in REPORT_COLUMNS.items()),
)


def bantuan_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    grants = Grant.objects.filter(kube__in=kubes).order_by("kube__no_registrasi", "received_on", "source")
    return table_rows(grants, BANTUAN_COLUMNS, can_see_personal_data=can_see_personal_data)


def aset_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    assets = Asset.objects.filter(kube__in=kubes).order_by("kube__no_registrasi", "acquired_on", "name")
    return table_rows(assets, ASET_COLUMNS, can_see_personal_data=can_see_personal_data)


def pinjaman_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    loans = (
        Loan.objects.filter(kube__in=kubes)
        .annotate(repaid=Coalesce(Sum("repayments__amount"), 0))
        .order_by("kube__no_registrasi", "membership__person__name", "lent_on", "pk")
    )
    return table_rows(loans, PINJAMAN_COLUMNS, can_see_personal_data=can_see_personal_data)


def laporan_bulanan_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """Submitted and verified reports only (see the module's docstring)."""
    reports = MonthlyReport.objects.filter(kube__in=kubes, status__in=REPORTED_STATUSES).order_by(
        "kube__no_registrasi", "period"
    )
    return table_rows(reports, LAPORAN_BULANAN_COLUMNS, can_see_personal_data=can_see_personal_data)
