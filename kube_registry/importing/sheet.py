"""The sheet protocol: what a sheet declares and implements, and what a run gives it.

A sheet is a subclass of `Sheet` that declares one `Field` per column of the contract
(the column's name, the widget that reads its cells) and implements

- `plan_rows(rows, total, ctx)`: check every row against the file and the registry,
  report each problem with `ctx.error(row, column, message)`, count each row once
  (`ctx.reject(...)` for an invalid one, `ctx.tally(...)` for a valid one) and keep
  what `write` needs;
- `write(ctx)`: save what was planned, with the bulk helpers of `importing.bulk`.

The run (`importing.run.run_import`) calls `plan` on every sheet of the file in the
order it is given, then `write` on every sheet when no row anywhere is invalid.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .reading import Cell, Table, cell_text
from .widgets import Widget

# Distinct text values remembered per column while reading (see Sheet.clean_row).
MEMO_SIZE = 4_096
_MISS = object()

MSG_COLUMN_MISSING = gettext_noop("Kolom wajib “{column}” tidak ada; lembar ini tidak dapat dibaca.")
MSG_COLUMN_IGNORED = gettext_noop("Kolom “{column}” tidak dikenal dan diabaikan.")
MSG_COLUMN_TWICE = gettext_noop("Kolom “{column}” muncul dua kali.")
MSG_EXAMPLE_ROW = gettext_noop("Baris contoh dari templat diabaikan.")


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

    def tally(self, *, created: bool, changed: bool) -> None:
        """Count one valid row: new, else changed, else unchanged (the one place that decides)."""
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


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

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def warning_count(self) -> int:
        return len(self.warnings)

    def summary(self) -> str:
        """One line, counts per sheet: `kelompok: created=3 updated=0 unchanged=7 invalid=0; …`.

        The count names are the contract's words so scripts can read them.
        """
        parts = [
            f"{name}: created={c.created} updated={c.updated} unchanged={c.unchanged} invalid={c.invalid}"
            for name, c in self.sheets.items()
        ]
        return "; ".join(parts) or "-"


@dataclass
class ImportContext:
    """What a run shares between sheets: the actor, today, the result and a state dict.

    `state` lets sheets hand each other what they planned (the kelompok sheet tells
    the anggota sheet which groups the file creates).
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

    def reject(self, row: int, errors: dict[str, str]) -> None:
        """An invalid row: each of its errors reported, and the row counted invalid once."""
        for column, message in errors.items():
            self.error(row, column, message)
        self.counts.invalid += 1

    def tally(self, *, created: bool, changed: bool) -> None:
        self.counts.tally(created=created, changed=changed)

    def report_progress(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, self.sheet, done, total)


# --- Sheets ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column of a sheet: its name in the file, the widget reading it, and the
    model attribute it stands for (documentation for the reader; the sheet maps it)."""

    column_name: str
    widget: Widget
    attribute: str = ""


class Sheet:
    """A sheet's reader: declared `Field`s read cells, `plan` checks rows, `write` saves.

    Subclasses declare one `Field` per column (column_name = the contract's column,
    widget = how to read it; a widget with `required=True` makes the column required)
    and implement `plan_rows` and `write`. `ignored_columns` are columns the export
    adds (jumlah_anggota, …) that an import reads past without a warning.
    """

    # Field attribute name -> Field, in declaration order (base classes first).
    fields: ClassVar[dict[str, Field]] = {}
    ignored_columns: tuple[str, ...] = ()
    # The template's second row (column -> text); a row left exactly so is skipped.
    example_row: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        declared = {name: value for name, value in vars(cls).items() if isinstance(value, Field)}
        cls.fields = {**cls.fields, **declared}

    @classmethod
    def column_names(cls) -> list[str]:
        return [f.column_name for f in cls.fields.values()]

    @classmethod
    def required_columns(cls) -> list[str]:
        return [f.column_name for f in cls.fields.values() if f.widget.required]

    @classmethod
    def widget(cls, column: str) -> Widget:
        """The widget of a column, by its name in the file."""
        return next(f.widget for f in cls.fields.values() if f.column_name == column)

    def clean_row(self, row: dict[str, Cell]) -> tuple[dict[str, Any], dict[str, str]]:
        """Every present column through its widget: (values by field name, errors by column)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        readers = self._readers if self._readers is not None else self._readers_for(row)
        # An empty cell takes the widget's answer for blank, worked out once, and text
        # a column repeats (roles, sexes, group numbers, dates) is read once per
        # distinct value: together half the cell-reading time.
        for name, column, clean, blank_error, blank_value, memo in readers:
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
            readers.append((name, fld.column_name, fld.widget.clean, blank_error, blank_value, {}))
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
                if example and all(cell_text(row[column]) == value for column, value in example.items()):
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
