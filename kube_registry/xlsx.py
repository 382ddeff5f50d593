"""A streaming .xlsx writer: sheets of text, numbers and dates, straight into the zip.

openpyxl, even write-only, needs about 90 s for the 150,000 member rows of a city
(no lxml here), past a web worker's timeout. A registry sheet needs only text,
numbers and dates, which this writes in a few seconds. It imports no app, so every
app's export (and the benchmarks) can use it.
"""

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from typing import IO, Any
from xml.sax.saxutils import escape

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Characters XML 1.0 cannot hold; a spreadsheet cannot show them either.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STYLES = (
    f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", value))


class XlsxWriter:
    """Sheets of text, numbers and dates, streamed into an .xlsx; use as a context manager.

    Text is written as inline strings (never formulas), dates as date cells, the
    header row in bold and frozen. Readers: Excel, LibreOffice, openpyxl, calamine.
    """

    def __init__(self, output: IO[bytes] | str):
        self.archive = zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=5)
        self.titles: list[str] = []

    def __enter__(self) -> "XlsxWriter":
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if exc_type is None:
            self._finish()
        self.archive.close()

    def add_sheet(self, title: str, header: list[str], rows: Iterable[list[Any]]) -> int:
        """Write one sheet; returns the number of data rows."""
        self.titles.append(title)
        count = 0
        letters = [_column_letter(i) for i in range(max(len(header), 1))]
        widths = "".join(
            f'<col min="{i}" max="{i}" width="{max(12, len(str(name)) + 3)}" customWidth="1"/>'
            for i, name in enumerate(header, 1)
        )
        with self.archive.open(f"xl/worksheets/sheet{len(self.titles)}.xml", "w") as handle:
            handle.write(
                f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
                f"</sheetViews><cols>{widths}</cols><sheetData>".encode()
            )
            handle.write(self._row(1, header, letters, style=' s="3"').encode())
            buffer = []
            for count, row in enumerate(rows, 1):
                if len(row) > len(letters):
                    letters += [_column_letter(i) for i in range(len(letters), len(row))]
                buffer.append(self._row(count + 1, row, letters))
                if len(buffer) >= 1_000:
                    handle.write("".join(buffer).encode())
                    buffer = []
            handle.write("".join(buffer).encode())
            handle.write(b"</sheetData></worksheet>")
        return count

    @staticmethod
    def _row(number: int, values: list[Any], letters: list[str], style: str = "") -> str:
        cells = []
        for letter, value in zip(letters, values, strict=False):
            if value is None or value == "":
                continue
            ref = f"{letter}{number}"
            if isinstance(value, str):
                cells.append(
                    f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'
                )
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, dt.datetime):
                serial = (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86_400
                cells.append(f'<c r="{ref}" s="2"><v>{serial}</v></c>')
            elif isinstance(value, dt.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}"{style} t="inlineStr"><is><t>{_xml_text(str(value))}</t></is></c>')
        return f'<row r="{number}">{"".join(cells)}</row>'

    def _finish(self) -> None:
        count = len(self.titles)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, count + 1)
        )
        self.archive.writestr(
            "[Content_Types].xml",
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.archive.writestr(
            "_rels/.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, title in enumerate(self.titles, 1)
        )
        self.archive.writestr(
            "xl/workbook.xml",
            f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets></workbook>',
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        relations += f'<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        self.archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{relations}</Relationships>',
        )
        self.archive.writestr("xl/styles.xml", _XML_HEAD + _STYLES)
