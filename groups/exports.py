"""The registry as spreadsheets: the kelompok and anggota sheets of contract 4.

Functions take querysets (the command passes everything; the group list passes its
filtered queryset) and a `can_see_personal_data` flag: without it NIK and KK numbers
are masked. Values are written the way the import reads them, so an unmasked export
imports back to the same data. Every text cell is escaped against formula injection.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any
from xml.sax.saxutils import escape

from django.db.models import QuerySet

from kube_registry.nik import mask_id_number
from kube_registry.values import escape_csv_cell

from .models import Membership
from .resources import AnggotaResource, KelompokResource

# Added to the kelompok columns. The assessment columns stay empty until assessments exist.
KELOMPOK_EXTRA_COLUMNS = ("jumlah_anggota", "kategori", "skor", "tanggal_penilaian")
CHUNK = 2_000


def kelompok_columns() -> list[str]:
    return [*KelompokResource.column_names(), *KELOMPOK_EXTRA_COLUMNS]


def anggota_columns() -> list[str]:
    return AnggotaResource.column_names()


def _renderers(resource) -> dict[str, Any]:
    return {name: field.widget.render for name, field in resource.fields.items()}


def kelompok_rows(kubes: QuerySet) -> Iterator[list[Any]]:
    """One list per group, in `kelompok_columns()` order; dates stay dates."""
    render = _renderers(KelompokResource)
    rows = (
        kubes.with_member_count()
        .order_by("no_registrasi")
        .values_list(
            "no_registrasi",
            "name",
            "kelurahan__kecamatan__name",
            "kelurahan__name",
            "rt",
            "address",
            "founded_on",
            "business_field",
            "business_description",
            "area_type",
            "initiative",
            "facilitator__username",
            "status",
            "financial_institution",
            "financial_institution_on",
            "active_member_count",
        )
    )
    for (
        number,
        name,
        kecamatan,
        kelurahan,
        rt,
        address,
        founded_on,
        business_field,
        description,
        area_type,
        initiative,
        facilitator,
        status,
        institution,
        institution_on,
        members,
    ) in rows.iterator(chunk_size=CHUNK):
        yield [
            number,
            name,
            kecamatan,
            kelurahan,
            rt,
            address,
            founded_on,
            render["jenis_usaha"](business_field),
            description,
            render["wilayah"](area_type),
            render["prakarsa"](initiative),
            facilitator or "",
            render["status"](status),
            render["lkm_koperasi"](institution),
            institution_on,
            members,
            "",  # kategori
            "",  # skor
            None,  # tanggal_penilaian
        ]


def anggota_rows(memberships: QuerySet, *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """One list per membership (past ones too), in `anggota_columns()` order."""
    render = _renderers(AnggotaResource)
    hide = (lambda number: number) if can_see_personal_data else mask_id_number
    rows = memberships.order_by("kube__no_registrasi", "person__name", "joined_on", "pk").values_list(
        "kube__no_registrasi",
        "person__nik",
        "person__kk",
        "person__name",
        "person__sex",
        "person__birth_on",
        "role",
        "joined_on",
        "left_on",
        "leave_reason",
        "person__is_dtks",
        "person__is_pkh",
        "person__phone",
    )
    for number, nik, kk, name, sex, birth_on, role, joined_on, left_on, reason, dtks, pkh, phone in rows.iterator(
        chunk_size=CHUNK
    ):
        yield [
            number,
            hide(nik),
            hide(kk),
            name,
            render["jenis_kelamin"](sex),
            birth_on,
            render["jabatan"](role),
            joined_on,
            left_on,
            render["alasan_keluar"](reason),
            render["dtks"](dtks),
            render["pkh"](pkh),
            phone,
        ]


def _text_cell(value: Any) -> Any:
    return escape_csv_cell(value) if isinstance(value, str) else value


def write_registry_xlsx(kubes: QuerySet, output: IO[bytes], *, can_see_personal_data: bool) -> dict[str, int]:
    """The kelompok and anggota sheets of `kubes` into `output`; returns rows per sheet."""
    memberships = Membership.objects.filter(kube__in=kubes)
    counts = {}
    sheets = (
        ("kelompok", kelompok_columns(), kelompok_rows(kubes)),
        ("anggota", anggota_columns(), anggota_rows(memberships, can_see_personal_data=can_see_personal_data)),
    )
    with XlsxWriter(output) as workbook:
        for title, columns, rows in sheets:
            counts[title] = workbook.add_sheet(title, columns, ([_text_cell(v) for v in row] for row in rows))
    return counts


def registry_xlsx_bytes(kubes: QuerySet, *, can_see_personal_data: bool) -> bytes:
    buffer = io.BytesIO()
    write_registry_xlsx(kubes, buffer, can_see_personal_data=can_see_personal_data)
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _text_cell(value)


def write_kelompok_csv(kubes: QuerySet, output: IO[str]) -> int:
    """The kelompok sheet as CSV (comma, UTF-8; open the file with newline="")."""
    writer = csv.writer(output)
    writer.writerow(kelompok_columns())
    count = 0
    for row in kelompok_rows(kubes):
        writer.writerow([_csv_value(value) for value in row])
        count += 1
    return count


def kelompok_csv_bytes(kubes: QuerySet) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Indonesian names correctly."""
    buffer = io.StringIO(newline="")
    write_kelompok_csv(kubes, buffer)
    return buffer.getvalue().encode("utf-8-sig")


# --- A streaming .xlsx writer ----------------------------------------------------
#
# openpyxl, even write-only, needs about 90 s for the 150,000 member rows of a city
# (no lxml here), past a web worker's timeout. A registry sheet needs only text,
# numbers and dates, which this writes straight into the zip in a few seconds.

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
