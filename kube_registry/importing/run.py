"""One import run: read the file, plan every sheet, write all or nothing.

1. open the file (`importing.reading`), match sheet and column names case-insensitively;
2. in one transaction, let each sheet of the file plan its rows, in the order the
   caller gives (the workbook's, pages/workbook.py: kelompok, anggota, bantuan, …, so
   a row may refer to a group or member created earlier in the same file), collecting
   every error as `sheet:row:column: message`, rows counted from 2 like a spreadsheet;
3. only when no row is invalid, write every sheet (bulk inserts and updates with their
   history entries); a dry run writes too and then rolls back, so it is the same run
   and meets the same database rules.
"""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .reading import ImportFileError, Table, Workbook, normalize_name
from .sheet import ImportContext, ImportResult, Message, Sheet, SheetCounts

DEFAULT_MAX_ROWS = 200_000

MSG_TOO_MANY_ROWS = gettext_noop("Berkas memuat lebih dari {limit} baris data; bagi menjadi beberapa berkas.")
MSG_NO_SHEETS = gettext_noop("Tidak ada lembar yang dikenal di berkas ini (yang dikenal: {names}).")
MSG_SHEET_IGNORED = gettext_noop("Lembar “{name}” tidak dikenal dan diabaikan.")
MSG_SHEET_TWICE = gettext_noop("Lembar “{name}” muncul dua kali; hanya yang pertama dibaca.")
MSG_WRITE_FAILED = gettext_noop(
    "Penyimpanan ditolak oleh basis data ({detail}); tidak ada yang disimpan. "
    "Mungkin data diubah orang lain pada saat yang sama: coba impor lagi."
)

# The sheets of a workbook, in the order they are applied: sheet name -> Sheet class.
Sheets = Mapping[str, type[Sheet]]


def max_rows() -> int:
    return int(getattr(settings, "KUBE_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def run_import(
    source: str | Path | IO[bytes],
    *,
    sheets: Sheets,
    filename: str | None = None,
    actor=None,
    dry_run: bool = False,
    progress: Callable[[str, str, int, int], None] | None = None,
) -> ImportResult:
    """Import a workbook or a one-sheet CSV; nothing is written unless every row is valid.

    `source` is a path or a binary file object (an upload: pass its `filename`);
    `sheets` the sheets it may hold, in the order they are applied.
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
                if name not in sheets:
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
            names = ", ".join(sheets)
            result.errors.append(Message(file_label, 0, "", _(MSG_NO_SHEETS).format(names=names)))
            return result
        limit = max_rows()
        if sum(table.row_count for table in tables.values()) > limit:
            result.errors.append(Message(file_label, 0, "", _(MSG_TOO_MANY_ROWS).format(limit=limit)))
            return result
        _apply(sheets, tables, result, actor=actor, dry_run=dry_run, progress=progress)
    return result


def _apply(sheets: Sheets, tables: dict[str, Table], result: ImportResult, *, actor, dry_run: bool, progress) -> None:
    reason = _("Impor {name}").format(name=Path(result.filename).name)[:100]
    ctx = ImportContext(result=result, actor=actor, change_reason=reason, progress=progress)
    with transaction.atomic():
        planned: list[tuple[str, Sheet]] = []
        for name, sheet_class in sheets.items():
            table = tables.get(name)
            if table is None:
                continue
            ctx.sheet = name
            result.sheets.setdefault(name, SheetCounts())
            sheet = sheet_class()
            first_error = len(result.errors)
            sheet.plan(table, ctx)
            # Rules across rows report after the row checks: show the sheet's errors in row order.
            result.errors[first_error:] = sorted(result.errors[first_error:], key=lambda message: message.row)
            planned.append((name, sheet))
        if not result.errors:
            try:
                with transaction.atomic():
                    for name, sheet in planned:
                        ctx.sheet = name
                        sheet.write(ctx)
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
