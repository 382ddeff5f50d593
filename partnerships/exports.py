"""The `kemitraan` sheet out: an .xlsx or a CSV that `import_registry` reads back.

Every text cell is escaped against formula injection; dates stay dates in the .xlsx
and are ISO dates in the CSV.
"""

import csv
import io
from typing import IO, Any

from django.db.models import QuerySet

from groups.exports import XlsxWriter
from kube_registry.values import escape_csv_cell

from .models import Partnership
from .resources import kemitraan_columns, kemitraan_rows

SHEET = "kemitraan"


def _text_cell(value: Any) -> Any:
    return escape_csv_cell(value) if isinstance(value, str) else value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _text_cell(value)


def write_kemitraan_xlsx(partnerships: QuerySet[Partnership], output: IO[bytes]) -> int:
    """The kemitraan sheet of `partnerships` into `output`; returns the number of rows."""
    with XlsxWriter(output) as workbook:
        rows = ([_text_cell(value) for value in row] for row in kemitraan_rows(partnerships))
        return workbook.add_sheet(SHEET, kemitraan_columns(), rows)


def write_kemitraan_csv(partnerships: QuerySet[Partnership], output: IO[str]) -> int:
    """The kemitraan sheet as CSV (comma, UTF-8; open the file with newline="")."""
    writer = csv.writer(output)
    writer.writerow(kemitraan_columns())
    count = 0
    for row in kemitraan_rows(partnerships):
        writer.writerow([_csv_value(value) for value in row])
        count += 1
    return count


def kemitraan_xlsx_bytes(partnerships: QuerySet[Partnership]) -> bytes:
    buffer = io.BytesIO()
    write_kemitraan_xlsx(partnerships, buffer)
    return buffer.getvalue()


def kemitraan_csv_bytes(partnerships: QuerySet[Partnership]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Indonesian names correctly."""
    buffer = io.StringIO(newline="")
    write_kemitraan_csv(partnerships, buffer)
    return buffer.getvalue().encode("utf-8-sig")
