"""Uploads are bounded by what they unpack to, checked while streaming, never a 500."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from freezegun import freeze_time

from groups.models import ImportUpload, ImportUploadStatus, Kube
from groups.services import MSG_UPLOAD_PURGED
from kube_registry.uploads import upload_kind
from pages.workbook import import_workbook

pytestmark = pytest.mark.django_db

HEADER = ["nama_kube", "kecamatan", "kelurahan", "tanggal_berdiri", "jenis_usaha"]
ROW = ["KUBE Hemat", "Bontang Utara", "Guntung", "05/08/2020", "produksi"]
CT = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="kelompok" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(ref: str, value) -> bytes:
    return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), str(value).encode())


def xlsx(rows: list[list], *, extra: bytes = b"", padding: int = 0) -> bytes:
    """A minimal real workbook, one sheet `kelompok`; `extra` cells are added after the rows."""
    body = b"".join(
        b'<row r="%d">' % number
        + b"".join(_cell(f"{chr(65 + i)}{number}", value) for i, value in enumerate(row))
        + b"</row>"
        for number, row in enumerate(rows, start=1)
    )
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + body + extra + b"</sheetData></worksheet>" + b" " * padding
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CT)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def ods(rows: list[list], *, extra_rows: str = "") -> bytes:
    """An OpenDocument spreadsheet as LibreOffice writes it: trailing repeated empty rows and cells."""
    body = "".join(
        "<table:table-row>"
        + "".join(ODS_CELL.format(value) for value in row)
        + '<table:table-cell table:number-columns-repeated="1019"/></table:table-row>'
        for row in rows
    )
    body += extra_rows
    body += (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="kelompok">'
        + body
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content.encode(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def lying(data: bytes, member: str) -> bytes:
    """The archive with `member`'s declared uncompressed size shrunk to 10 bytes (both headers)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    true_size = info.file_size.to_bytes(4, "little")
    out = bytearray(data)
    for offset in (info.header_offset + 22,):  # local header: uncompressed size
        assert out[offset : offset + 4] == true_size
        out[offset : offset + 4] = (10).to_bytes(4, "little")
    central = out.find(b"PK\x01\x02" + b"", out.find(member.encode(), info.header_offset + 30 + len(member)) - 46)
    assert out[central + 24 : central + 28] == true_size
    out[central + 24 : central + 28] = (10).to_bytes(4, "little")
    return bytes(out)


def command_lines(path) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_registry", str(path), stdout=out)
    assert raised.value.returncode == 1
    return out.getvalue(), str(raised.value)


def test_a_far_away_cell_is_refused_before_calamine_allocates_its_grid(tmp_path, settings):
    # 1 kB that python-calamine would unpack into a dense grid of 52 million cells (1.6 GB).
    data = xlsx([HEADER, ROW], extra=b'<row r="1000000"><c r="AZ1000000"><v>1</v></c></row>')
    assert len(data) < 2_000
    path = tmp_path / "registri.xlsx"
    path.write_bytes(data)
    output, _error = command_lines(path)
    assert "kelompok:0::" in output
    assert "lebih dari 200000 baris data" in output
    settings.KUBE_IMPORT_MAX_ROWS = 2_000_000
    output, _error = command_lines(path)
    assert "lebih dari 5000000 sel" in output
    assert not Kube.objects.exists()


def test_cells_are_counted_over_the_file_from_the_sheets_extent(settings):
    settings.KUBE_IMPORT_MAX_CELLS = 20
    ok = import_workbook(io.BytesIO(xlsx([HEADER, ROW])), filename="r.xlsx", dry_run=True)
    assert ok.ok, ok.errors
    wide = import_workbook(
        io.BytesIO(xlsx([HEADER, ROW], extra=b'<row r="3"><c r="Z3"><v>1</v></c></row>')), filename="r.xlsx"
    )
    assert [str(e) for e in wide.errors] == [
        "kelompok:0:: Sampai lembar “kelompok”, berkas memuat lebih dari 20 sel (baris × kolom terpakai, batas per "
        "berkas); bagi menjadi beberapa berkas."
    ]


def test_cells_without_references_are_counted_too(settings):
    settings.KUBE_IMPORT_MAX_CELLS = 20
    extra = b"<row>" + b"<c><v>1</v></c>" * 30 + b"</row>"
    result = import_workbook(io.BytesIO(xlsx([HEADER, ROW], extra=extra)), filename="r.xlsx")
    assert "lebih dari 20 sel" in str(result.errors[0])


def test_rows_per_sheet_are_refused_before_loading(settings):
    settings.KUBE_IMPORT_MAX_ROWS = 3
    result = import_workbook(io.BytesIO(xlsx([HEADER] + [ROW] * 4)), filename="r.xlsx")
    assert "Lembar “kelompok” memuat lebih dari 3 baris data" in str(result.errors[0])
    assert not import_workbook(io.BytesIO(xlsx([HEADER] + [ROW] * 3)), filename="r.xlsx", dry_run=True).file_refused


def test_total_unpacked_size_is_refused_from_the_directory(settings):
    settings.KUBE_IMPORT_MAX_UNPACKED_BYTES = 50_000
    # 1 MB of spaces compresses to about 1 kB.
    data = xlsx([HEADER, ROW], padding=1_000_000)
    assert len(data) < 5_000
    result = import_workbook(io.BytesIO(data), filename="registri.xlsx")
    assert "Berkas “registri.xlsx” berisi lebih dari 0.0476837 MB setelah dibuka" in str(result.errors[0])


def test_a_member_inflating_past_its_header_is_refused():
    data = lying(xlsx([HEADER, ROW], padding=100_000), "xl/worksheets/sheet1.xml")
    result = import_workbook(io.BytesIO(data), filename="registri.xlsx")
    assert "bagian “xl/worksheets/sheet1.xml” lebih besar daripada yang tercatat" in str(result.errors[0])


def test_csv_field_over_the_limit_names_sheet_row_column(tmp_path, settings):
    # Over the csv module's own 131,072 limit too: was a 500 on the web page.
    for size in (10_001, 200_000):
        text = "nama_kube,kecamatan\nKUBE A,Bontang Utara\nKUBE B," + "x" * size + "\n"
        path = tmp_path / "kelompok.csv"
        path.write_text(text)
        output, _error = command_lines(path)
        assert "kelompok:3:" in output
        assert "Isi sel lebih dari 10000 karakter" in output
    result = import_workbook(
        io.BytesIO(b"nama_kube,kecamatan\nKUBE A," + b"x" * 10_001 + b"\n"), filename="kelompok.csv"
    )
    assert str(result.errors[0]).startswith("kelompok:2:kecamatan: Isi sel lebih dari 10000 karakter")


def test_csv_rows_and_cells_are_bounded(settings):
    settings.KUBE_IMPORT_MAX_ROWS = 2
    text = ("nama_kube\n" + "KUBE A\n" * 3).encode()
    result = import_workbook(io.BytesIO(text), filename="kelompok.csv")
    assert "lebih dari 2 baris data" in str(result.errors[0])
    settings.KUBE_IMPORT_MAX_ROWS = 100
    settings.KUBE_IMPORT_MAX_CELLS = 10
    result = import_workbook(io.BytesIO(("a,b,c\n" * 4).encode()), filename="kelompok.csv")
    assert "lebih dari 10 sel" in str(result.errors[0])


def test_the_web_page_shows_a_limit_as_a_form_error_and_keeps_nothing(client_for, officer, settings):
    settings.KUBE_IMPORT_MAX_CELLS = 20
    data = xlsx([HEADER, ROW], extra=b'<row r="3"><c r="Z3"><v>1</v></c></row>')
    response = client_for(officer).post(reverse("groups:import"), {"file": SimpleUploadedFile("r.xlsx", data)})
    assert response.status_code == 400
    assert "lebih dari 20 sel" in str(response.context["form"].errors["file"])
    assert not ImportUpload.objects.exists()
    csv = b"nama_kube,kecamatan\nKUBE A," + b"x" * 200_000 + b"\n"
    response = client_for(officer).post(reverse("groups:import"), {"file": SimpleUploadedFile("kelompok.csv", csv)})
    assert response.status_code == 400
    assert "Isi sel lebih dari 10000 karakter" in response.content.decode()


def test_ods_is_judged_by_content_and_imported_on_the_web_page(client_for, officer):
    data = ods([HEADER, ROW])
    assert upload_kind("registri.ods", data) == "ods"
    assert upload_kind("registri.ods", xlsx([HEADER, ROW])) is None
    client = client_for(officer)
    response = client.post(reverse("groups:import"), {"file": SimpleUploadedFile("registri.ods", data)})
    assert response.status_code == 200
    assert response.context["result"].ok, response.context["result"].errors
    client.post(reverse("groups:import_apply", args=[ImportUpload.objects.get().pk]))
    assert Kube.objects.get().name == "KUBE Hemat"


def test_ods_repeated_cells_holding_a_value_count(settings, tmp_path):
    settings.KUBE_IMPORT_MAX_CELLS = 1_000
    bomb = '<table:table-row table:number-rows-repeated="1000">' + ODS_CELL.format("x") + "</table:table-row>"
    path = tmp_path / "registri.ods"
    path.write_bytes(ods([HEADER, ROW], extra_rows=bomb))
    output, _error = command_lines(path)
    assert "lebih dari 1000 sel" in output


def test_xls_is_judged_by_its_ole2_signature():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "Workbook".encode("utf-16-le")
    assert upload_kind("registri.xls", ole2) == "xls"
    assert upload_kind("registri.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le")) is None
    assert upload_kind("registri.xls", xlsx([HEADER])) is None


def xls(rows: list[list], *, sheet: str = "kelompok") -> bytes:
    """A real Excel 97-2003 workbook (OLE2/BIFF8), written by xlwt."""
    import xlwt

    book = xlwt.Workbook()
    page = book.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            page.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_real_xls_is_imported_on_the_web_page(client_for, officer):
    data = xls([HEADER, ROW])
    assert upload_kind("registri.xls", data) == "xls"
    client = client_for(officer)
    response = client.post(reverse("groups:import"), {"file": SimpleUploadedFile("registri.xls", data)})
    assert response.status_code == 200
    assert response.context["result"].ok, response.context["result"].errors
    client.post(reverse("groups:import_apply", args=[ImportUpload.objects.get().pk]))
    assert Kube.objects.get().name == "KUBE Hemat"


def test_a_real_xls_over_the_row_limit_is_refused_with_a_message(settings, tmp_path):
    settings.KUBE_IMPORT_MAX_ROWS = 3
    path = tmp_path / "registri.xls"
    path.write_bytes(xls([HEADER] + [ROW] * 5))
    output, _error = command_lines(path)
    assert "lebih dari 3 baris data" in output and "kelompok" in output
    assert not Kube.objects.exists()


# --- Retention ------------------------------------------------------------------


def test_refused_and_applied_uploads_keep_no_content(client_for, officer):
    client = client_for(officer)
    bad = xlsx([HEADER, ["KUBE X", "Bontang Utara", "Tidak Ada", "05/08/2020", "produksi"]])
    client.post(reverse("groups:import"), {"file": SimpleUploadedFile("bad.xlsx", bad)})
    refused = ImportUpload.objects.get()
    assert (refused.status, bytes(refused.content), refused.size) == (ImportUploadStatus.REJECTED, b"", len(bad))
    client.post(reverse("groups:import"), {"file": SimpleUploadedFile("ok.xlsx", xlsx([HEADER, ROW]))})
    checked = ImportUpload.objects.get(filename="ok.xlsx")
    assert bytes(checked.content)
    client.post(reverse("groups:import_apply", args=[checked.pk]))
    checked.refresh_from_db()
    assert (checked.status, bytes(checked.content)) == (ImportUploadStatus.APPLIED, b"")


def test_purge_uploads_empties_pending_content_after_the_retention(client_for, officer):
    with freeze_time("2025-03-01 08:00"):
        client_for(officer).post(reverse("groups:import"), {"file": SimpleUploadedFile("r.xlsx", xlsx([HEADER, ROW]))})
    upload = ImportUpload.objects.get()
    out = io.StringIO()
    with freeze_time("2025-03-02 07:59"):
        call_command("purge_uploads", stdout=out)
    assert out.getvalue().strip() == "Isi 0 unggahan impor yang lebih lama dari 24 jam dihapus."
    upload.refresh_from_db()
    assert bytes(upload.content)
    with freeze_time("2025-03-02 08:01"):
        call_command("purge_uploads", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Isi 1 unggahan impor yang lebih lama dari 24 jam dihapus."
    upload.refresh_from_db()
    # The row stays as the audit trace: who, what, when, the summary.
    assert (bytes(upload.content), upload.filename, upload.uploaded_by, upload.status) == (
        b"",
        "r.xlsx",
        officer,
        ImportUploadStatus.CHECKED,
    )
    assert upload.uploaded_at == dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    assert "created=1" in upload.summary
    response = client_for(officer).post(reverse("groups:import_apply", args=[upload.pk]), follow=True)
    assert response.status_code == 200
    assert MSG_UPLOAD_PURGED in response.content.decode()
    assert not Kube.objects.exists()
