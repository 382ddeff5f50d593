"""What an uploaded file really is, judged by its content and never by its name.

An `.xlsx` must be a zip holding an OOXML spreadsheet (its `[Content_Types].xml`
declares the workbook part); an `.ods` a zip whose `mimetype` is an OpenDocument
spreadsheet; an `.xls` an OLE2 compound file holding a `Workbook` stream; a `.csv`
must decode as text (UTF-8, with or without a byte-order mark, or Windows-1252)
with no control characters but tabs and line ends.
A renamed PDF, image, executable or a Word document named `.xlsx` is refused.
"""

import copy
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

XLSX_MAIN_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Text has no control characters but tab, line feed, carriage return (and a form feed).
BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def is_ooxml_spreadsheet(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return False
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1_000_000:  # a few kB in any real workbook
                return False
            return XLSX_MAIN_TYPE in archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return False


def is_text(data: bytes) -> bool:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return BINARY.search(text) is None
    return False


def is_ods(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("mimetype")
            return info.file_size < 100 and archive.read(info).strip() == ODS_MIME
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError, zlib.error):
        return False


def is_xls(data: bytes) -> bool:
    """An OLE2 compound file whose directory names a BIFF workbook stream (`Workbook`, or `Book` before 97)."""
    return data.startswith(OLE2_SIGNATURE) and (
        "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data
    )


KINDS = {".xlsx": is_ooxml_spreadsheet, ".xls": is_xls, ".ods": is_ods, ".csv": is_text}


def upload_kind(filename: str, data: bytes) -> str | None:
    """ "xlsx", "xls", "ods" or "csv" when the content is what the name says; None otherwise."""
    name = filename.lower()
    for suffix, check in KINDS.items():
        if name.endswith(suffix):
            return suffix[1:] if check(data) else None
    return None


# --- Bounds: what an upload unpacks to, checked while streaming ------------------

MAX_MEMBERS = 2_000  # a workbook has a few dozen parts
CHUNK = 1 << 20
UNREADABLE = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    EOFError,
    zlib.error,
    ElementTree.ParseError,
)

MSG_UNPACKED = gettext_noop(
    "Berkas “{name}” berisi lebih dari {limit} MB setelah dibuka (batas {limit} MB); bagi menjadi beberapa berkas."
)
MSG_LYING = gettext_noop(
    "Berkas “{name}”: bagian “{member}” lebih besar daripada yang tercatat di arsipnya; berkas rusak atau dimanipulasi."
)
MSG_MEMBERS = gettext_noop("Berkas “{name}” memuat lebih dari {limit} bagian; ini bukan buku kerja biasa.")
MSG_ARCHIVE = gettext_noop("Berkas “{name}” tidak dapat dibuka sebagai arsip buku kerja: {detail}")
MSG_SHEET_ROWS = gettext_noop(
    "Lembar “{sheet}” memuat lebih dari {limit} baris data (batas per lembar); bagi menjadi beberapa berkas."
)
MSG_CELLS = gettext_noop(
    "Sampai lembar “{sheet}”, berkas memuat lebih dari {limit} sel (baris × kolom terpakai, batas per berkas); "
    "bagi menjadi beberapa berkas."
)
MSG_SHEET_MISSING = gettext_noop("Lembar “{sheet}” tidak ditemukan di dalam arsip buku kerja.")


@dataclass(frozen=True)
class UploadLimits:
    """How much an upload may hold once unpacked (settings KUBE_IMPORT_MAX_*)."""

    unpacked_bytes: int = 200 * 1024 * 1024
    rows: int = 200_000
    cells: int = 5_000_000
    field_chars: int = 10_000

    @classmethod
    def from_settings(cls) -> "UploadLimits":
        default = cls()
        return cls(
            unpacked_bytes=int(getattr(settings, "KUBE_IMPORT_MAX_UNPACKED_BYTES", default.unpacked_bytes)),
            rows=int(getattr(settings, "KUBE_IMPORT_MAX_ROWS", default.rows)),
            cells=int(getattr(settings, "KUBE_IMPORT_MAX_CELLS", default.cells)),
            field_chars=int(getattr(settings, "KUBE_IMPORT_MAX_FIELD_CHARS", default.field_chars)),
        )

    @property
    def unpacked_mb(self) -> str:
        return f"{self.unpacked_bytes / 1_048_576:g}"


class UploadLimitError(Exception):
    """A bound is exceeded or the archive cannot be trusted; the message is for the user."""

    def __init__(self, text: str, *, sheet: str = "", row: int = 0, column: str = ""):
        super().__init__(text)
        self.sheet, self.row, self.column = sheet, row, column


def _zip_member_count(source: IO[bytes]) -> int:
    """Entries in the end-of-central-directory record, read before zipfile loads the directory."""
    source.seek(0, io.SEEK_END)
    size = source.tell()
    tail_start = max(0, size - 65_557)
    source.seek(tail_start)
    tail = source.read()
    source.seek(0)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return 0  # zipfile reports the broken archive
    count = struct.unpack("<H", tail[end + 10 : end + 12])[0]
    return MAX_MEMBERS + 1 if count == 0xFFFF else count  # 0xFFFF: a zip64 directory


def _member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """The member's bytes as decompressed, refusing more than its header declares.

    zipfile stops at the declared size; asked for one byte more, a member that
    inflates past its header is caught here (python-calamine would read it all).
    """
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1
    probe.CRC = None  # checked below, over what really came out
    left, crc = info.file_size, 0
    with archive.open(probe) as member:
        while chunk := member.read(CHUNK):
            left -= len(chunk)
            if left < 0:
                raise UploadLimitError(_(MSG_LYING).format(name=name, member=info.filename))
            crc = zlib.crc32(chunk, crc)
            yield chunk
    if left or crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 or size for {info.filename!r}")


def _xlsx_sheet_members(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Sheet title -> its part, resolved as python-calamine does (xl/workbook.xml and its rels)."""

    def read_small(part: str) -> bytes:
        try:
            info = archive.getinfo(part)
        except KeyError:
            return b""
        return b"".join(_member_chunks(archive, info, name))

    targets = {}
    rels = read_small("xl/_rels/workbook.xml.rels")
    if rels:
        for element in ElementTree.fromstring(rels).iter():
            if element.tag.rsplit("}", 1)[-1] == "Relationship":
                target = element.get("Target", "")
                if target.startswith("/"):
                    target = target[1:]
                elif not target.startswith("xl/"):
                    target = "xl/" + target
                targets[element.get("Id")] = target
    members = {}
    workbook = read_small("xl/workbook.xml")
    if workbook:
        for element in ElementTree.fromstring(workbook).iter():
            if element.tag.rsplit("}", 1)[-1] == "sheet":
                rel_id = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
                if rel_id in targets:
                    members[element.get("name", "")] = targets[rel_id]
    return members


def sheet_extents(
    source: IO[bytes], *, kind: str, name: str, limits: UploadLimits
) -> dict[str, tuple[int, int]] | None:
    """An .xlsx or .ods read once, streaming, holding nothing: sheet title -> (rows, columns).

    Refuses (UploadLimitError) an archive whose members declare, or inflate to, more
    than `limits.unpacked_bytes` together, or that inflate past their own headers.
    The extents (None for a binary .xlsb, whose sheets are not XML) are upper bounds
    of what python-calamine allocates for each sheet (a dense grid of rows by
    columns), so `Workbook` can refuse a sheet before loading it.
    """
    if _zip_member_count(source) > MAX_MEMBERS:
        raise UploadLimitError(_(MSG_MEMBERS).format(name=name, limit=MAX_MEMBERS))
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadLimitError(_(MSG_ARCHIVE).format(name=name, detail=exc)) from exc
    with archive:
        infos = archive.infolist()
        limit_error = UploadLimitError(_(MSG_UNPACKED).format(name=name, limit=limits.unpacked_mb))
        if sum(info.file_size for info in infos) > limits.unpacked_bytes:
            raise limit_error
        try:
            binary = kind != "ods" and "xl/workbook.bin" in archive.NameToInfo
            if kind == "ods":
                scanners = {"content.xml": OdsScanner()}
            elif binary:
                scanners = {}
            else:
                scanners = {part: XlsxSheetScanner(title) for title, part in _xlsx_sheet_members(archive, name).items()}
            total = 0
            for info in infos:
                scanner = scanners.get(info.filename)
                for chunk in _member_chunks(archive, info, name):
                    total += len(chunk)
                    if total > limits.unpacked_bytes:
                        raise limit_error
                    if scanner is not None:
                        scanner.feed(chunk)
        except UploadLimitError:
            raise
        except UNREADABLE as exc:  # encrypted, broken or oddly compressed: not a workbook we read
            raise UploadLimitError(_(MSG_ARCHIVE).format(name=name, detail=exc)) from exc
    if kind == "ods":
        return scanners["content.xml"].extents()
    if binary:
        return None
    return {scanner.title: scanner.extent() for scanner in scanners.values()}


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _greater_than(value: bytes, low: str, high: str) -> bytes:
    """A pattern matching strings of `low`-`high` characters that sort above `value` as numbers do."""
    alternatives = [b"[%s-%s]{%d,}" % (low.encode(), high.encode(), len(value) + 1)]
    for i, char in enumerate(value):
        if char < ord(high):
            alternatives.append(
                re.escape(value[:i])
                + b"[%c-%s]" % (char + 1, high.encode())
                + b"[%s-%s]{%d}" % (low.encode(), high.encode(), len(value) - i - 1)
            )
    return b"(?:" + b"|".join(alternatives) + b")"


class _TagStream:
    """XML fed in chunks, read a whole number of tags at a time: what follows a chunk's
    last `<` waits for the next chunk (or `_flush`)."""

    carry = b""

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")
        if cut < 0:
            self.carry = b""
            return
        if len(data) - cut > CHUNK:
            raise ValueError("tag too long")
        self.carry = data[cut:]
        self._read(data[:cut])

    def _flush(self) -> None:
        if self.carry:
            self._read(self.carry)

    def _read(self, data: bytes) -> None:
        raise NotImplementedError


class XlsxSheetScanner(_TagStream):
    """The dense extent of one worksheet part, from its cells' references.

    Fast path: every cell written `<c r="A1"` (Excel, LibreOffice, openpyxl and our own
    writer do): per chunk, a few regular-expression searches in C. Anything else (a
    cell without a reference, a namespace prefix, odd quoting) goes through a
    tag-by-tag reading of that chunk.
    """

    # Two searches: one pattern with an alternative loses the literal-prefix scan (7 times slower).
    ODD_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}")[\s/>]')
    PREFIXED = re.compile(rb":c[\s/>]")
    LAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
    TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
    ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)\s*([0-9]*)""")

    def __init__(self, title: str):
        self.title = title
        self.rows = 0
        self.columns = 0
        self.carry = b""
        # For tags without references (slow path).
        self.row = 0
        self.column = 0

    def extent(self) -> tuple[int, int]:
        self._flush()
        return self.rows, self.columns

    def _read(self, data: bytes) -> None:
        if self.ODD_CELL.search(data) or self.PREFIXED.search(data):
            self._read_tags(data)
            return
        last = data.rfind(b'<c r="')
        if last < 0:
            return
        found = self.LAST_CELL.match(data, last)
        self.rows = max(self.rows, int(found.group(2)))
        self.columns = max(self.columns, _column_number(found.group(1)))
        rows = _greater_than(str(self.rows).encode(), "0", "9")
        if re.search(rb'<c r="[A-Z]{1,3}' + rows + b'"', data):
            self._read_tags(data)  # a cell below the chunk's last one: not how writers order them
            return
        while True:
            letters = _column_letters(self.columns)
            bigger = re.search(rb'<c r="(' + _greater_than(letters, "A", "Z") + b")[0-9]", data)
            if bigger is None:
                return
            self.columns = _column_number(bigger.group(1))

    def _read_tags(self, data: bytes) -> None:
        for closing, tag, attributes in self.TAG.findall(data):
            if closing:
                continue
            ref = self.ATTR_R.search(attributes)
            letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
            if tag == b"row":
                self.row = int(digits) if digits else self.row + 1
                self.column = 0
            else:
                self.column = _column_number(letters) if letters else self.column + 1
                if digits:
                    self.row = int(digits)
                self.rows = max(self.rows, self.row)
                self.columns = max(self.columns, self.column)


def _column_letters(number: int) -> bytes:
    letters = b""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = bytes([65 + rest]) + letters
    return letters or b"A"


class OdsScanner(_TagStream):
    """The extent of each table in an .ods `content.xml`, counting repeated rows and cells.

    python-calamine drops repeated *empty* rows and cells (LibreOffice writes a million
    of them after the data) but expands repeated ones holding a value: only those count.
    """

    TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
    NAME = re.compile(rb'table:name\s*=\s*["\']([^"\']*)')
    ROWS = re.compile(rb'number-rows-repeated\s*=\s*["\']\s*([0-9]+)')
    COLUMNS = re.compile(rb'number-columns-repeated\s*=\s*["\']\s*([0-9]+)')

    def __init__(self):
        self.carry = b""
        self.tables: dict[str, tuple[int, int]] = {}
        self.title = ""
        self.position = self.height = self.width = 0
        self.repeat = 1
        self.column = self.row_width = 0

    def extents(self) -> dict[str, tuple[int, int]]:
        self._flush()
        return self.tables

    def _read(self, data: bytes) -> None:
        for closing, tag, attributes, empty in self.TAG.findall(data):
            if tag == b"table":
                if closing:
                    self.tables[self.title] = (self.height, self.width)
                else:
                    found = self.NAME.search(attributes)
                    self.title = html.unescape(found.group(1).decode("utf-8", "replace")) if found else ""
                    self.position = self.height = self.width = 0
            elif tag == b"table-row":
                if closing:
                    self._end_row()
                else:
                    found = self.ROWS.search(attributes)
                    self.repeat = int(found.group(1)) if found else 1
                    self.column = self.row_width = 0
                    if empty:
                        self._end_row()
            elif not closing:
                found = self.COLUMNS.search(attributes)
                self.column += int(found.group(1)) if found else 1
                if not empty or b"value-type" in attributes:
                    self.row_width = self.column

    def _end_row(self) -> None:
        if self.row_width:
            self.height = self.position + self.repeat
            self.width = max(self.width, self.row_width)
        self.position += self.repeat
