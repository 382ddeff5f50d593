"""What an uploaded file really is, judged by its content and never by its name.

An `.xlsx` must be a zip holding an OOXML spreadsheet (its `[Content_Types].xml`
declares the workbook part); a `.csv` must decode as text (UTF-8, with or without a
byte-order mark, or Windows-1252) with no control characters but tabs and line ends.
A renamed PDF, image, executable or a Word document named `.xlsx` is refused.
"""

import io
import re
import zipfile

XLSX_MAIN_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
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


def upload_kind(filename: str, data: bytes) -> str | None:
    """ "xlsx" or "csv" when the content is what the name says; None otherwise."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return "xlsx" if is_ooxml_spreadsheet(data) else None
    if name.endswith(".csv"):
        return "csv" if is_text(data) else None
    return None
