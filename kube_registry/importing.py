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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from import_export import resources as ie_resources
from import_export import widgets as ie_widgets

from kube_registry.values import parse_bool, parse_date, parse_money, parse_period, unescape_csv_cell

# Contract 4: sheets are applied in this order so a row may refer to a group or
# member created earlier in the same file.
SHEET_ORDER = ("kelompok", "anggota", "bantuan", "kemitraan", "aset", "pinjaman", "laporan_bulanan")
DEFAULT_MAX_ROWS = 200_000
PROGRESS_EVERY = 2_000

MSG_FILE_UNREADABLE = gettext_noop("Berkas tidak dapat dibaca sebagai lembar kerja: {detail}")
MSG_FILE_TYPE = gettext_noop("Jenis berkas “{suffix}” tidak didukung; gunakan .xlsx atau .csv.")
MSG_TOO_MANY_ROWS = gettext_noop("Berkas memuat lebih dari {limit} baris data; bagi menjadi beberapa berkas.")
MSG_NO_SHEETS = gettext_noop("Tidak ada lembar yang dikenal di berkas ini (yang dikenal: {names}).")
MSG_SHEET_IGNORED = gettext_noop("Lembar “{name}” tidak dikenal dan diabaikan.")
MSG_SHEET_TWICE = gettext_noop("Lembar “{name}” muncul dua kali; hanya yang pertama dibaca.")
MSG_COLUMN_MISSING = gettext_noop("Kolom wajib “{column}” tidak ada; lembar ini tidak dapat dibaca.")
MSG_COLUMN_IGNORED = gettext_noop("Kolom “{column}” tidak dikenal dan diabaikan.")
MSG_COLUMN_TWICE = gettext_noop("Kolom “{column}” muncul dua kali.")
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
    """The file as a whole cannot be read; the message is for the user."""


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


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _data_rows(raw_rows: Iterable[list[Cell]], first_row_number: int) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in enumerate(raw_rows, start=first_row_number):
        if not all(_is_blank(cell) for cell in cells):
            yield number, cells


class Workbook:
    """The sheets of an uploaded or local file; use as a context manager."""

    EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

    def __init__(self, source: str | Path | IO[bytes], filename: str | None = None):
        self.filename = filename or str(getattr(source, "name", source))
        self.suffix = Path(self.filename).suffix.lower()
        self._calamine = None
        if self.suffix == ".csv":
            data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
            self._csv = _read_csv_table(data, normalize_name(Path(self.filename).stem), Path(self.filename).stem)
            return
        if self.suffix not in self.EXCEL_SUFFIXES:
            raise ImportFileError(_(MSG_FILE_TYPE).format(suffix=self.suffix or self.filename))
        from python_calamine import CalamineWorkbook

        try:
            if isinstance(source, str | Path):
                self._calamine = CalamineWorkbook.from_path(str(source))
            else:
                self._calamine = CalamineWorkbook.from_filelike(source)
        except Exception as exc:  # calamine raises several unrelated types for a bad file
            raise ImportFileError(_(MSG_FILE_UNREADABLE).format(detail=exc)) from exc

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc_info) -> None:
        if self._calamine is not None:
            self._calamine.close()

    def sheet_titles(self) -> list[str]:
        if self._calamine is None:
            return [self._csv.title]
        return list(self._calamine.sheet_names)

    def table(self, title: str) -> Table:
        if self._calamine is None:
            return self._csv
        try:
            sheet = self._calamine.get_sheet_by_name(title)
        except Exception as exc:
            raise ImportFileError(_(MSG_FILE_UNREADABLE).format(detail=exc)) from exc
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
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv_table(data: bytes, name: str, title: str) -> Table:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    raw = list(reader)
    header = raw[0] if raw else []
    body = raw[1:]
    return Table(
        name=name,
        title=title,
        columns=[normalize_name(cell) for cell in header],
        rows=_data_rows(body, 2),
        row_count=len(body),
    )


# --- Widgets: cell readers with Indonesian messages -------------------------------


class TextWidget(ie_widgets.Widget):
    """Text with surrounding spaces removed; a spreadsheet number 7.0 reads as `7`."""

    def __init__(self, *, required: bool = False, max_length: int | None = None):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
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
        if _is_blank(value):
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
        if _is_blank(value):
            if self.required:
                raise ValueError(_(MSG_REQUIRED))
            return ""
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
        for name, fld in self.fields.items():
            if fld.column_name not in row:
                continue
            try:
                values[name] = fld.clean(row)
            except ValueError as exc:
                errors[fld.column_name] = str(exc)
        return values, errors

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

        def as_dicts() -> Iterator[tuple[int, dict[str, Cell]]]:
            for number, cells in table.rows:
                width = len(cells)
                yield number, {column: cells[i] if i < width else None for column, i in pairs}

        self.plan_rows(as_dicts(), table.row_count, ctx)

    def plan_rows(self, rows: Iterator[tuple[int, dict[str, Cell]]], total: int, ctx: ImportContext) -> None:
        raise NotImplementedError

    def plan_unreadable(self, ctx: ImportContext) -> None:
        """The sheet lacks a required column; leave a note for later sheets if needed."""

    def write(self, ctx: ImportContext) -> None:
        raise NotImplementedError


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
        result.errors.append(Message(file_label, 0, "", str(exc)))
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
            result.errors.append(Message(file_label, 0, "", str(exc)))
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
            resource.plan(table, ctx)
            planned.append((spec.name, resource))
        if not result.errors:
            try:
                with transaction.atomic():
                    for name, resource in planned:
                        ctx.sheet = name
                        resource.write(ctx)
            except (IntegrityError, DatabaseError) as exc:
                # A rule the plan should have caught, or a change made meanwhile.
                result.errors.append(Message(ctx.sheet, 0, "", _(MSG_WRITE_FAILED).format(detail=exc)))
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            result.written = True
