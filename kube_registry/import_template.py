"""The blank workbook offered on the import page: every sheet of the workbook with its
headers, an example row, and drop-down lists for the enumerations."""

import io
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .importing import BooleanWidget, ChoiceWidget, Sheet

HEADER_FILL = PatternFill("solid", fgColor="D1E7DD")
EXAMPLE_FONT = Font(italic=True, color="6C757D")
# Rows a drop-down covers: enough for a city's whole register.
VALIDATION_ROWS = 5000


def template_workbook_bytes(sheets: Mapping[str, type[Sheet]]) -> bytes:
    """`sheets`: sheet name -> Sheet class, in the workbook's order (pages/workbook.py)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, resource in sheets.items():
        sheet = workbook.create_sheet(name)
        columns = resource.column_names()
        required = set(resource.required_columns())
        example = getattr(resource, "example_row", {})
        for index, name in enumerate(columns, start=1):
            header = sheet.cell(row=1, column=index, value=name)
            header.fill = HEADER_FILL
            header.font = Font(bold=name in required)
            cell = sheet.cell(row=2, column=index, value=example.get(name))
            cell.font = EXAMPLE_FONT
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(name) + 4)
            options = _options(resource, name)
            if options:
                letter = get_column_letter(index)
                validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
                validation.error = "Pilih salah satu: " + ", ".join(options)
                validation.errorTitle = name
                validation.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _options(resource, column: str) -> list[str]:
    for field in resource.fields.values():
        if field.column_name != column:
            continue
        if isinstance(field.widget, ChoiceWidget):
            return [written for written in field.widget.names.values() if written]
        if isinstance(field.widget, BooleanWidget):
            return ["ya", "tidak"]
    return []
