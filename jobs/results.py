"""An import's result kept with its job, so the job's page shows the same preview as the upload page.

The messages are capped (a file can hold a hundred thousand errors): the preview says
how many there were and shows the first ones.
"""

from dataclasses import dataclass

from kube_registry.importing import ImportResult, Message, SheetCounts

ERRORS_KEPT = 1_000
WARNINGS_KEPT = 200


@dataclass
class StoredImportResult(ImportResult):
    """An `ImportResult` read back from a job, with the counts of messages before the cap."""

    error_count: int = 0  # type: ignore[assignment]  (a property on ImportResult: len(errors))
    warning_count: int = 0  # type: ignore[assignment]

    @property
    def ok(self) -> bool:
        return not self.error_count


def _message(message: Message) -> list:
    return [message.sheet, message.row, message.column, message.text]


def import_result_json(result: ImportResult) -> dict:
    return {
        "filename": result.filename,
        "dry_run": result.dry_run,
        "sheets": {name: [c.created, c.updated, c.unchanged, c.invalid] for name, c in result.sheets.items()},
        "errors": [_message(m) for m in result.errors[:ERRORS_KEPT]],
        "error_count": len(result.errors),
        "warnings": [_message(m) for m in result.warnings[:WARNINGS_KEPT]],
        "warning_count": len(result.warnings),
        "ignored_sheets": result.ignored_sheets,
        "written": result.written,
        "summary": result.summary(),
    }


def import_result_from_json(data: dict) -> StoredImportResult:
    return StoredImportResult(
        filename=data.get("filename", ""),
        dry_run=data.get("dry_run", False),
        sheets={name: SheetCounts(*counts) for name, counts in data.get("sheets", {}).items()},
        errors=[Message(*m) for m in data.get("errors", [])],
        warnings=[Message(*m) for m in data.get("warnings", [])],
        ignored_sheets=data.get("ignored_sheets", []),
        written=data.get("written", False),
        error_count=data.get("error_count", 0),
        warning_count=data.get("warning_count", 0),
    )
