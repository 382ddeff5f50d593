"""The workbook import engine: read sheets, validate every row, write all or nothing.

A small package, one concern a module:

- `reading`: the file (.xlsx, .xls, .ods through python-calamine, or a CSV), bounded
  before it is loaded, as `Table`s of named columns and numbered rows;
- `widgets`: cells into Python values, with Indonesian messages (`kube_registry.values`
  does the parsing);
- `sheet`: the sheet protocol (`Sheet`, `Field`), `ImportContext`, messages and counts;
- `bulk`: inserts and updates in batches (COPY on PostgreSQL), with `history`: the
  django-simple-history rows of what it writes;
- `run`: `run_import(source, *, sheets, ...)`, one transaction in the given sheet order.

The engine names no app: the caller passes the sheets (pages/workbook.py declares the
registry's). The names a sheet needs are re-exported here.
"""

from .bulk import chunked, insert_with_history, update_with_history
from .reading import ImportFileError, Table, Workbook, normalize_name
from .run import run_import
from .sheet import Field, ImportContext, ImportResult, Message, Sheet, SheetCounts
from .widgets import (
    MSG_CHOICE,
    MSG_REQUIRED,
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    MoneyWidget,
    PeriodWidget,
    TextWidget,
    Widget,
)

__all__ = [
    "MSG_CHOICE",
    "MSG_REQUIRED",
    "BooleanWidget",
    "ChoiceWidget",
    "DateWidget",
    "Field",
    "ImportContext",
    "ImportFileError",
    "ImportResult",
    "IntegerWidget",
    "Message",
    "MoneyWidget",
    "PeriodWidget",
    "Sheet",
    "SheetCounts",
    "Table",
    "TextWidget",
    "Widget",
    "Workbook",
    "chunked",
    "insert_with_history",
    "normalize_name",
    "run_import",
    "update_with_history",
]
