"""The registry export: every app's sheets of contract 4 in one workbook.

Apps register their export sheets in `AppConfig.ready()`, the way they register their
import sheets with `kube_registry.importing.register_sheet`; this module never imports
an app. A sheet is a name, its columns and a function

    rows(kubes, *, can_see_personal_data) -> Iterator[list]

that yields one list per row, in column order, for the groups of `kubes` (a `Kube`
queryset: every group for `export_registry`, the filtered group list for the web
export; filter with `kube__in=kubes`). The rules for a rows function:

- values in the form the importer reads them: dates as `date`s, money as `int`s,
  enumerations as their import codes, text as `str`, empty as `None` or "";
- NIK, KK and phone masked, birth date blank (`kube_registry.masking.present_personal`) unless
  `can_see_personal_data`;
- a fixed number of queries whatever the number of rows: `values_list(...)` read with
  `.iterator(chunk_size=...)`, never a query per row.

The writers here escape every text cell against formula injection, so rows functions
return plain text. An unmasked export imports back with `import_registry` unchanged.

Columns of the `kelompok` sheet that a later app computes (the assessment's
`kategori`, `skor`, `tanggal_penilaian`) come from providers registered with
`register_kelompok_columns`; see there.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ImproperlyConfigured

from kube_registry.importing import SHEET_ORDER, normalize_name
from kube_registry.values import escape_csv_cell
from kube_registry.xlsx import XlsxWriter

RowsFunction = Callable[..., Iterator[list[Any]]]
# kube ids -> {kube id: {column: value}}
KelompokColumnsProvider = Callable[[list[int]], dict[int, dict[str, Any]]]
# (sheet name, rows written so far)
Progress = Callable[[str, int], None]
PROGRESS_EVERY = 5_000


@dataclass(frozen=True)
class ExportSheet:
    name: str
    columns: tuple[str, ...]
    rows: RowsFunction


_SHEETS: dict[str, ExportSheet] = {}
_KELOMPOK_PROVIDERS: list[KelompokColumnsProvider] = []


def register_export_sheet(name: str, columns: Sequence[str], rows: RowsFunction) -> None:
    """Called from an app's `ready()`; registering the same function again is harmless."""
    name = normalize_name(name)
    existing = _SHEETS.get(name)
    if existing is not None and existing.rows is not rows:
        raise ImproperlyConfigured(f"Export sheet {name!r} is already registered by {existing.rows!r}.")
    _SHEETS[name] = ExportSheet(name=name, columns=tuple(columns), rows=rows)


def export_sheets() -> list[ExportSheet]:
    """In contract order (kelompok, anggota, bantuan, …); others after, by name."""

    def position(sheet: ExportSheet) -> tuple[int, str]:
        return (SHEET_ORDER.index(sheet.name) if sheet.name in SHEET_ORDER else len(SHEET_ORDER), sheet.name)

    return sorted(_SHEETS.values(), key=position)


def get_export_sheet(name: str) -> ExportSheet:
    try:
        return _SHEETS[normalize_name(name)]
    except KeyError:
        raise ImproperlyConfigured(f"No export sheet {name!r} is registered.") from None


# --- Columns of the kelompok sheet provided by later apps ------------------------------


def register_kelompok_columns(provider: KelompokColumnsProvider) -> None:
    """Let a later app fill columns of the `kelompok` sheet; call it from `ready()`.

    `provider(kube_ids)` receives a list of group ids (one chunk of the sheet, at most
    a few thousand) and returns `{kube_id: {column: value}}` using ONE query for the
    whole list, never one per group. Columns it may fill: `kategori` (the category's
    import code, text), `skor` (a number), `tanggal_penilaian` (a `date`); other keys
    are ignored. A group missing from the answer keeps those cells blank; so do all
    groups while no provider is registered. When several providers answer for the
    same column, the one registered last wins. The assessments app, for instance:

        def latest_assessment_columns(kube_ids):
            rows = Assessment.objects.filter(kube_id__in=kube_ids) ...  # the latest per group
            return {kube_id: {"kategori": ..., "skor": ..., "tanggal_penilaian": as_of} for ...}

        class AssessmentsConfig(AppConfig):
            def ready(self):
                register_kelompok_columns(latest_assessment_columns)

    Registering the same provider twice is harmless.
    """
    if provider not in _KELOMPOK_PROVIDERS:
        _KELOMPOK_PROVIDERS.append(provider)


def unregister_kelompok_columns(provider: KelompokColumnsProvider) -> None:
    """Undo `register_kelompok_columns` (for tests)."""
    if provider in _KELOMPOK_PROVIDERS:
        _KELOMPOK_PROVIDERS.remove(provider)


def kelompok_column_values(kube_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What the registered providers say about these groups: one query per provider."""
    merged: dict[int, dict[str, Any]] = {}
    if not kube_ids:
        return merged
    for provider in _KELOMPOK_PROVIDERS:
        for kube_id, values in provider(kube_ids).items():
            merged.setdefault(kube_id, {}).update(values)
    return merged


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
    kubes, output: IO[bytes] | str, *, can_see_personal_data: bool, progress: Progress | None = None
) -> dict[str, int]:
    """Every registered sheet, restricted to `kubes`, in contract order; returns rows per sheet."""
    sheets = (
        (sheet.name, sheet.columns, sheet.rows(kubes, can_see_personal_data=can_see_personal_data))
        for sheet in export_sheets()
    )
    return write_xlsx(output, sheets, progress=progress)


def registry_xlsx_bytes(kubes, *, can_see_personal_data: bool) -> bytes:
    buffer = io.BytesIO()
    write_registry_xlsx(kubes, buffer, can_see_personal_data=can_see_personal_data)
    return buffer.getvalue()


def write_sheet_csv(name: str, kubes, output: IO[str], *, can_see_personal_data: bool) -> int:
    """One registered sheet, restricted to `kubes`, as CSV; returns the row count."""
    sheet = get_export_sheet(name)
    return write_csv(output, sheet.columns, sheet.rows(kubes, can_see_personal_data=can_see_personal_data))


def sheet_csv_bytes(name: str, kubes, *, can_see_personal_data: bool) -> bytes:
    sheet = get_export_sheet(name)
    return csv_bytes(sheet.columns, sheet.rows(kubes, can_see_personal_data=can_see_personal_data))
