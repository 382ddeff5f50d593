"""The proposal list out: the `usulan` sheet (.xlsx or .csv), one row per family on each proposal.

The columns are the import's, so an unmasked export imports back `unchanged`. NIK and
KK are masked for readers who may not see personal data (BRIEF: never in exports for
those whose work does not need them). One query whatever the number of rows.
"""

import io

from kube_registry.exporting import csv_bytes, write_xlsx
from kube_registry.nik import mask_id_number

from .resources import usulan_columns, usulan_rows

SHEET = "usulan"


def _mask(hide: bool):
    return mask_id_number if hide else (lambda number: number)


def usulan_xlsx_bytes(proposals, *, mask: bool) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, [(SHEET, usulan_columns(), usulan_rows(proposals, mask=_mask(mask)))])
    return buffer.getvalue()


def usulan_csv_bytes(proposals, *, mask: bool) -> bytes:
    return csv_bytes(usulan_columns(), usulan_rows(proposals, mask=_mask(mask)))
