"""Reading a workbook: sheets and columns by name, data rows numbered as a spreadsheet shows them.

An .xlsx, .xls or .ods goes through python-calamine; a CSV is one sheet named by its
file name. Everything is bounded before it is loaded (`kube_registry.uploads`).
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.uploads import (
    MSG_CELLS,
    MSG_SHEET_MISSING,
    MSG_SHEET_ROWS,
    MSG_UNPACKED,
    UploadLimitError,
    UploadLimits,
    sheet_extents,
)
from kube_registry.values import is_blank

MSG_FILE_UNREADABLE = gettext_noop("Berkas tidak dapat dibaca sebagai lembar kerja: {detail}")
MSG_FILE_TYPE = gettext_noop("Jenis berkas “{suffix}” tidak didukung; gunakan .xlsx, .xls, .ods atau .csv.")
MSG_FIELD_TOO_LONG = gettext_noop(
    "Isi sel lebih dari {limit} karakter; periksa berkasnya (tanda petik yang tidak ditutup?)."
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user (with its place, when known)."""

    def __init__(self, text: str, *, sheet: str = "", row: int = 0, column: str = ""):
        super().__init__(text)
        self.sheet, self.row, self.column = sheet, row, column

    @classmethod
    def from_limit(cls, error: UploadLimitError) -> "ImportFileError":
        return cls(str(error), sheet=error.sheet, row=error.row, column=error.column)


def normalize_name(name: object) -> str:
    """Sheet and column names: case, surrounding spaces, inner spaces and dashes don't matter."""
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower())


Cell = Any


@dataclass
class Table:
    """One sheet as read: normalised column names and its data rows, read lazily."""

    name: str
    title: str
    columns: list[str]
    # (row number as the spreadsheet shows it, cells in column order)
    rows: Iterable[tuple[int, list[Cell]]]
    row_count: int
    header_row: int = 1


def cell_text(cell: Cell) -> str:
    return "" if cell is None else str(cell).strip()


def _data_rows(raw_rows: Iterable[list[Cell]], first_row_number: int) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in enumerate(raw_rows, start=first_row_number):
        # NUL is invisible in a spreadsheet and PostgreSQL refuses it in any query: drop it.
        cells = [cell.replace("\x00", "") if isinstance(cell, str) else cell for cell in cells]
        # Most rows start with a filled key cell: decide on it before scanning the row.
        if (cells and not is_blank(cells[0])) or not all(is_blank(cell) for cell in cells):
            yield number, cells


class Workbook:
    """The sheets of an uploaded or local file; use as a context manager.

    Bounded before anything is loaded (see `kube_registry.uploads.UploadLimits`): a zip
    (.xlsx, .ods) is read once, streaming, for what it unpacks to and each sheet's
    extent; a sheet goes to python-calamine only when its rows and the file's cells so
    far are within the limits. An .xls (no zip) is bounded by its size, and each sheet
    by the same limits as soon as calamine has read it. A CSV by its size, then rows,
    cells and field lengths in a first pass that keeps nothing.
    """

    EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

    def __init__(self, source: str | Path | IO[bytes], filename: str | None = None):
        self.filename = filename or str(getattr(source, "name", source))
        self.suffix = Path(self.filename).suffix.lower()
        self.limits = UploadLimits.from_settings()
        self._calamine = None
        self._extents: dict[str, tuple[int, int]] | None = None
        self._cells = 0
        label = Path(self.filename).name
        if self.suffix != ".csv" and self.suffix not in self.EXCEL_SUFFIXES:
            raise ImportFileError(_(MSG_FILE_TYPE).format(suffix=self.suffix or self.filename))
        size = Path(source).stat().st_size if isinstance(source, str | Path) else _stream_size(source)
        too_big = _(MSG_UNPACKED).format(name=label, limit=self.limits.unpacked_mb)
        if self.suffix == ".csv":
            if size > self.limits.unpacked_bytes:
                raise ImportFileError(too_big)
            data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
            stem = Path(self.filename).stem
            self._csv = _read_csv_table(data, normalize_name(stem), stem, self.limits)
            return
        from python_calamine import CalamineWorkbook

        stream = open(source, "rb") if isinstance(source, str | Path) else source
        try:
            head = stream.read(4)
            stream.seek(0)
            if head == b"PK\x03\x04":  # .xlsx, .ods (judged by content: calamine does the same)
                kind = "ods" if self.suffix == ".ods" else "xlsx"
                self._extents = sheet_extents(stream, kind=kind, name=label, limits=self.limits)
                stream.seek(0)
            elif size > self.limits.unpacked_bytes:
                raise ImportFileError(too_big)
            self._calamine = CalamineWorkbook.from_filelike(stream)
        except UploadLimitError as exc:
            raise ImportFileError.from_limit(exc) from exc
        except ImportFileError:
            raise
        except Exception as exc:  # calamine raises several unrelated types for a bad file
            raise ImportFileError(_(MSG_FILE_UNREADABLE).format(detail=exc)) from exc
        finally:
            if stream is not source:
                stream.close()

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc_info) -> None:
        if self._calamine is not None:
            self._calamine.close()

    def sheet_titles(self) -> list[str]:
        if self._calamine is None:
            return [self._csv.title]
        return list(self._calamine.sheet_names)

    def _count(self, title: str, rows: int, columns: int) -> None:
        """Refuse a sheet of more data rows than the limit, or one that brings the file past its cells."""
        if rows - 1 > self.limits.rows:
            raise ImportFileError(_(MSG_SHEET_ROWS).format(sheet=title, limit=self.limits.rows), sheet=title)
        self._cells += rows * columns
        if self._cells > self.limits.cells:
            raise ImportFileError(_(MSG_CELLS).format(sheet=title, limit=self.limits.cells), sheet=title)

    def row_count(self, title: str) -> int:
        """A sheet's rows below its header; from the extent the file declares (.xlsx, .ods) without reading them."""
        if self._extents is not None and title in self._extents:
            return max(self._extents[title][0] - 1, 0)
        return self.table(title).row_count

    def table(self, title: str) -> Table:
        if self._calamine is None:
            return self._csv
        if self._extents is not None:
            if title not in self._extents:
                raise ImportFileError(_(MSG_SHEET_MISSING).format(sheet=title), sheet=title)
            self._count(title, *self._extents[title])
        try:
            sheet = self._calamine.get_sheet_by_name(title)
        except Exception as exc:
            raise ImportFileError(_(MSG_FILE_UNREADABLE).format(detail=exc)) from exc
        if self._extents is None:
            self._count(title, sheet.height, sheet.width)
        start = sheet.start or (0, 0)
        rows = sheet.iter_rows()
        header = next(rows, [])
        # calamine starts at the first cell holding data; keep the sheet's own numbering.
        header_row = start[0] + 1
        if start[1]:
            rows = ([None] * start[1] + row for row in rows)
            header = [None] * start[1] + header
        return Table(
            name=normalize_name(title),
            title=title,
            columns=[normalize_name(cell) for cell in header],
            rows=_data_rows(rows, header_row + 1),
            row_count=max(sheet.height - 1, 0),
            header_row=header_row,
        )


def _stream_size(stream: IO[bytes]) -> int:
    position = stream.tell()
    size = stream.seek(0, io.SEEK_END)
    stream.seek(position)
    return size - position


def _decode(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark; otherwise Windows-1252 (Excel's ANSI)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str) -> str:
    """Comma or semicolon (Excel in an Indonesian locale), judged on the header line."""
    end = text.find("\n")
    header = text if end < 0 else text[:end]
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv_table(data: bytes, name: str, title: str, limits: UploadLimits) -> Table:
    """The CSV checked whole in a first pass that keeps nothing, then read row by row."""
    text = _decode(data)
    delimiter = _sniff_delimiter(text)
    header: list[str] = []
    count = cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for count, row in enumerate(reader, start=1):
            if count == 1:
                header = row
            elif count - 1 > limits.rows:
                raise ImportFileError(_(MSG_SHEET_ROWS).format(sheet=title, limit=limits.rows), sheet=title)
            cells += len(row)
            if cells > limits.cells:
                raise ImportFileError(_(MSG_CELLS).format(sheet=title, limit=limits.cells), sheet=title)
            if row and max(map(len, row)) > limits.field_chars:
                index = next(i for i, value in enumerate(row) if len(value) > limits.field_chars)
                column = normalize_name(header[index]) if index < len(header) and count > 1 else str(index + 1)
                raise ImportFileError(
                    _(MSG_FIELD_TOO_LONG).format(limit=limits.field_chars), sheet=title, row=count, column=column
                )
    except csv.Error as exc:
        # The csv module's own limit (131,072 characters), or a malformed line.
        text_ = _(MSG_FIELD_TOO_LONG).format(limit=limits.field_chars) if "field larger" in str(exc) else None
        text_ = text_ or _(MSG_FILE_UNREADABLE).format(detail=exc)
        raise ImportFileError(text_, sheet=title, row=count + 1) from exc
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(rows, None)
    return Table(
        name=name,
        title=title,
        columns=[normalize_name(cell) for cell in header],
        rows=_data_rows(rows, 2),
        row_count=max(count - 1, 0),
    )
