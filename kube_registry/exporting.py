"""The registry export: sheets of contract 4 written from declarative column tables.

Each export sheet is a name, a column table and a rows function. A column table is a
tuple of `Column`s, one per column in the file's order: its name (the import sheet's
column), where its value is read (`source`: a `values_list` path, or several) and how
it is written (`write`: the import widget's `render`, so an export reads back the
same; `personal`: masked unless the reader may see personal data). The header and the
rows come from the same table, so they cannot drift apart.

A rows function

    rows(kubes, *, can_see_personal_data) -> Iterator[list]

yields one list per row, in column order, for the groups of `kubes` (a `Kube`
queryset: every group for `export_registry`, the filtered group list for the web
export); most are `table_rows(queryset, table, ...)`: one query whatever the number
of rows. The writers here escape every text cell against formula injection, so rows
functions return plain text. An unmasked export imports back with `import_registry`
unchanged. The workbook's sheets, in order, are declared in pages/workbook.py.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from kube_registry.masking import present_personal
from kube_registry.values import escape_csv_cell
from kube_registry.xlsx import XlsxWriter

RowsFunction = Callable[..., Iterator[list[Any]]]
# (sheet name, rows written so far)
Progress = Callable[[str, int], None]
PROGRESS_EVERY = 5_000
CHUNK = 2_000
# Column.personal -> (present_personal's argument, its answer's attribute)
_PERSONAL = {"nik": ("nik", "nik"), "kk": ("kk", "kk"), "phone": ("phone", "phone"), "birth": ("birth_on", "birth")}


@dataclass(frozen=True)
class Column:
    """One column of an export sheet: its name, where its value is read, how it is written."""

    name: str
    source: str | tuple[str, ...] | None = None  # None: filled by the rows function itself
    write: Callable[..., Any] | None = None  # the source value(s) -> the cell; None: as stored
    personal: str = ""  # "nik", "kk", "phone" or "birth": shown as present_personal decides

    @property
    def sources(self) -> tuple[str, ...]:
        if self.source is None:
            return ()
        return (self.source,) if isinstance(self.source, str) else self.source

    def cell(self, *, can_see_personal_data: bool) -> Callable[..., Any]:
        write = self.write or (lambda value: value)
        if not self.personal:
            return write
        argument, attribute = _PERSONAL[self.personal]

        def shown(value):
            fields = present_personal(can_see=can_see_personal_data, export=True, **{argument: value})
            return getattr(fields, attribute)

        return lambda *values: shown(write(*values))


ColumnTable = tuple[Column, ...]


def header(table: ColumnTable) -> list[str]:
    return [column.name for column in table]


def row_reader(table: ColumnTable, *, can_see_personal_data: bool) -> tuple[list[str], Callable[[Sequence], list]]:
    """The `values_list` paths a table reads, and the function turning one such tuple into cells.

    Columns without a source (filled by the rows function) are left out of the cells.
    """
    paths: list[str] = []
    readers = []
    for column in table:
        if column.source is None:
            continue
        start = len(paths)
        paths.extend(column.sources)
        readers.append((start, start + len(column.sources), column.cell(can_see_personal_data=can_see_personal_data)))

    def cells(values: Sequence) -> list:
        return [write(*values[start:end]) for start, end, write in readers]

    return paths, cells


def table_rows(queryset: QuerySet, table: ColumnTable, *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """The rows of an ordered queryset through a column table: one query, read in chunks."""
    paths, cells = row_reader(table, can_see_personal_data=can_see_personal_data)
    for values in queryset.values_list(*paths).iterator(chunk_size=CHUNK):
        yield cells(values)


@dataclass(frozen=True)
class ExportSheet:
    name: str
    columns: ColumnTable
    rows: RowsFunction

    @property
    def header(self) -> list[str]:
        return header(self.columns)


# --- Writing -------------------------------------------------------------------------


def text_cell(value: Any) -> Any:
    """A value for a cell: text that a spreadsheet would run as a formula is escaped."""
    return escape_csv_cell(value) if isinstance(value, str) else value


def csv_value(value: Any) -> Any:
    """A value for a CSV field: dates as ISO dates, empty as "", text escaped."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return text_cell(value)


def _counted(name: str, rows: Iterable[list[Any]], progress: Progress | None) -> Iterator[list[Any]]:
    for count, row in enumerate(rows, 1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(name, count)
        yield [text_cell(value) for value in row]


def write_xlsx(
    output: IO[bytes] | str,
    sheets: Iterable[tuple[str, Sequence[str], Iterable[list[Any]]]],
    *,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Sheets given as (title, columns, rows) into one .xlsx; returns rows per sheet."""
    counts = {}
    with XlsxWriter(output) as workbook:
        for title, columns, rows in sheets:
            counts[title] = workbook.add_sheet(title, list(columns), _counted(title, rows, progress))
    return counts


def write_csv(output: IO[str], columns: Sequence[str], rows: Iterable[list[Any]]) -> int:
    """One sheet as CSV (comma, UTF-8; open the file with newline=""); returns the row count.

    Every field is quoted, and every text cell escaped (`escape_csv_cell`) also where a
    spreadsheet splitting on `;` instead of `,` would start a cell: no part of the file
    can start a formula, whichever delimiter the spreadsheet assumes. The only CSV
    writer of the exports: every CSV file a page or command hands out goes through it.
    """
    writer = csv.writer(output, quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
        count += 1
    return count


def csv_bytes(columns: Sequence[str], rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Indonesian names correctly."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, columns, rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_registry_xlsx(
    kubes,
    output: IO[bytes] | str,
    *,
    sheets: Sequence[ExportSheet],
    can_see_personal_data: bool,
    progress: Progress | None = None,
) -> dict[str, int]:
    """The given sheets, restricted to `kubes`, in their order; returns rows per sheet."""
    parts = (
        (sheet.name, sheet.header, sheet.rows(kubes, can_see_personal_data=can_see_personal_data)) for sheet in sheets
    )
    return write_xlsx(output, parts, progress=progress)


def registry_xlsx_bytes(kubes, *, sheets: Sequence[ExportSheet], can_see_personal_data: bool) -> bytes:
    buffer = io.BytesIO()
    write_registry_xlsx(kubes, buffer, sheets=sheets, can_see_personal_data=can_see_personal_data)
    return buffer.getvalue()


def write_sheet_csv(sheet: ExportSheet, kubes, output: IO[str], *, can_see_personal_data: bool) -> int:
    """One sheet, restricted to `kubes`, as CSV; returns the row count."""
    return write_csv(output, sheet.header, sheet.rows(kubes, can_see_personal_data=can_see_personal_data))


def sheet_csv_bytes(sheet: ExportSheet, kubes, *, can_see_personal_data: bool) -> bytes:
    return csv_bytes(sheet.header, sheet.rows(kubes, can_see_personal_data=can_see_personal_data))


# --- The export commands (export_registry, export_partnerships) ----------------------------

MSG_EXPORT_DONE = gettext_noop("Ekspor selesai ke {path}")


def add_output_arguments(parser) -> None:
    """`--output FILE [--format xlsx|csv]`."""
    parser.add_argument("--output", required=True, help="file to write")
    parser.add_argument("--format", choices=["xlsx", "csv"], help="default: from the file name's extension, else xlsx")


def output_format(path: Path, chosen: str | None) -> str:
    """The format asked for, else the file name's: .csv is CSV, anything else .xlsx."""
    return chosen or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
