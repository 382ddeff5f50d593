"""Uploads are judged by their content, never by their name."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import ImportUpload, Kube
from kube_registry.uploads import upload_kind
from pages.workbook import workbook_template

DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def zip_of(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/").replace("Content_Types", "[Content_Types]"), content)
    return buffer.getvalue()


def test_a_real_workbook_is_a_workbook():
    assert upload_kind("Registri.XLSX", workbook_template()) == "xlsx"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4 not a workbook",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"PK\x03\x04 a broken zip",
        zip_of(readme__txt=b"just a zip"),
        zip_of(Content_Types__xml=DOCX_TYPES, word__document__xml=b"<w/>"),  # a Word file renamed
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
    ],
)
def test_anything_else_named_xlsx_is_refused(content):
    assert upload_kind("registri.xlsx", content) is None


@pytest.mark.parametrize(
    "content",
    [
        b"nama_kube,kecamatan\nKUBE Hemat,Bontang Utara\n",
        "\ufeffnama_kube;kecamatan\nKUBE Hemat;Bontang Utara\r\n".encode(),
        "nama_kube;catatan\nKUBE Hemat;Rp 1.500.000 – laba\n".encode("cp1252"),
        b"",
    ],
)
def test_text_named_csv_is_accepted(content):
    assert upload_kind("kelompok.csv", content) == "csv"


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00", workbook_template(), b"nama\x00kube\n", b"\x81\x8d\x8f\x90\x9d"],
)
def test_binary_named_csv_is_refused(content):
    assert upload_kind("kelompok.csv", content) is None


def test_other_names_are_refused_whatever_the_content():
    assert upload_kind("registri.xls", workbook_template()) is None
    assert upload_kind("kelompok.txt", b"nama_kube\n") is None


@pytest.mark.django_db
def test_a_word_file_renamed_xlsx_is_refused_by_the_import_page(client_for, officer):
    fake = SimpleUploadedFile("registri.xlsx", zip_of(Content_Types__xml=DOCX_TYPES, word__document__xml=b"<w/>"))
    response = client_for(officer).post(reverse("groups:import"), {"file": fake})
    assert response.status_code == 400
    assert "bukan buku kerja .xlsx" in response.content.decode()
    assert not ImportUpload.objects.exists()
    assert not Kube.objects.exists()
