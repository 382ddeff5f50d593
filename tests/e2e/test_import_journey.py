"""Issue "Bulk import and export", in the browser: an admin imports a group list.

The admin downloads the template, fills it (as an office would, in the spreadsheet),
uploads it, reads the preview, confirms, and finds the new groups in the list.
"""

import datetime as dt

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from groups.models import Kube
from tests.factories import TEST_PASSWORD, AdminFactory, FacilitatorFactory, make_nik

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fill_template(path):
    workbook = openpyxl.load_workbook(path)
    kelompok, anggota = workbook["kelompok"], workbook["anggota"]
    for sheet in (kelompok, anggota):
        sheet.delete_rows(2)  # the example row
    columns = {c.value: c.column for c in kelompok[1]}
    for row, (name, kelurahan, founded) in enumerate(
        [("KUBE Pesisir Jaya", "Tanjung Laut", "03/02/2018"), ("KUBE Kerupuk Amplang", "Guntung", "12 Mei 2021")],
        start=2,
    ):
        values = {
            "nama_kube": name,
            "kecamatan": "Bontang Selatan" if kelurahan == "Tanjung Laut" else "Bontang Utara",
            "kelurahan": kelurahan,
            "tanggal_berdiri": founded,
            "jenis_usaha": "produksi",
            "pendamping": "pendamping7",
        }
        for key, value in values.items():
            kelompok.cell(row=row, column=columns[key], value=value)
    columns = {c.value: c.column for c in anggota[1]}
    nik = make_nik(sex="P", birth_on=dt.date(1982, 6, 1), serial=3)
    for key, value in {
        "no_registrasi": "6474-2018-001",
        "nik": f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}",
        "nama": "Hasnah",
        "jenis_kelamin": "P",
        "jabatan": "ketua",
    }.items():
        anggota.cell(row=2, column=columns[key], value=value)
    workbook.save(path)


def test_admin_imports_filled_template_and_finds_groups(live_server, page: Page, tmp_path):
    AdminFactory(username="admin", first_name="Ahmad")
    FacilitatorFactory(username="pendamping7")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    page.get_by_role("link", name="Impor", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh templat (.xlsx)").click()
    template = tmp_path / "registri.xlsx"
    download_info.value.save_as(template)
    fill_template(template)

    page.set_input_files("input[name=file]", str(template))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("Semua baris valid.")).to_be_visible()
    kelompok_row = page.locator("tr", has=page.locator("th", has_text="kelompok"))
    expect(kelompok_row.locator("td").first).to_have_text("2")
    assert not Kube.objects.exists()  # the preview wrote nothing

    page.get_by_role("button", name="Terapkan impor").click()
    expect(page.get_by_text("Impor selesai")).to_be_visible()
    page.fill("input[name=q]", "Pesisir")
    page.get_by_role("button", name="Cari").click()
    expect(page.get_by_role("link", name="KUBE Pesisir Jaya")).to_be_visible()
    page.get_by_role("link", name="KUBE Pesisir Jaya").click()
    expect(page.get_by_text("6474-2018-001").first).to_be_visible()
    expect(page.get_by_role("cell", name="Hasnah", exact=True)).to_be_visible()
    assert Kube.objects.get(name="KUBE Pesisir Jaya").facilitator.username == "pendamping7"
