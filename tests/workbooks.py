"""Contract 4's column lists as an office's file writes them, and one way to write such a file.

Plain Python (no Django, no database): `benchmarks/import_bench.py` generates its large
workbook with these same columns.
"""

import io
from pathlib import Path

import openpyxl

KELOMPOK = [
    "no_registrasi",
    "nama_kube",
    "kecamatan",
    "kelurahan",
    "rt",
    "alamat",
    "tanggal_berdiri",
    "jenis_usaha",
    "uraian_usaha",
    "wilayah",
    "prakarsa",
    "pendamping",
    "status",
    "lkm_koperasi",
    "tanggal_lkm_koperasi",
]
ANGGOTA = [
    "no_registrasi",
    "nik",
    "no_kk",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "jabatan",
    "tanggal_masuk",
    "tanggal_keluar",
    "alasan_keluar",
    "dtks",
    "pkh",
    "telepon",
]


def _book(sheets: dict[str, list[list]]) -> openpyxl.Workbook:
    """One worksheet per entry, in order, each holding its rows (the header first)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    return book


def workbook_buffer(sheets: dict[str, list[list]]) -> io.BytesIO:
    """The .xlsx file in memory, rewound, as an upload reads it."""
    buffer = io.BytesIO()
    _book(sheets).save(buffer)
    buffer.seek(0)
    return buffer


def workbook_bytes(sheets: dict[str, list[list]]) -> bytes:
    return workbook_buffer(sheets).getvalue()


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    _book(sheets).save(path)
    return path
