"""The `kemitraan` sheet out: an .xlsx or a CSV that `import_registry` reads back.

`KEMITRAAN_COLUMNS` is the sheet's column table; `kemitraan_sheet_rows` the sheet in
the registry export (`export_registry`, the group list's export, pages/workbook.py);
the other functions
serve the partnerships' own export of the city view. The shared writers of
`kube_registry.exporting` escape every text cell against formula injection; dates
stay dates in the .xlsx and are ISO dates in the CSV.
"""

import io
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet

from groups.models import Kube
from kube_registry.exporting import Column, csv_bytes, header, table_rows, write_csv, write_xlsx

from .models import FORM_FIELDS, Partnership
from .resources import KemitraanSheet

SHEET = "kemitraan"
_write_forms = KemitraanSheet.widget("bentuk").render

KEMITRAAN_COLUMNS = (
    Column("no_registrasi", "kube__no_registrasi"),
    Column("mitra", "partner__name"),
    Column("jenis_mitra", "partner__kind", KemitraanSheet.widget("jenis_mitra").render),
    # The form flags, one boolean a form, written as the import reads them: "koordinasi, pemasaran".
    Column(
        "bentuk",
        tuple(FORM_FIELDS.values()),
        lambda *marks: _write_forms([form for form, mark in zip(FORM_FIELDS, marks, strict=True) if mark]),
    ),
    Column("mulai", "started_on"),
    Column("selesai", "ended_on"),
)


def kemitraan_columns() -> list[str]:
    return header(KEMITRAAN_COLUMNS)


def kemitraan_rows(partnerships: QuerySet[Partnership]) -> Iterator[list[Any]]:
    """One list per partnership (past ones too), in `KEMITRAAN_COLUMNS` order; dates stay dates."""
    ordered = partnerships.order_by("kube__no_registrasi", "partner__name", "started_on")
    return table_rows(ordered, KEMITRAAN_COLUMNS, can_see_personal_data=False)


def kemitraan_sheet_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """The partnerships (past ones too) of `kubes`; nothing personal in this sheet."""
    return kemitraan_rows(Partnership.objects.filter(kube__in=kubes))


def write_kemitraan_xlsx(partnerships: QuerySet[Partnership], output: IO[bytes]) -> int:
    """The kemitraan sheet of `partnerships` into `output`; returns the number of rows."""
    return write_xlsx(output, [(SHEET, kemitraan_columns(), kemitraan_rows(partnerships))])[SHEET]


def write_kemitraan_csv(partnerships: QuerySet[Partnership], output: IO[str]) -> int:
    """The kemitraan sheet as CSV (comma, UTF-8; open the file with newline="")."""
    return write_csv(output, kemitraan_columns(), kemitraan_rows(partnerships))


def kemitraan_xlsx_bytes(partnerships: QuerySet[Partnership]) -> bytes:
    buffer = io.BytesIO()
    write_kemitraan_xlsx(partnerships, buffer)
    return buffer.getvalue()


def kemitraan_csv_bytes(partnerships: QuerySet[Partnership]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Indonesian names correctly."""
    return csv_bytes(kemitraan_columns(), kemitraan_rows(partnerships))
