"""`export_registry` and groups.exports: columns, masking, formula escaping, round trip."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command

from groups import exports
from groups.models import FinancialInstitution, Kube, LeaveReason, Membership, Person, Role, Sex
from kube_registry.exporting import header
from tests.factories import KubeFactory, MembershipFactory, PersonFactory, make_nik
from tests.workbooks import KELOMPOK

KELOMPOK_COLUMNS = [*KELOMPOK, "jumlah_anggota", "kategori", "skor", "tanggal_penilaian"]
NIK = make_nik(sex=Sex.FEMALE, birth_on=dt.date(1980, 5, 18), serial=77)  # not a PersonFactory NIK
KK = "6474011203150077"


@pytest.fixture
def registry(kube):
    kube.financial_institution = FinancialInstitution.KOPERASI
    kube.financial_institution_on = dt.date(2022, 3, 1)
    kube.status = "tidak_aktif"
    kube.save()
    person = PersonFactory(
        nik=NIK, birth_on=dt.date(1980, 5, 18), kk=KK, name="Siti Aminah", phone="+62 812 555", is_pkh=True
    )
    MembershipFactory(kube=kube, person=person, role=Role.KETUA)
    MembershipFactory(kube=kube, role=Role.ANGGOTA, left_on=dt.date(2021, 5, 1), leave_reason="mengundurkan_diri")
    MembershipFactory(kube=kube, role=Role.BENDAHARA)
    return kube


def export(tmp_path, *args, name="registri.xlsx"):
    path = tmp_path / name
    out = io.StringIO()
    call_command("export_registry", "--output", str(path), *args, stdout=out)
    return path, out.getvalue()


def sheet_rows(path, title):
    workbook = openpyxl.load_workbook(path)
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def test_export_xlsx_has_every_sheet_with_the_kelompok_and_anggota_rows(tmp_path, registry):
    path, out = export(tmp_path)

    assert "kelompok: rows=1; anggota: rows=3; bantuan: rows=0; kemitraan: rows=0" in out
    assert openpyxl.load_workbook(path).sheetnames == [
        "kelompok",
        "anggota",
        "bantuan",
        "kemitraan",
        "aset",
        "pinjaman",
        "laporan_bulanan",
        "kunjungan",
        "pelatihan",
    ]
    header, row = sheet_rows(path, "kelompok")
    assert header == KELOMPOK_COLUMNS
    values = dict(zip(header, row, strict=True))
    assert values["no_registrasi"] == registry.no_registrasi
    assert (values["kecamatan"], values["kelurahan"]) == ("Bontang Utara", "Guntung")
    assert values["tanggal_berdiri"] == dt.datetime(2020, 4, 1)  # a real date cell
    assert (values["status"], values["lkm_koperasi"]) == ("tidak aktif", "koperasi")
    assert values["pendamping"] == "pendamping1"
    assert values["jumlah_anggota"] == 2  # active members only
    assert values["kategori"] is None and values["skor"] is None and values["tanggal_penilaian"] is None


def test_export_masks_nik_and_kk_by_default(tmp_path, registry):
    path, out = export(tmp_path)

    rows = sheet_rows(path, "anggota")
    siti = next(row for row in rows if row[3] == "Siti Aminah")
    assert siti[1] == "6474 •••• •••• ••••"
    assert siti[2] == "6474 •••• •••• ••••"
    assert not any(NIK in str(cell) for row in rows for cell in row)
    assert "--unmasked" in out


def test_export_unmasked_shows_full_numbers(tmp_path, registry):
    path, _out = export(tmp_path, "--unmasked")

    rows = sheet_rows(path, "anggota")
    assert rows[0] == header(exports.ANGGOTA_COLUMNS)
    siti = next(row for row in rows if row[3] == "Siti Aminah")
    assert siti[1:3] == [NIK, KK]
    assert siti[4] == "P" and siti[6] == "ketua" and siti[10:12] == ["ya", "ya"]


def test_anggota_rows_mask_unless_reader_may_see_personal_data(registry):
    kubes = Kube.objects.filter(pk=registry.pk)

    masked = [row for row in exports.anggota_rows(kubes, can_see_personal_data=False) if row[3] == "Siti Aminah"]
    full = [row for row in exports.anggota_rows(kubes, can_see_personal_data=True) if row[3] == "Siti Aminah"]

    assert masked[0][1] == "6474 •••• •••• ••••" and full[0][1] == NIK


def test_export_neutralises_formula_cells(tmp_path, facilitator):
    KubeFactory(name='=HYPERLINK("http://example.invalid","klik")', address="@SUM(A1)", facilitator=facilitator)

    path, _out = export(tmp_path, "--unmasked")
    csv_path, _out = export(tmp_path, name="kelompok.csv")

    workbook = openpyxl.load_workbook(path)
    name_cell = workbook["kelompok"]["B2"]
    assert name_cell.data_type == "s"
    assert name_cell.value == '\'=HYPERLINK("http://example.invalid","klik")'
    assert workbook["kelompok"]["F2"].value == "'@SUM(A1)"
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert row[header.index("nama_kube")].startswith("'=")
    assert row[header.index("alamat")] == "'@SUM(A1)"


def test_export_csv_is_the_kelompok_sheet(tmp_path, registry):
    path, out = export(tmp_path, "--format", "csv", name="daftar.txt")

    assert "kelompok: rows=1" in out
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert header == KELOMPOK_COLUMNS
    assert row[header.index("tanggal_berdiri")] == "2020-04-01"
    assert row[header.index("jumlah_anggota")] == "2"


def snapshot():
    kubes = sorted(
        Kube.objects.values_list(
            "no_registrasi",
            "name",
            "kelurahan__code",
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
        )
    )
    people = sorted(Person.objects.values_list("nik", "kk", "name", "sex", "birth_on", "phone", "is_dtks", "is_pkh"))
    memberships = sorted(
        Membership.objects.values_list(
            "person__nik", "kube__no_registrasi", "role", "joined_on", "left_on", "leave_reason"
        ),
        key=str,
    )
    return kubes, people, memberships


def test_unmasked_export_imports_back_to_the_same_data(tmp_path, registry, facilitator):
    other = KubeFactory(
        no_registrasi="6474-2016-003",
        name="KUBE Pesisir",
        founded_on=dt.date(2016, 2, 29),
        area_type="pesisir",
        initiative="pemerintah",
        business_description="Kerupuk ikan; tenda",
        facilitator=None,
        address="+ Jl. Laut",
    )
    mover = PersonFactory(nik=make_nik(sex=Sex.MALE, birth_on=dt.date(1975, 1, 2), serial=5), sex=Sex.MALE)
    mover.birth_on = dt.date(1975, 1, 2)
    mover.save()
    MembershipFactory(
        kube=registry,
        person=mover,
        joined_on=dt.date(2020, 5, 1),
        left_on=dt.date(2021, 1, 1),
        leave_reason=LeaveReason.PINDAH,
    )
    MembershipFactory(kube=other, person=mover, role=Role.KETUA, joined_on=dt.date(2021, 1, 2))
    before = snapshot()
    path, _out = export(tmp_path, "--unmasked")
    Membership.objects.all().delete()
    Person.objects.all().delete()
    Kube.objects.all().delete()

    out = io.StringIO()
    call_command("import_registry", str(path), stdout=out)

    assert "kelompok: created=2" in out.getvalue()
    assert "anggota: created=5" in out.getvalue()
    assert snapshot() == before
    again = io.StringIO()
    call_command("import_registry", str(path), stdout=again)
    assert "kelompok: created=0 updated=0 unchanged=2 invalid=0" in again.getvalue()
    assert "anggota: created=0 updated=0 unchanged=5 invalid=0" in again.getvalue()
