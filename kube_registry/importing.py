"""The workbook import engine: read sheets, validate every row, write all or nothing.

Apps register their sheets in `AppConfig.ready()` with `register_sheet(name,
resource_class)`; the engine never imports an app. A sheet's resource is a
django-import-export `Resource` whose declared `Field`s and widgets read each cell;
the resource adds the rules across rows and the bulk writes. One run:

1. open the file (.xlsx and friends through python-calamine; a CSV is one sheet named
   by its file name), match sheet and column names case-insensitively;
2. in one transaction, let each registered sheet's resource plan its rows, in the
   contract order (kelompok, anggota, bantuan, …), collecting every error as
   `sheet:row:column: message`, rows counted from 2 like a spreadsheet;
3. only when no row is invalid, write every sheet (bulk inserts and updates with
   their history entries); a dry run writes too and then rolls back, so it is the
   same run and meets the same database rules.
"""

import csv
import datetime as dt
import io
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
    models,
    router,
    transaction,
)
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from import_export import resources as ie_resources
from import_export import widgets as ie_widgets
from import_export.fields import Field

from kube_registry.uploads import (
    MSG_CELLS,
    MSG_SHEET_MISSING,
    MSG_SHEET_ROWS,
    MSG_UNPACKED,
    UploadLimitError,
    UploadLimits,
    sheet_extents,
)
from kube_registry.values import is_blank, parse_bool, parse_date, parse_money, parse_period, unescape_csv_cell

# Contract 4: sheets are applied in this order so a row may refer to a group or
# member created earlier in the same file.
SHEET_ORDER = ("kelompok", "anggota", "bantuan", "kemitraan", "aset", "pinjaman", "laporan_bulanan")
DEFAULT_MAX_ROWS = 200_000
# Distinct text values remembered per column while reading (see clean_row).
MEMO_SIZE = 4_096
_MISS = object()

MSG_FILE_UNREADABLE = gettext_noop("Berkas tidak dapat dibaca sebagai lembar kerja: {detail}")
MSG_FILE_TYPE = gettext_noop("Jenis berkas “{suffix}” tidak didukung; gunakan .xlsx, .xls, .ods atau .csv.")
MSG_FIELD_TOO_LONG = gettext_noop(
    "Isi sel lebih dari {limit} karakter; periksa berkasnya (tanda petik yang tidak ditutup?)."
)
MSG_TOO_MANY_ROWS = gettext_noop("Berkas memuat lebih dari {limit} baris data; bagi menjadi beberapa berkas.")
MSG_NO_SHEETS = gettext_noop("Tidak ada lembar yang dikenal di berkas ini (yang dikenal: {names}).")
MSG_SHEET_IGNORED = gettext_noop("Lembar “{name}” tidak dikenal dan diabaikan.")
MSG_SHEET_TWICE = gettext_noop("Lembar “{name}” muncul dua kali; hanya yang pertama dibaca.")
MSG_COLUMN_MISSING = gettext_noop("Kolom wajib “{column}” tidak ada; lembar ini tidak dapat dibaca.")
MSG_COLUMN_IGNORED = gettext_noop("Kolom “{column}” tidak dikenal dan diabaikan.")
MSG_COLUMN_TWICE = gettext_noop("Kolom “{column}” muncul dua kali.")
MSG_EXAMPLE_ROW = gettext_noop("Baris contoh dari templat diabaikan.")
MSG_REQUIRED = gettext_noop("Wajib diisi.")
MSG_TOO_LONG = gettext_noop("Terlalu panjang: paling banyak {limit} karakter (tertulis {count}).")
MSG_CHOICE = gettext_noop("Nilai “{value}” tidak dikenal; pilih salah satu: {options}.")
MSG_INTEGER = gettext_noop("Harus bilangan bulat (tertulis “{value}”).")
MSG_INTEGER_RANGE = gettext_noop("Harus antara {low} dan {high} (tertulis {value}).")
MSG_WRITE_FAILED = gettext_noop(
    "Penyimpanan ditolak oleh basis data ({detail}); tidak ada yang disimpan. "
    "Mungkin data diubah orang lain pada saat yang sama: coba impor lagi."
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


# --- Results -------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """An error or warning at a place in the file: `sheet:row:column: text`."""

    sheet: str
    row: int
    column: str
    text: str

    def __str__(self) -> str:
        return f"{self.sheet}:{self.row}:{self.column}: {self.text}"


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.invalid


@dataclass
class ImportResult:
    filename: str = ""
    dry_run: bool = False
    sheets: dict[str, SheetCounts] = field(default_factory=dict)
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    written: bool = False
    # The file as a whole was refused (unreadable, or past a limit) before any row was read.
    file_refused: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One line, counts per sheet: `kelompok: created=3 updated=0 unchanged=7 invalid=0; …`.

        The count names are the contract's words so scripts can read them.
        """
        parts = [
            f"{name}: created={c.created} updated={c.updated} unchanged={c.unchanged} invalid={c.invalid}"
            for name, c in self.sheets.items()
        ]
        return "; ".join(parts) or "-"


# --- The sheet registry --------------------------------------------------------


@dataclass(frozen=True)
class SheetSpec:
    name: str
    resource_class: type["SheetResource"]


_REGISTRY: dict[str, SheetSpec] = {}


def register_sheet(name: str, resource_class: type["SheetResource"]) -> None:
    """Called from an app's `ready()`; registering the same class again is harmless."""
    name = normalize_name(name)
    existing = _REGISTRY.get(name)
    if existing is not None and existing.resource_class is not resource_class:
        raise ImproperlyConfigured(f"Sheet {name!r} is already registered by {existing.resource_class!r}.")
    _REGISTRY[name] = SheetSpec(name=name, resource_class=resource_class)


def registered_sheets() -> list[SheetSpec]:
    """In contract order; sheets the contract does not name come after, by name."""

    def position(spec: SheetSpec) -> tuple[int, str]:
        return (SHEET_ORDER.index(spec.name) if spec.name in SHEET_ORDER else len(SHEET_ORDER), spec.name)

    return sorted(_REGISTRY.values(), key=position)


def get_sheet(name: str) -> SheetSpec | None:
    return _REGISTRY.get(normalize_name(name))


# --- Reading files -------------------------------------------------------------

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


def _cell_text(cell: Cell) -> str:
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


# --- Widgets: cell readers with Indonesian messages -------------------------------


class TextWidget(ie_widgets.Widget):
    """Text with surrounding spaces removed; a spreadsheet number 7.0 reads as `7`."""

    def __init__(self, *, required: bool = False, max_length: int | None = None):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs) -> str:
        if value.__class__ is str:
            text = value.strip()
            if "'" in text:  # an exported cell's escape, at its start or after a `,`/`;`
                text = unescape_csv_cell(text)
        elif value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, dt.datetime | dt.date):
            text = value.isoformat()
        else:
            text = unescape_csv_cell(str(value).strip())
        if not text and self.required:
            raise ValueError(_(MSG_REQUIRED))
        if self.max_length and len(text) > self.max_length:
            raise ValueError(_(MSG_TOO_LONG).format(limit=self.max_length, count=len(text)))
        return text


class _ParsingWidget(ie_widgets.Widget):
    """Blank reads as None (or refuses when required); the rest goes to a parser."""

    parser: Callable[[object], Any]

    def __init__(self, *, required: bool = False):
        super().__init__(coerce_to_string=False)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        parsed = type(self).parser(value)
        if parsed is None and self.required:
            raise ValueError(_(MSG_REQUIRED))
        return parsed


class DateWidget(_ParsingWidget):
    """Spreadsheet dates and day-first text; a datetime becomes its date."""

    parser = staticmethod(parse_date)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class MoneyWidget(_ParsingWidget):
    """Whole Rupiah from numbers or text (`Rp 1,5 juta`)."""

    parser = staticmethod(parse_money)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else int(value)


class BooleanWidget(_ParsingWidget):
    """`ya/tidak`, `y/n`, `1/0`, `true/false`; exported as `ya` / `tidak`."""

    parser = staticmethod(parse_bool)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("ya" if value else "tidak")


class PeriodWidget(_ParsingWidget):
    """A report month `YYYY-MM`, kept as its first day."""

    parser = staticmethod(parse_period)

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%Y-%m") if value else ""


class IntegerWidget(_ParsingWidget):
    """A whole number within bounds (meetings, attendance percentage)."""

    def __init__(self, *, required: bool = False, low: int | None = None, high: int | None = None):
        super().__init__(required=required)
        self.low, self.high = low, high

    def clean(self, value, row=None, **kwargs) -> int | None:
        if is_blank(value):
            if self.required:
                raise ValueError(_(MSG_REQUIRED))
            return None
        try:
            number = float(str(value).strip().replace(",", ".")) if not isinstance(value, int | float) else value
        except ValueError:
            raise ValueError(_(MSG_INTEGER).format(value=value)) from None
        if isinstance(number, bool) or not float(number).is_integer():
            raise ValueError(_(MSG_INTEGER).format(value=value))
        number = int(number)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            raise ValueError(_(MSG_INTEGER_RANGE).format(low=self.low, high=self.high, value=number))
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else int(value)


def _choice_key(text: object) -> str:
    return re.sub(r"[\s_\-]+", " ", str(text).strip().lower())


class ChoiceWidget(ie_widgets.Widget):
    """One of an enumeration, matched without regard to case, spaces or underscores.

    `choices` is a Django `TextChoices` class (its values and labels are accepted),
    `aliases` maps further spellings to stored values, and `names` gives the written
    form of a stored value where it differs (`tidak_aktif` is written `tidak aktif`).
    Blank reads as "" (not given).
    """

    def __init__(self, choices, *, required: bool = False, aliases: dict[str, str] | None = None, names=None):
        super().__init__(coerce_to_string=True)
        self.required = required
        # stored value -> how the file writes it
        self.names = {value: _choice_key(value) for value in choices.values} | dict(names or {})
        self.lookup: dict[str, str] = {}
        for value, label in zip(choices.values, choices.labels, strict=True):
            self.lookup[_choice_key(label)] = value
            self.lookup[_choice_key(value)] = value
        for value, written in self.names.items():
            self.lookup[_choice_key(written)] = value
        for alias, value in (aliases or {}).items():
            self.lookup[_choice_key(alias)] = value
        self.options = ", ".join(self.names.values())

    def clean(self, value, row=None, **kwargs) -> str:
        if is_blank(value):
            if self.required:
                raise ValueError(_(MSG_REQUIRED))
            return ""
        found = self.lookup.get(value.strip().lower()) if value.__class__ is str else None
        if found is None:
            found = self.lookup.get(_choice_key(value))
        if found is None:
            raise ValueError(_(MSG_CHOICE).format(value=str(value).strip(), options=self.options))
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return self.names.get(value, value or "")


# --- Resources ----------------------------------------------------------------


@dataclass
class ImportContext:
    """What a run shares between sheets: the actor, today, the result and a state dict.

    `state` lets an app's sheets hand each other what they planned (the kelompok sheet
    tells the anggota sheet which groups the file creates).
    """

    result: ImportResult
    actor: Any = None
    today: dt.date = field(default_factory=timezone.localdate)
    change_reason: str = ""
    progress: Callable[[str, str, int, int], None] | None = None
    state: dict[str, Any] = field(default_factory=dict)
    sheet: str = ""

    @property
    def counts(self) -> SheetCounts:
        return self.result.sheets.setdefault(self.sheet, SheetCounts())

    def error(self, row: int, column: str, text: str) -> None:
        self.result.errors.append(Message(self.sheet, row, column, str(text)))

    def warning(self, row: int, column: str, text: str) -> None:
        self.result.warnings.append(Message(self.sheet, row, column, str(text)))

    def report_progress(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, self.sheet, done, total)


class SheetResource(ie_resources.Resource):
    """A sheet's reader: declared `Field`s read cells, `plan` checks rows, `write` saves.

    Subclasses declare one `Field` per column (column_name = the contract's column,
    widget = how to read it; a widget with `required=True` makes the column required)
    and implement `plan_rows` and `write`. `ignored_columns` are columns the export
    adds (jumlah_anggota, …) that an import reads past without a warning.
    """

    ignored_columns: tuple[str, ...] = ()
    # The template's second row (column -> text); a row left exactly so is skipped.
    example_row: dict[str, str] = {}

    @classmethod
    def column_names(cls) -> list[str]:
        return [f.column_name for f in cls.fields.values()]

    @classmethod
    def required_columns(cls) -> list[str]:
        return [f.column_name for f in cls.fields.values() if getattr(f.widget, "required", False)]

    def clean_row(self, row: dict[str, Cell]) -> tuple[dict[str, Any], dict[str, str]]:
        """Every present column through its field: (values by field name, errors by column)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        readers = self._readers if self._readers is not None else self._readers_for(row)
        # The field's widget reads the cell; calling it directly skips Field.clean's
        # per-call overhead. An empty cell takes the widget's answer for blank, worked
        # out once, and text a column repeats (roles, sexes, group numbers, dates)
        # is read once per distinct value. Together half the cell-reading time.
        for name, column, clean, default, blank_error, blank_value, memo in readers:
            cell = row[column]
            if cell is None or cell == "":
                if blank_error is not None:
                    errors[column] = blank_error
                    continue
                value = blank_value
            elif cell.__class__ is str and (value := memo.get(cell, _MISS)) is not _MISS:
                pass
            else:
                try:
                    value = clean(cell)
                except ValueError as exc:
                    errors[column] = str(exc)
                    continue
                if cell.__class__ is str and len(memo) < MEMO_SIZE:
                    memo[cell] = value
            if default is not NOT_PROVIDED and value in Field.empty_values:
                value = default() if callable(default) else default
            values[name] = value
        return values, errors

    _readers: list[tuple] | None = None

    def _readers_for(self, row: dict[str, Cell]) -> list[tuple]:
        readers = []
        for name, fld in self.fields.items():
            if fld.column_name not in row:
                continue
            try:
                blank_error, blank_value = None, fld.widget.clean(None)
            except ValueError as exc:
                blank_error, blank_value = str(exc), None
            readers.append((name, fld.column_name, fld.widget.clean, fld.default, blank_error, blank_value, {}))
        return readers

    def plan(self, table: Table, ctx: ImportContext) -> None:
        """Check the header, then hand the rows (as dicts of known columns) to `plan_rows`."""
        known = set(self.column_names())
        positions: dict[str, int] = {}
        for index, column in enumerate(table.columns):
            if not column:
                continue
            if column in positions:
                ctx.error(table.header_row, column, _(MSG_COLUMN_TWICE).format(column=column))
            elif column in known:
                positions[column] = index
            elif column not in self.ignored_columns:
                ctx.warning(table.header_row, column, _(MSG_COLUMN_IGNORED).format(column=column))
                positions.setdefault(column, -1)
        positions = {column: index for column, index in positions.items() if index >= 0}
        missing = [column for column in self.required_columns() if column not in positions]
        for column in missing:
            ctx.error(table.header_row, column, _(MSG_COLUMN_MISSING).format(column=column))
        if missing:
            ctx.counts.invalid += sum(1 for _row in table.rows)
            self.plan_unreadable(ctx)
            return
        pairs = list(positions.items())
        self._readers = self._readers_for(positions)

        example = {column: str(value) for column, value in self.example_row.items() if column in positions}

        def as_dicts() -> Iterator[tuple[int, dict[str, Cell]]]:
            for number, cells in table.rows:
                width = len(cells)
                row = {column: cells[i] if i < width else None for column, i in pairs}
                if example and all(_cell_text(row[column]) == value for column, value in example.items()):
                    ctx.warning(number, "", _(MSG_EXAMPLE_ROW))
                    continue
                yield number, row

        self.plan_rows(as_dicts(), table.row_count, ctx)

    def plan_rows(self, rows: Iterator[tuple[int, dict[str, Cell]]], total: int, ctx: ImportContext) -> None:
        raise NotImplementedError

    def plan_unreadable(self, ctx: ImportContext) -> None:
        """The sheet lacks a required column; leave a note for later sheets if needed."""

    def write(self, ctx: ImportContext) -> None:
        raise NotImplementedError


# --- Bulk writes with history ---------------------------------------------------
#
# Django's bulk_create spends most of its time compiling each value (about 0.1 ms a
# row with history); 150,000 members make 450,000 rows. These helpers write the same
# rows, and the same django-simple-history entries its bulk helpers would (one `+` or
# `~` entry per row, with the acting user and a change reason), as multi-row INSERTs
# and executemany UPDATEs. Values arrive already clean from the resources.


def _field_adapter(field, connection) -> Callable[[Any], Any] | None:
    if connection.vendor == "postgresql" and isinstance(field, models.DateField):
        # Text for COPY (and fine in parameters): ISO dates, and aware times with their offset.
        return lambda value: value.isoformat()
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, models.CharField | models.TextField | models.BooleanField | models.IntegerField):
        return None
    if isinstance(field, models.ForeignKey):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


class _Table:
    """Columns of a model's table with defaults and value adapters, for raw writes."""

    def __init__(self, model, connection):
        self.model = model
        self.connection = connection
        self.quote = connection.ops.quote_name
        self.quoted = self.quote(model._meta.db_table)
        self.pk = model._meta.pk
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and f.auto_created) and not isinstance(f, models.AutoField)
        ]
        self.attnames = [f.attname for f in self.fields]
        self.columns = {f.attname: f.column for f in self.fields}
        self.auto_now = [f.attname for f in self.fields if getattr(f, "auto_now", False)]
        self.auto_now_add = [f.attname for f in self.fields if getattr(f, "auto_now_add", False)]
        # (attname, default, adapter, cache): dates and the write time repeat, so
        # each distinct value is adapted once.
        self.recipe = [(f.attname, f.get_default(), _field_adapter(f, connection), {}) for f in self.fields]

    def adapt(self, attname: str, value: Any) -> Any:
        for name, _default, adapter, _cache in self.recipe:
            if name == attname and adapter is not None and value is not None:
                return adapter(value)
        return value

    def values(self, row: dict[str, Any]) -> list[Any]:
        """The row's database values in `attnames` order, defaults for what it lacks."""
        out = []
        for name, default, adapter, cache in self.recipe:
            value = row.get(name, default)
            if adapter is not None and value is not None:
                adapted = cache.get(value)
                if adapted is None:
                    adapted = cache[value] = adapter(value)
                value = adapted
            out.append(value)
        return out


def _batch_rows(connection, columns: int) -> int:
    limit = getattr(connection.features, "max_query_params", None) or 65_535
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11+
        if getlimit is not None:
            limit = getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(1_000, limit // max(columns, 1)))


def _insert(table: _Table, columns: list[str], rows: list[list[Any]], *, returning: bool) -> list[int]:
    """Multi-row INSERTs of prepared values; with `returning`, the new primary keys in order."""
    connection = table.connection
    if connection.vendor == "postgresql":
        return _copy_postgresql(table, columns, rows, returning=returning)
    with connection.cursor() as cursor:
        return _insert_rows(table, columns, rows, returning=returning, cursor=cursor)


def _insert_rows(table: _Table, columns: list[str], rows: list[list[Any]], *, returning: bool, cursor) -> list[int]:
    connection = table.connection
    column_sql = ", ".join(table.quote(column) for column in columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    suffix = f" RETURNING {table.quote(table.pk.column)}" if returning else ""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        placeholder = placeholder.replace("%s", "?")
    # Django's SQLite cursor rewrites every %s with a regular expression, a noticeable
    # cost on statements of a thousand rows: SQLite gets its own marks directly.
    execute = partial(sqlite3.Cursor.execute, cursor.cursor) if sqlite else cursor.execute
    ids: list[int] = []
    for batch in chunked(rows, _batch_rows(connection, len(columns))):
        params = [value for row in batch for value in row]
        sql = f"INSERT INTO {table.quoted} ({column_sql}) VALUES {', '.join([placeholder] * len(batch))}{suffix}"
        execute(sql, params)
        if returning:
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


_COPY_NULL = "\\N"


def _copy_postgresql(table: _Table, columns: list[str], rows: list[list[Any]], *, returning: bool) -> list[int]:
    """PostgreSQL's COPY, several times faster than INSERT here; new ids are drawn from the sequence first."""
    connection = table.connection
    ids: list[int] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if not hasattr(raw, "copy_expert"):  # psycopg 3 has another COPY interface
            return _insert_rows(table, columns, rows, returning=returning, cursor=cursor)
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table.model._meta.db_table, table.pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns = [table.pk.column, *columns]
            rows = ([pk, *row] for pk, row in zip(ids, rows, strict=True))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        null = _COPY_NULL
        writer.writerows([null if value is None else value for value in row] for row in rows)
        buffer.seek(0)
        column_sql = ", ".join(table.quote(column) for column in columns)
        raw.copy_expert(f"COPY {table.quoted} ({column_sql}) FROM STDIN WITH (FORMAT csv, NULL '{null}')", buffer)
    return ids


def _history_layout(ctx: "ImportContext", table: _Table, history: _Table, kind: str, now):
    """How a history row is made from its row's values: the columns, and a builder.

    A history row holds the tracked fields, the original pk, then when, who, why and
    the kind of change (`+` created, `~` changed), as django-simple-history writes it.
    """
    extras = {
        "history_date": history.adapt("history_date", now),
        "history_type": kind,
        "history_user_id": getattr(ctx.actor, "pk", None),
        "history_change_reason": ctx.change_reason or None,
    }
    tracked = [i for i, name in enumerate(table.attnames) if name in history.columns]
    pk_name = table.pk.attname
    rest = [name for name in history.attnames if name not in table.attnames and name != pk_name]
    constants = [extras[name] if name in extras else history.values({})[history.attnames.index(name)] for name in rest]
    columns = [history.columns[table.attnames[i]] for i in tracked] + [history.columns[pk_name]]
    columns += [history.columns[name] for name in rest]
    if len(tracked) == len(table.attnames):
        return columns, lambda values, pk: [*values, pk, *constants]
    return columns, lambda values, pk: [*(values[i] for i in tracked), pk, *constants]


def _history_model(model):
    """The model's django-simple-history table, or None for a model without history."""
    from simple_history.exceptions import NotHistoricalModelError
    from simple_history.utils import get_history_model_for_model

    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def insert_with_history(ctx: "ImportContext", model, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows (attname -> value; defaults fill the rest) and their `+` history; returns the new pks."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    table = _Table(model, connection)
    for row in rows:
        for name in (*table.auto_now, *table.auto_now_add):
            row[name] = now
    if not connection.features.can_return_rows_from_bulk_insert:
        return _insert_with_simple_history(ctx, model, rows)
    values = [table.values(row) for row in rows]
    ids = _insert(table, [table.columns[name] for name in table.attnames], values, returning=True)
    history_model = _history_model(model)
    if history_model is None:
        return ids
    history = _Table(history_model, connection)
    columns, build = _history_layout(ctx, table, history, "+", now)
    _insert(history, columns, [build(row, pk) for row, pk in zip(values, ids, strict=True)], returning=False)
    return ids


def _insert_with_simple_history(ctx: "ImportContext", model, rows: list[dict[str, Any]]) -> list[int]:
    """For a database that cannot return ids from a multi-row insert: the library's own helper."""
    from simple_history.utils import bulk_create_with_history

    objs = [model(**row) for row in rows]
    if _history_model(model) is None:
        return [obj.pk for obj in model._default_manager.bulk_create(objs)]
    saved = bulk_create_with_history(objs, model, default_user=ctx.actor, default_change_reason=ctx.change_reason)
    return [obj.pk for obj in saved]


def update_with_history(ctx: "ImportContext", model, changes: dict[int, dict[str, Any]], *, history=True) -> None:
    """Apply {pk: {attname: value}}; with `history`, one `~` entry per row holding its new state."""
    if not changes:
        return
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    table = _Table(model, connection)
    groups: dict[tuple[str, ...], list[int]] = {}
    for pk, values in changes.items():
        if history:
            for name in table.auto_now:
                values[name] = now
        groups.setdefault(tuple(sorted(values)), []).append(pk)
    # A versioned row (kube_registry.versioning) goes up one version, unless the resource
    # sets it: an edit form read before the import is then stale.
    bump = "version" in table.columns
    with connection.cursor() as cursor:
        for attnames, pks in groups.items():
            assignments = ", ".join(f"{table.quote(table.columns[name])} = %s" for name in attnames)
            if bump and "version" not in attnames:
                version = table.quote(table.columns["version"])
                assignments += f", {version} = {version} + 1"
            sql = f"UPDATE {table.quoted} SET {assignments} WHERE {table.quote(table.pk.column)} = %s"
            params = [[table.adapt(name, changes[pk][name]) for name in attnames] + [pk] for pk in pks]
            cursor.executemany(sql, params)
    history_model = _history_model(model)
    if not history or history_model is None:
        return
    history_table = _Table(history_model, connection)
    columns, build = _history_layout(ctx, table, history_table, "~", now)
    pk_name = table.pk.attname
    for block in chunked(list(changes), 2_000):
        rows = model._default_manager.filter(pk__in=block).values(pk_name, *table.attnames)
        _insert(history_table, columns, [build(table.values(row), row[pk_name]) for row in rows], returning=False)


def chunked(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- Running an import ---------------------------------------------------------


def max_rows() -> int:
    return int(getattr(settings, "KUBE_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def run_import(
    source: str | Path | IO[bytes],
    *,
    filename: str | None = None,
    actor=None,
    dry_run: bool = False,
    progress: Callable[[str, str, int, int], None] | None = None,
) -> ImportResult:
    """Import a workbook or a one-sheet CSV; nothing is written unless every row is valid.

    `source` is a path or a binary file object (an upload: pass its `filename`).
    `progress(stage, sheet, done, total)` is called now and then, stage being
    "validate" or "write".
    """
    result = ImportResult(filename=filename or str(getattr(source, "name", source)), dry_run=dry_run)
    file_label = Path(result.filename).name
    try:
        workbook = Workbook(source, filename)
    except ImportFileError as exc:
        result.errors.append(Message(exc.sheet or file_label, exc.row, exc.column, str(exc)))
        result.file_refused = True
        return result
    with workbook:
        tables: dict[str, Table] = {}
        try:
            for title in workbook.sheet_titles():
                name = normalize_name(title)
                if get_sheet(name) is None:
                    result.ignored_sheets.append(title)
                    result.warnings.append(Message(title, 0, "", _(MSG_SHEET_IGNORED).format(name=title)))
                elif name in tables:
                    result.warnings.append(Message(title, 0, "", _(MSG_SHEET_TWICE).format(name=title)))
                else:
                    tables[name] = workbook.table(title)
        except ImportFileError as exc:
            result.errors.append(Message(exc.sheet or file_label, exc.row, exc.column, str(exc)))
            result.file_refused = True
            return result
        if not tables:
            names = ", ".join(spec.name for spec in registered_sheets())
            result.errors.append(Message(file_label, 0, "", _(MSG_NO_SHEETS).format(names=names)))
            return result
        limit = max_rows()
        if sum(table.row_count for table in tables.values()) > limit:
            result.errors.append(Message(file_label, 0, "", _(MSG_TOO_MANY_ROWS).format(limit=limit)))
            return result
        _apply(tables, result, actor=actor, dry_run=dry_run, progress=progress)
    return result


def _apply(tables: dict[str, Table], result: ImportResult, *, actor, dry_run: bool, progress) -> None:
    reason = _("Impor {name}").format(name=Path(result.filename).name)[:100]
    ctx = ImportContext(result=result, actor=actor, change_reason=reason, progress=progress)
    with transaction.atomic():
        planned: list[tuple[str, SheetResource]] = []
        for spec in registered_sheets():
            table = tables.get(spec.name)
            if table is None:
                continue
            ctx.sheet = spec.name
            result.sheets.setdefault(spec.name, SheetCounts())
            resource = spec.resource_class()
            first_error = len(result.errors)
            resource.plan(table, ctx)
            # Rules across rows report after the row checks: show the sheet's errors in row order.
            result.errors[first_error:] = sorted(result.errors[first_error:], key=lambda message: message.row)
            planned.append((spec.name, resource))
        if not result.errors:
            try:
                with transaction.atomic():
                    for name, resource in planned:
                        ctx.sheet = name
                        resource.write(ctx)
            except (OperationalError, InterfaceError):
                # The database went away: not the file's fault. Nothing was written (the
                # transaction rolls back) and the same file may simply be tried again.
                raise
            except (IntegrityError, DatabaseError) as exc:
                # A rule the plan should have caught, or a change made meanwhile.
                result.errors.append(Message(ctx.sheet, 0, "", _(MSG_WRITE_FAILED).format(detail=exc)))
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            result.written = True
