"""The proposal list out: the `usulan` sheet (.xlsx or .csv), one row per family on each proposal.

The columns are the import's, so an unmasked export imports back `unchanged`. NIK and
KK and phone are masked, and the birth date left blank, for readers who may not see
personal data (kube_registry.masking). One query whatever the number of rows.
"""

import io

from kube_registry.exporting import csv_bytes, write_xlsx

from .resources import usulan_columns, usulan_rows

SHEET = "usulan"


def usulan_xlsx_bytes(proposals, *, mask: bool) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, [(SHEET, usulan_columns(), usulan_rows(proposals, can_see_personal_data=not mask))])
    return buffer.getvalue()


def usulan_csv_bytes(proposals, *, mask: bool) -> bytes:
    return csv_bytes(usulan_columns(), usulan_rows(proposals, can_see_personal_data=not mask))
