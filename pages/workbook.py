"""The registry workbook (contract 4): its sheets in order, for the import and the export.

Read top to bottom, this is the whole workbook. Each sheet names its import sheet
class (how a file's rows are checked and written) and its export (the column table and
the rows function of the registry export). The import applies the sheets in this
order, so a row may refer to a group or member created earlier in the same file; the
formation sheet `usulan` comes after the contract's nine (a file may create a
facilitator's groups and propose new ones at once) and has no registry export of its
own (the proposal list exports it, formation/exports.py).

The kelompok sheet's export carries columns other apps compute (`KELOMPOK_ADDED`):
the latest assessment's kategori, skor and tanggal_penilaian.

To add a sheet: write its `Sheet` subclass (app/resources.py) and its column table and
rows function (app/exports.py), then add one line to `WORKBOOK` below.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from assessments.exports import ASSESSMENT_COLUMNS, latest_assessment_columns
from finances import exports as finances_exports
from finances.resources import AsetSheet, BantuanSheet, LaporanBulananSheet, PinjamanSheet
from formation.resources import UsulanSheet
from groups import exports as groups_exports
from groups.exports import AddedColumns
from groups.resources import AnggotaSheet, KelompokSheet
from kube_registry.exporting import ExportSheet
from kube_registry.import_template import template_workbook_bytes
from kube_registry.importing import ImportFileError, ImportResult, Sheet, Workbook, normalize_name, run_import
from monitoring import exports as monitoring_exports
from monitoring.resources import KunjunganSheet, PelatihanSheet
from partnerships import exports as partnerships_exports
from partnerships.resources import KemitraanSheet

# Columns of the kelompok sheet that later apps compute, in the file's order.
KELOMPOK_ADDED: tuple[AddedColumns, ...] = (AddedColumns(ASSESSMENT_COLUMNS, latest_assessment_columns),)


def kelompok_rows(kubes, *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    return groups_exports.kelompok_rows(kubes, can_see_personal_data=can_see_personal_data, added=KELOMPOK_ADDED)


@dataclass(frozen=True)
class WorkbookSheet:
    name: str
    sheet: type[Sheet]
    export: ExportSheet | None = None


def _export(name: str, columns, rows) -> ExportSheet:
    return ExportSheet(name=name, columns=columns, rows=rows)


WORKBOOK: tuple[WorkbookSheet, ...] = (
    WorkbookSheet(
        "kelompok",
        KelompokSheet,
        _export("kelompok", groups_exports.kelompok_columns(KELOMPOK_ADDED), kelompok_rows),
    ),
    WorkbookSheet(
        "anggota",
        AnggotaSheet,
        _export("anggota", groups_exports.ANGGOTA_COLUMNS, groups_exports.anggota_rows),
    ),
    WorkbookSheet(
        "bantuan",
        BantuanSheet,
        _export("bantuan", finances_exports.BANTUAN_COLUMNS, finances_exports.bantuan_rows),
    ),
    WorkbookSheet(
        "kemitraan",
        KemitraanSheet,
        _export("kemitraan", partnerships_exports.KEMITRAAN_COLUMNS, partnerships_exports.kemitraan_sheet_rows),
    ),
    WorkbookSheet(
        "aset",
        AsetSheet,
        _export("aset", finances_exports.ASET_COLUMNS, finances_exports.aset_rows),
    ),
    WorkbookSheet(
        "pinjaman",
        PinjamanSheet,
        _export("pinjaman", finances_exports.PINJAMAN_COLUMNS, finances_exports.pinjaman_rows),
    ),
    WorkbookSheet(
        "laporan_bulanan",
        LaporanBulananSheet,
        _export("laporan_bulanan", finances_exports.LAPORAN_BULANAN_COLUMNS, finances_exports.laporan_bulanan_rows),
    ),
    WorkbookSheet(
        "kunjungan",
        KunjunganSheet,
        _export("kunjungan", monitoring_exports.KUNJUNGAN_COLUMNS, monitoring_exports.kunjungan_rows),
    ),
    WorkbookSheet(
        "pelatihan",
        PelatihanSheet,
        _export("pelatihan", monitoring_exports.PELATIHAN_COLUMNS, monitoring_exports.pelatihan_rows),
    ),
    WorkbookSheet("usulan", UsulanSheet),
)

# What the engine and the export writers take: import sheets by name, export sheets in order.
IMPORT_SHEETS: dict[str, type[Sheet]] = {entry.name: entry.sheet for entry in WORKBOOK}
EXPORT_SHEETS: tuple[ExportSheet, ...] = tuple(entry.export for entry in WORKBOOK if entry.export is not None)


def export_sheet(name: str) -> ExportSheet:
    wanted = normalize_name(name)
    for sheet in EXPORT_SHEETS:
        if sheet.name == wanted:
            return sheet
    raise ImproperlyConfigured(f"No export sheet {name!r} in the workbook.")


def import_workbook(source, **options) -> ImportResult:
    """`run_import` with the workbook's sheets (options: filename, actor, dry_run, progress)."""
    return run_import(source, sheets=IMPORT_SHEETS, **options)


def import_row_count(source, *, filename: str | None = None) -> int:
    """The data rows an import of this file would read (its known sheets), counted without reading them.

    0 for a file that cannot be opened: the import itself then says why.
    """
    try:
        with Workbook(source, filename) as workbook:
            titles = {}
            for title in workbook.sheet_titles():
                titles.setdefault(normalize_name(title), title)
            return sum(workbook.row_count(title) for name, title in titles.items() if name in IMPORT_SHEETS)
    except ImportFileError:
        return 0


def workbook_template() -> bytes:
    """The blank workbook of the import page: every import sheet, in order."""
    return template_workbook_bytes(IMPORT_SHEETS)
