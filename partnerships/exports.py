"""The `kemitraan` sheet out: an .xlsx or a CSV that `import_registry` reads back.

`kemitraan_sheet_rows` is the sheet in the registry export (`export_registry`, the
group list's export), registered in `PartnershipsConfig.ready()`; the other functions
serve the partnerships' own export of the city view. The shared writers of
`kube_registry.exporting` escape every text cell against formula injection; dates
stay dates in the .xlsx and are ISO dates in the CSV.
"""

import io
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet

from groups.models import Kube
from kube_registry.exporting import csv_bytes, write_csv, write_xlsx

from .models import Partnership
from .resources import kemitraan_columns, kemitraan_rows

SHEET = "kemitraan"


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
