"""The web import (upload, preview, confirm), the template, and the list's export."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import ImportUpload, Kube, Person
from tests.factories import KubeFactory, MembershipFactory, make_nik
from tests.workbooks import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NIK = make_nik(sex="P", birth_on=dt.date(1980, 5, 17), serial=55)


def registry_file(*, kelurahan="Guntung", jabatan="ketua", name="registri.xlsx"):
    content = workbook_bytes(
        {
            "kelompok": [
                ["nama_kube", "kecamatan", "kelurahan", "tanggal_berdiri", "jenis_usaha"],
                ["KUBE Sinar Laut", "Bontang Utara", kelurahan, "12 Agustus 2019", "jasa"],
            ],
            "anggota": [
                ["no_registrasi", "nik", "nama", "jenis_kelamin", "jabatan"],
                ["6474-2019-001", NIK, "Wati", "P", jabatan],
            ],
        }
    )
    return SimpleUploadedFile(name, content, content_type=XLSX)


def upload(client, file):
    return client.post(reverse("groups:import"), {"file": file})


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), ("facilitator", 403), ("officer", 200), ("admin_user", 200)]
)
@pytest.mark.parametrize("name", ["groups:import", "groups:import_template"])
def test_import_pages_access(request, db, client_for, persona, status, name):
    user = request.getfixturevalue(persona) if persona else None
    assert client_for(user).get(reverse(name)).status_code == status


def test_apply_refuses_get(client_for, officer):
    assert client_for(officer).get(reverse("groups:import_apply", args=[1])).status_code == 405


def test_preview_writes_nothing_then_apply_writes_everything(client_for, officer):
    client = client_for(officer)
    response = upload(client, registry_file())
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.sheets["kelompok"].created, result.sheets["anggota"].created) == (1, 1)
    assert "Terapkan impor" in response.content.decode()
    assert not Kube.objects.exists()

    pending = ImportUpload.objects.get()
    response = client.post(reverse("groups:import_apply", args=[pending.pk]))
    assert response["Location"] == reverse("groups:kube_list")
    kube = Kube.objects.get()
    assert (kube.name, kube.no_registrasi, kube.founded_on) == (
        "KUBE Sinar Laut",
        "6474-2019-001",
        dt.date(2019, 8, 12),
    )
    assert kube.memberships.get().person.nik == NIK
    assert kube.history.get().history_user == officer
    # Applying twice is refused, nothing doubled.
    client.post(reverse("groups:import_apply", args=[pending.pk]))
    assert Kube.objects.count() == 1


def test_preview_lists_errors_by_sheet_row_column_and_offers_no_apply(client_for, officer):
    response = upload(client_for(officer), registry_file(kelurahan="Tanjung Laut", jabatan="raja"))
    page = response.content.decode()
    errors = [(e.sheet, e.row, e.column) for e in response.context["result"].errors]
    assert ("kelompok", 2, "kelurahan") in errors
    assert ("anggota", 2, "jabatan") in errors
    assert "Terapkan impor" not in page
    assert 'id="import-errors"' in page
    assert not Kube.objects.exists()
    assert not Person.objects.exists()


def test_other_user_cannot_apply_an_upload(client_for, officer, admin_user):
    upload(client_for(officer), registry_file())
    pending = ImportUpload.objects.get()
    response = client_for(admin_user).post(reverse("groups:import_apply", args=[pending.pk]))
    assert response.status_code == 404
    assert not Kube.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("registri.xlsx", b"bukan zip sama sekali", "bukan buku kerja .xlsx"),
        ("anggota.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "bukan buku kerja .xlsx"),
        ("registri.pdf", b"%PDF-1.4", "bukan buku kerja .xlsx"),
        ("registri.xlsx", b"PK\x03\x04 rusak", "bukan buku kerja .xlsx"),
    ],
)
def test_bad_files_get_a_clear_message_never_a_server_error(client_for, officer, name, content, message):
    response = upload(client_for(officer), SimpleUploadedFile(name, content))
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not Kube.objects.exists()


def test_upload_size_limit(client_for, officer, settings):
    settings.KUBE_IMPORT_MAX_BYTES = 1000
    response = upload(client_for(officer), registry_file())
    assert "Berkas terlalu besar" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_csv_upload_named_after_its_sheet(client_for, officer):
    csv = "nama_kube;kecamatan;kelurahan;tanggal_berdiri;jenis_usaha\nKUBE Hemat;64.74.01;Guntung;05/08/2020;produksi\n"
    response = upload(client_for(officer), SimpleUploadedFile("kelompok.csv", csv.encode("cp1252")))
    assert response.context["result"].sheets["kelompok"].created == 1


def test_template_has_every_sheet_headers_example_and_dropdowns(client_for, officer):
    response = client_for(officer).get(reverse("groups:import_template"))
    assert response["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"kelompok", "anggota"} <= set(workbook.sheetnames)
    kelompok = workbook["kelompok"]
    assert [c.value for c in kelompok[1]][:3] == ["no_registrasi", "nama_kube", "kecamatan"]
    formulas = [v.formula1 for v in kelompok.data_validations.dataValidation]
    assert '"jasa,perdagangan,produksi"' in formulas


def test_export_respects_filters_and_facilitator_scope(client_for, facilitator, officer, kube):
    KubeFactory(name="KUBE Jasa Orang Lain", business_field="jasa")
    KubeFactory(name="KUBE Jasa Sendiri", business_field="jasa", facilitator=facilitator)
    response = client_for(facilitator).get(reverse("groups:kube_export", args=["csv"]), {"business_field": "jasa"})
    text = response.content.decode("utf-8-sig")
    assert "KUBE Jasa Sendiri" in text
    assert "KUBE Jasa Orang Lain" not in text
    assert "KUBE Mekar Uji" not in text  # filtered out: produksi


def test_export_masks_nik_except_for_admin(client_for, officer, admin_user, kube):
    nik = MembershipFactory(kube=kube).person.nik

    def anggota_niks(user):
        response = client_for(user).get(reverse("groups:kube_export", args=["xlsx"]))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content))["anggota"]
        column = [c.value for c in sheet[1]].index("nik")
        return [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]

    assert anggota_niks(officer) == [f"{nik[:4]} •••• •••• ••••"]
    assert anggota_niks(admin_user) == [nik]


def test_export_unknown_format_is_404(client_for, officer):
    assert client_for(officer).get(reverse("groups:kube_export", args=["pdf"])).status_code == 404
