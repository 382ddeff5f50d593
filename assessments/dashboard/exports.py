"""A dashboard block's table as .xlsx or .csv: the numbers beside its chart, with the
filter and date in the file name. Text cells are escaped against formula injection
(kube_registry.values.escape_csv_cell) by the shared writers."""

import io
import re

from kube_registry.exporting import csv_bytes, write_xlsx

from .blocks import Block

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _columns(block: Block) -> list[str]:
    return [str(column.label) for column in block.table.columns]


def block_xlsx(block: Block) -> bytes:
    buffer = io.BytesIO()
    # A sheet title is at most 31 characters and may not hold []:*?/\
    title = re.sub(r"[\[\]:*?/\\]", " ", str(block.title))[:31]
    write_xlsx(buffer, [(title, _columns(block), block.table.export_rows())])
    return buffer.getvalue()


def block_csv(block: Block) -> bytes:
    return csv_bytes(_columns(block), block.table.export_rows())


def block_file(block: Block, fmt: str) -> bytes:
    return block_xlsx(block) if fmt == "xlsx" else block_csv(block)
