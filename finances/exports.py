"""The `bantuan`, `aset`, `pinjaman` and `laporan_bulanan` sheets of the registry export.

Registered with `kube_registry.exporting` in `FinancesConfig.ready()`: each rows
function takes the groups to export and yields their rows in the columns of the import
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
from kube_registry.masking import present_personal

from .models import REPORTED_STATUSES, Asset, Grant, Loan, MonthlyReport
from .resources import REPORT_COLUMNS, AsetResource, BantuanResource, LaporanBulananResource, PinjamanResource

CHUNK = 2_000


def bantuan_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    render_source = BantuanResource.fields["sumber"].widget.render
    rows = (
        Grant.objects.filter(kube__in=kubes)
        .order_by("kube__no_registrasi", "received_on", "source")
        .values_list("kube__no_registrasi", "source", "amount", "received_on", "description")
    )
    for number, source, amount, received_on, description in rows.iterator(chunk_size=CHUNK):
        yield [number, render_source(source), amount, received_on, description]


def aset_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    rows = (
        Asset.objects.filter(kube__in=kubes)
        .order_by("kube__no_registrasi", "acquired_on", "name")
        .values_list("kube__no_registrasi", "name", "value", "acquired_on", "disposed_on")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield list(row)


def pinjaman_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    rows = (
        Loan.objects.filter(kube__in=kubes)
        .annotate(repaid=Coalesce(Sum("repayments__amount"), 0))
        .order_by("kube__no_registrasi", "membership__person__name", "lent_on", "pk")
        .values_list("membership__person__nik", "amount", "lent_on", "due_on", "repaid", "repaid_on")
    )
    for nik, amount, lent_on, due_on, repaid, repaid_on in rows.iterator(chunk_size=CHUNK):
        shown = present_personal(can_see=can_see_personal_data, nik=nik, export=True)
        yield [shown.nik, amount, lent_on, due_on, repaid, repaid_on]


def laporan_bulanan_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """Submitted and verified reports only (see the module's docstring)."""
    render_period = LaporanBulananResource.fields["periode"].widget.render
    columns = LaporanBulananResource.column_names()[2:]  # after no_registrasi, periode
    rows = (
        MonthlyReport.objects.filter(kube__in=kubes, status__in=REPORTED_STATUSES)
        .order_by("kube__no_registrasi", "period")
        .values_list("kube__no_registrasi", "period", *(REPORT_COLUMNS[column] for column in columns))
    )
    for number, period, *values in rows.iterator(chunk_size=CHUNK):
        yield [number, render_period(period), *values]


def register_export_sheets() -> None:
    from kube_registry.exporting import register_export_sheet

    register_export_sheet("bantuan", BantuanResource.column_names(), bantuan_rows)
    register_export_sheet("aset", AsetResource.column_names(), aset_rows)
    register_export_sheet("pinjaman", PinjamanResource.column_names(), pinjaman_rows)
    register_export_sheet("laporan_bulanan", LaporanBulananResource.column_names(), laporan_bulanan_rows)
