"""Issue 19: the import, the member search and the member-add form of one city know
nothing of another city's regions, groups and persons.

Samarinda (64.72) is loaded beside Bontang (64.74). Its officer imports through the
real upload page; every answer about a Bontang code, number or NIK must be the one a
code, number or NIK that does not exist gets (or the neutral "registered elsewhere"),
and nothing of Bontang is read, written or named.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import City, ImportUpload, Kecamatan, Kelurahan, Kube, Membership, Person, UserArea
from groups.regions import load_regions
from groups.services import MSG_NIK_REGISTERED_ELSEWHERE
from pages.workbook import import_workbook
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory, OfficerFactory, make_nik
from tests.workbooks import ANGGOTA, KELOMPOK, workbook_buffer, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RAWA_MAKMUR = "64.72.01.1001"  # Samarinda, kecamatan Palaran
NEUTRAL = MSG_NIK_REGISTERED_ELSEWHERE  # no translation active in the tests: the Indonesian text
BONTANG_NIK = make_nik(sex="P", birth_on=dt.date(1981, 3, 9), serial=41)
NEW_NIK = make_nik(sex="P", birth_on=dt.date(1990, 1, 2), serial=42, region="647201")


def in_city(user, city):
    UserArea.objects.create(user=user, level="kota", city=city)
    return user


@pytest.fixture
def samarinda(db):
    load_regions("64.72", Kecamatan, Kelurahan)
    return City.objects.get(code="64.72")


@pytest.fixture
def smd_officer(samarinda):
    return in_city(OfficerFactory(username="petugas_smd"), samarinda)


@pytest.fixture
def smd_facilitator(samarinda):
    return in_city(FacilitatorFactory(username="pendamping_smd"), samarinda)


@pytest.fixture
def smd_kube(smd_facilitator):
    return KubeFactory(
        no_registrasi="6472-2020-001",
        name="KUBE Palaran Jaya",
        kelurahan=Kelurahan.objects.get(code=RAWA_MAKMUR),
        facilitator=smd_facilitator,
        founded_on=dt.date(2020, 4, 1),
    )


@pytest.fixture
def bontang_member(kube):
    """Siti Bontang, ketua of a Bontang group (`kube`, kelurahan Guntung)."""
    return MembershipFactory(
        kube=kube, role="ketua", person__nik=BONTANG_NIK, person__name="Siti Bontang", person__phone="0812 1111"
    )


def preview(client, sheets: dict):
    content = workbook_bytes(sheets)
    response = client.post(reverse("groups:import"), {"file": SimpleUploadedFile("berkas.xlsx", content, XLSX)})
    assert response.status_code == 200
    return response.context["result"]


def errors_of(result) -> list[str]:
    return [str(error) for error in result.errors]


def kelompok_sheet(*rows):
    return [KELOMPOK[:8], *rows]


def kelompok_row(number="", *, kecamatan="Palaran", kelurahan="Rawa Makmur", name="KUBE Baru", pendamping=None):
    row = [number, name, kecamatan, kelurahan, "01", "Jl. Uji", "2021-03-01", "jasa"]
    if pendamping is not None:
        row += [""] * 3 + [pendamping]
    return row


def anggota_sheet(*rows):
    return [ANGGOTA[:7], *rows]


def anggota_row(number, nik, *, name="Rina", jabatan="anggota"):
    return [number, nik, "", name, "P", "", jabatan]


# --- regions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kecamatan", "kelurahan", "column", "shown"),
    [
        ("Bontang Utara", "Guntung", "kecamatan", "Bontang Utara"),  # Bontang by name
        ("64.74.01", "64.74.01.1004", "kecamatan", "64.74.01"),  # Bontang by code
        ("Palaran", "64.74.01.1004", "kelurahan", "64.74.01.1004"),  # a Bontang kelurahan code
    ],
)
def test_another_citys_region_is_unknown_in_the_same_words(
    client_for, smd_officer, kecamatan, kelurahan, column, shown
):
    client = client_for(smd_officer)
    theirs = preview(client, {"kelompok": kelompok_sheet(kelompok_row(kecamatan=kecamatan, kelurahan=kelurahan))})
    # The same column with a code nobody has: the same sentence, only the value differs.
    unknown_value = {"kecamatan": "64.99.01", "kelurahan": "64.72.01.1999"}[column]
    nowhere = kelompok_row(
        kecamatan=unknown_value if column == "kecamatan" else "Palaran",
        kelurahan="Rawa Makmur" if column == "kecamatan" else unknown_value,
    )
    unknown = preview(client, {"kelompok": kelompok_sheet(nowhere)})
    assert [e.column for e in theirs.errors] == [column] == [e.column for e in unknown.errors]
    assert theirs.errors[0].text.replace(shown, "X") == unknown.errors[0].text.replace(unknown_value, "X")
    assert theirs.errors[0].row == 2


def test_bontang_officer_still_imports_bontang(client_for, officer, samarinda):
    result = preview(
        client_for(officer), {"kelompok": kelompok_sheet(kelompok_row(kecamatan="Bontang Utara", kelurahan="Guntung"))}
    )
    assert result.ok
    # ...and Samarinda is nowhere for them.
    result = preview(client_for(officer), {"kelompok": kelompok_sheet(kelompok_row())})
    assert [e.column for e in result.errors] == ["kecamatan"]


# --- registration numbers ------------------------------------------------------------


def test_new_samarinda_groups_get_6472_numbers_through_the_pages(client_for, smd_officer, smd_kube):
    client = client_for(smd_officer)
    result = preview(client, {"kelompok": kelompok_sheet(kelompok_row(name="KUBE A"), kelompok_row(name="KUBE B"))})
    assert result.ok, errors_of(result)
    upload = ImportUpload.objects.get(uploaded_by=smd_officer)
    response = client.post(reverse("groups:import_apply", args=[upload.pk]))
    assert response.status_code == 302
    numbers = sorted(Kube.objects.filter(name__in=["KUBE A", "KUBE B"]).values_list("no_registrasi", flat=True))
    assert numbers == ["6472-2021-001", "6472-2021-002"]


def test_one_file_numbers_each_row_by_its_kelurahans_city(samarinda, kube):
    """The command (the system) works everywhere: one file, two cities, two sequences."""
    Kube.objects.filter(pk=kube.pk).update(no_registrasi="6474-2021-007")
    sheets = {
        "kelompok": kelompok_sheet(
            kelompok_row(name="KUBE Bontang Baru", kecamatan="Bontang Utara", kelurahan="Guntung"),
            kelompok_row(name="KUBE Samarinda Baru"),
        )
    }
    result = import_workbook(workbook_buffer(sheets), filename="dua-kota.xlsx")
    assert result.ok, errors_of(result)
    assert Kube.objects.get(name="KUBE Bontang Baru").no_registrasi == "6474-2021-008"
    assert Kube.objects.get(name="KUBE Samarinda Baru").no_registrasi == "6472-2021-001"


def test_a_bontang_number_in_the_kelompok_sheet_is_refused_like_any_foreign_number(
    client_for, smd_officer, kube, smd_kube
):
    """Updating a Bontang group by its number is refused in the words a number that
    exists nowhere gets: the answer never says it exists."""
    client = client_for(smd_officer)
    before = Kube.objects.filter(pk=kube.pk).values().get()
    taken = preview(client, {"kelompok": kelompok_sheet(kelompok_row(kube.no_registrasi, name="KUBE Curian"))})
    free = preview(client, {"kelompok": kelompok_sheet(kelompok_row("6474-2099-999", name="KUBE Curian"))})
    assert [e.column for e in taken.errors] == ["no_registrasi"] == [e.column for e in free.errors]
    assert taken.errors[0].text.replace(kube.no_registrasi, "N") == free.errors[0].text.replace("6474-2099-999", "N")
    assert "6472-" in taken.errors[0].text
    assert Kube.objects.filter(pk=kube.pk).values().get() == before
    # Its own group's number updates as before.
    own = preview(client, {"kelompok": kelompok_sheet(kelompok_row(smd_kube.no_registrasi, name="KUBE Palaran Jaya"))})
    assert own.ok and own.sheets["kelompok"].updated == 1


def test_a_bontang_number_in_other_sheets_is_unknown(client_for, smd_officer, kube, bontang_member):
    client = client_for(smd_officer)
    theirs = preview(client, {"anggota": anggota_sheet(anggota_row(kube.no_registrasi, NEW_NIK))})
    unknown = preview(client, {"anggota": anggota_sheet(anggota_row("6472-2099-999", NEW_NIK))})
    assert theirs.errors[0].column == "no_registrasi"
    assert theirs.errors[0].text.replace(kube.no_registrasi, "N") == unknown.errors[0].text.replace(
        "6472-2099-999", "N"
    )
    bantuan = [["no_registrasi", "sumber", "jumlah", "tanggal"], [kube.no_registrasi, "apbd", "1000000", "2022-01-05"]]
    result = preview(client, {"bantuan": bantuan})
    assert [e.text for e in result.errors] == [theirs.errors[0].text]


def test_a_bontang_facilitator_is_not_a_facilitator_here(client_for, smd_officer, facilitator, smd_facilitator):
    client = client_for(smd_officer)
    theirs = preview(client, {"kelompok": [KELOMPOK[:12], kelompok_row(pendamping=facilitator.username)]})
    assert [e.column for e in theirs.errors] == ["pendamping"]
    assert theirs.errors[0].text == f"“{facilitator.username}” bukan nama pengguna seorang pendamping."
    assert preview(client, {"kelompok": [KELOMPOK[:12], kelompok_row(pendamping=smd_facilitator.username)]}).ok


# --- persons ---------------------------------------------------------------------------


def test_a_bontang_member_imported_in_samarinda_gets_the_neutral_message(
    client_for, smd_officer, officer, kube, smd_kube, bontang_member
):
    result = preview(
        client_for(smd_officer),
        {"anggota": anggota_sheet(anggota_row(smd_kube.no_registrasi, BONTANG_NIK, name="Siti Bontang"))},
    )
    assert [(e.column, e.text) for e in result.errors] == [("nik", NEUTRAL)]
    page = "\n".join(errors_of(result)) + "\n".join(str(w) for w in result.warnings)
    assert kube.name not in page and kube.no_registrasi not in page
    # Bontang's own office is told whose it is, as before.
    other = KubeFactory(no_registrasi="6474-2020-500", facilitator=kube.facilitator)
    mine = preview(
        client_for(officer), {"anggota": anggota_sheet(anggota_row(other.no_registrasi, BONTANG_NIK, name="Siti"))}
    )
    assert kube.name in mine.errors[0].text


def test_a_person_known_only_in_bontang_is_neither_written_nor_shown(
    client_for, smd_officer, kube, smd_kube, bontang_member
):
    """Left Bontang (no active group anywhere): still Bontang's person, not Samarinda's to rename."""
    Membership.objects.filter(pk=bontang_member.pk).update(left_on=dt.date(2023, 1, 1), leave_reason="pindah")
    row = anggota_row(smd_kube.no_registrasi, BONTANG_NIK, name="Nama Baru")
    client = client_for(smd_officer)
    result = preview(client, {"anggota": anggota_sheet(row)})
    assert [(e.column, e.text) for e in result.errors] == [("nik", NEUTRAL)]
    person = Person.objects.get(nik=BONTANG_NIK)
    assert person.name == "Siti Bontang"
    assert not smd_kube.memberships.exists()


def test_a_person_with_a_group_in_both_cities_stays_one_active_membership(
    client_for, smd_officer, kube, smd_kube, bontang_member
):
    """Once a Samarinda member too (an old membership), the Bontang active one still
    blocks a second active group: refused, and in the neutral words (Bontang's group unnamed)."""
    MembershipFactory(
        kube=smd_kube,
        person=bontang_member.person,
        joined_on=dt.date(2020, 5, 1),
        left_on=dt.date(2021, 1, 1),
        leave_reason="pindah",
    )
    row = [*anggota_row(smd_kube.no_registrasi, BONTANG_NIK, name="Siti Bontang"), "2024-01-01"]
    result = preview(client_for(smd_officer), {"anggota": [ANGGOTA[:8], row]})
    assert [(e.column, e.text) for e in result.errors] == [("nik", NEUTRAL)]


def test_a_bontang_borrower_is_an_unknown_nik(client_for, smd_officer, bontang_member):
    client = client_for(smd_officer)
    header = ["nik", "jumlah", "tanggal"]
    theirs = preview(client, {"pinjaman": [header, [BONTANG_NIK, "500000", "2022-02-01"]]})
    unknown = preview(client, {"pinjaman": [header, [NEW_NIK, "500000", "2022-02-01"]]})
    assert theirs.errors[0].text.replace(BONTANG_NIK, "N") == unknown.errors[0].text.replace(NEW_NIK, "N")


def test_a_province_reader_may_not_import(client_for, samarinda):
    reader = OfficerFactory(username="provinsi")
    UserArea.objects.create(user=reader, level="provinsi", province_code="64")
    client = client_for(reader)
    assert client.get(reverse("groups:import")).status_code == 403
    content = workbook_bytes({"kelompok": kelompok_sheet(kelompok_row())})
    response = client.post(reverse("groups:import"), {"file": SimpleUploadedFile("a.xlsx", content, XLSX)})
    assert response.status_code == 403
    assert not ImportUpload.objects.exists()


def test_another_citys_upload_is_404(client_for, officer, smd_officer, samarinda):
    preview(
        client_for(officer), {"kelompok": kelompok_sheet(kelompok_row(kecamatan="Bontang Utara", kelurahan="Guntung"))}
    )
    upload = ImportUpload.objects.get(uploaded_by=officer)
    client = client_for(smd_officer)
    assert client.post(reverse("groups:import_apply", args=[upload.pk])).status_code == 404
    assert upload.filename not in client.get(reverse("groups:import")).content.decode()
    upload.refresh_from_db()
    assert upload.status == "checked"


# --- member search and member add ---------------------------------------------------------


def test_member_search_finds_no_bontang_member(client_for, smd_officer, officer, kube, bontang_member):
    url = reverse("groups:member_search")
    page = client_for(smd_officer).post(url, {"nik": BONTANG_NIK})
    assert page.context["kubes"] == []
    assert kube.name not in page.content.decode() and "Siti Bontang" not in page.content.decode()
    assert [k.pk for k in client_for(officer).post(url, {"nik": BONTANG_NIK}).context["kubes"]] == [kube.pk]


def member_data(**overrides):
    return {"nik": BONTANG_NIK, "name": "Nama Lain", "sex": "P", "role": "anggota", "is_dtks": "on"} | overrides


def test_member_add_of_a_bontang_member_is_refused_neutrally(client_for, smd_officer, kube, smd_kube, bontang_member):
    url = reverse("groups:member_add", kwargs={"pk": smd_kube.pk})
    response = client_for(smd_officer).post(url, member_data())
    assert response.status_code == 200
    assert response.context["form"].errors["nik"] == [NEUTRAL]
    page = response.content.decode()
    assert "Siti Bontang" not in page and kube.name not in page
    # Ended in Bontang: still refused, still unnamed, and not renamed.
    Membership.objects.filter(pk=bontang_member.pk).update(left_on=dt.date(2023, 1, 1), leave_reason="pindah")
    response = client_for(smd_officer).post(url, member_data())
    assert response.context["form"].errors["nik"] == [NEUTRAL]
    assert Person.objects.get(nik=BONTANG_NIK).name == "Siti Bontang"
    assert not smd_kube.memberships.exists()


def test_member_add_in_bontang_still_names_the_holder_for_bontang(client_for, officer, kube, bontang_member):
    other = KubeFactory(no_registrasi="6474-2020-600", facilitator=kube.facilitator)
    url = reverse("groups:member_add", kwargs={"pk": other.pk})
    errors = client_for(officer).post(url, member_data()).context["form"].errors["nik"]
    assert "Siti Bontang" in errors[0] and kube.name in errors[0]


def test_person_update_to_a_bontang_nik_is_neutral(client_for, smd_officer, smd_kube, bontang_member):
    membership = MembershipFactory(kube=smd_kube)
    url = reverse("groups:person_update", kwargs={"pk": smd_kube.pk, "membership_pk": membership.pk})
    page = client_for(smd_officer).get(url)
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data |= {
        "nik": BONTANG_NIK,
        "sex": "P",
        "birth_on": "1981-03-09",
        "version": page.context["form"].initial.get("version", ""),
    }
    response = client_for(smd_officer).post(url, data)
    assert response.context["form"].errors["nik"] == [NEUTRAL]
