"""`import_registry`: messy but valid files, broken files, re-import, dry run (contracts 3 and 4)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from groups.models import Kube, KubeStatus, LeaveReason, Membership, Person, Role, Sex
from pages.workbook import import_workbook
from tests.factories import KubeFactory, MembershipFactory, PersonFactory, make_nik
from tests.workbooks import ANGGOTA, KELOMPOK, write_workbook

SITI = make_nik(sex=Sex.FEMALE, birth_on=dt.date(1980, 5, 17), serial=901)
ANI = make_nik(sex=Sex.FEMALE, birth_on=dt.date(1985, 8, 1), serial=902)
BUDI = make_nik(sex=Sex.MALE, birth_on=dt.date(1979, 1, 30), serial=903)
DEWI = make_nik(sex=Sex.FEMALE, birth_on=dt.date(1990, 12, 2), serial=904)
KK = "6474 0112 1500 0123"


def spaced(nik: str) -> str:
    return f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"


def dotted(nik: str) -> str:
    return f"{nik[:6]}.{nik[6:12]}.{nik[12:]}"


def import_ok(path, *args) -> str:
    out = io.StringIO()
    call_command("import_registry", str(path), *args, stdout=out)
    return out.getvalue()


def import_failing(path, *args) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_registry", str(path), *args, stdout=out)
    assert exc.value.returncode == 1
    return out.getvalue()


def stored_counts() -> dict[str, int]:
    return {
        "kube": Kube.objects.count(),
        "person": Person.objects.count(),
        "membership": Membership.objects.count(),
        "kube_history": Kube.history.count(),
        "person_history": Person.history.count(),
        "membership_history": Membership.history.count(),
    }


@pytest.fixture
def messy_workbook(tmp_path, facilitator):
    """Valid but written the way offices write: case, spaces, mixed dates, extra columns."""
    kelompok_header = [" No Registrasi", "NAMA_KUBE ", "Kecamatan", "kelurahan", "RT", "alamat", "Tanggal_Berdiri"]
    kelompok_header += ["jenis_usaha", "uraian_usaha", "wilayah", "prakarsa", "pendamping", "status"]
    kelompok_header += ["lkm_koperasi", "tanggal_lkm_koperasi", "Catatan Petugas"]
    anggota_header = [h.upper() if i % 2 else h for i, h in enumerate(ANGGOTA)] + ["keterangan"]
    return write_workbook(
        tmp_path / "registri.xlsx",
        {
            "KELOMPOK ": [
                kelompok_header,
                [
                    "6474-2014-001",
                    " KUBE Mekar Sari  ",
                    "bontang utara",
                    "GUNTUNG",
                    "07",
                    "Jl. Cempaka RT 07",
                    dt.datetime(2014, 4, 12, 0, 0),
                    "Produksi ",
                    "Kompos padat, pupuk cair",
                    "Perkotaan",
                    "masyarakat",
                    "Pendamping1",
                    "aktif",
                    "koperasi",
                    "12 Agustus 2017",
                    "terbaik nasional 2016",
                ],
                [
                    "",
                    "KUBE Maju Jaya",
                    "64.74.02",
                    "64.74.02.1001",
                    3,
                    "",
                    "05/08/2020",
                    "jasa",
                    "",
                    "pesisir",
                    "",
                    "",
                    "Tidak Aktif",
                    "",
                    "",
                    "",
                ],
                ["", "KUBE Sejahtera", "Bontang Barat", "Kanaan", "", "", "2020-01-15", "perdagangan"] + [""] * 8,
            ],
            "Anggota": [
                anggota_header,
                [
                    "6474-2014-001",
                    spaced(SITI),
                    KK,
                    "Siti Aminah ",
                    "p",
                    "17 Mei 1980",
                    "Ketua",
                    "12/04/2014",
                    "",
                    "",
                    "Ya",
                    "tidak",
                    "0812-5555-0101",
                    "pendiri",
                ],
                [
                    *("6474-2014-001", dotted(ANI), "", "Ani", "P", "", "anggota", "2014-04-12", "01-02-2016"),
                    *("Mengundurkan Diri", "y", "n", "", ""),
                ],
                [
                    *("6474-2014-001", int(BUDI), "", "Budi", "L", dt.datetime(1979, 1, 30), "BENDAHARA"),
                    *("1 Jun 2015", "", "", 1, 0, "", ""),
                ],
            ],
        },
    )


def test_import_messy_workbook_stores_normalised_values(messy_workbook, facilitator, admin_user):
    KubeFactory(no_registrasi="6474-2020-005", founded_on=dt.date(2020, 1, 1))

    out = import_ok(messy_workbook, "--user", admin_user.username)

    assert "kelompok:1:catatan_petugas: Kolom “catatan_petugas” tidak dikenal dan diabaikan." in out
    assert "anggota:1:keterangan:" in out
    assert "anggota:4:nik: Nomor ini tersimpan sebagai angka" in out  # Excel keeps 15 digits of a number
    assert "kelompok: created=3 updated=0 unchanged=0 invalid=0" in out
    assert "anggota: created=3 updated=0 unchanged=0 invalid=0" in out
    mekar = Kube.objects.get(no_registrasi="6474-2014-001")
    assert mekar.name == "KUBE Mekar Sari"
    assert mekar.kelurahan.name == "Guntung" and mekar.kecamatan.name == "Bontang Utara"
    assert (mekar.rt, mekar.founded_on, mekar.business_field) == ("07", dt.date(2014, 4, 12), "produksi")
    assert (mekar.area_type, mekar.initiative, mekar.facilitator) == ("perkotaan", "masyarakat", facilitator)
    assert (mekar.financial_institution, mekar.financial_institution_on) == ("koperasi", dt.date(2017, 8, 12))
    assert mekar.history.get().history_user == admin_user
    # Blank numbers continue the city-year sequence after the stored 6474-2020-005, in file order.
    maju = Kube.objects.get(name="KUBE Maju Jaya")
    assert maju.no_registrasi == "6474-2020-006"
    assert maju.founded_on == dt.date(2020, 8, 5)  # day first
    assert (maju.kelurahan.name, maju.rt, maju.status) == ("Tanjung Laut", "3", KubeStatus.TIDAK_AKTIF)
    assert Kube.objects.get(name="KUBE Sejahtera").no_registrasi == "6474-2020-007"

    siti = Person.objects.get(nik=SITI)
    assert (siti.name, siti.sex, siti.birth_on, siti.kk) == (
        "Siti Aminah",
        Sex.FEMALE,
        dt.date(1980, 5, 17),
        KK.replace(" ", ""),
    )
    assert (siti.is_dtks, siti.is_pkh, siti.phone) == (True, False, "0812-5555-0101")
    ketua = siti.memberships.get()
    assert (ketua.kube, ketua.role, ketua.joined_on, ketua.left_on) == (mekar, Role.KETUA, dt.date(2014, 4, 12), None)
    ani = Membership.objects.get(person__nik=ANI)
    assert (ani.left_on, ani.leave_reason) == (dt.date(2016, 2, 1), LeaveReason.MENGUNDURKAN_DIRI)
    assert ani.person.birth_on == dt.date(1985, 8, 1)  # from the NIK
    assert ani.person.is_dtks is True
    budi = Membership.objects.get(person__nik=BUDI)
    assert (budi.role, budi.joined_on, budi.person.is_dtks, budi.person.is_pkh) == (
        Role.BENDAHARA,
        dt.date(2015, 6, 1),
        True,
        False,
    )
    assert budi.history.get().history_user == admin_user


def test_reimporting_the_same_file_changes_nothing(messy_workbook):
    import_ok(messy_workbook)
    before = stored_counts()

    out = import_ok(messy_workbook)

    assert "kelompok: created=0 updated=0 unchanged=3 invalid=0" in out
    assert "anggota: created=0 updated=0 unchanged=3 invalid=0" in out
    assert stored_counts() == before


def test_dry_run_counts_but_writes_nothing(messy_workbook):
    before = stored_counts()

    out = import_ok(messy_workbook, "--dry-run")

    assert "kelompok: created=3" in out and "anggota: created=3" in out
    assert "--dry-run" in out
    assert stored_counts() == before


def test_semicolon_csv_in_windows_1252(tmp_path, facilitator):
    text = "\r\n".join(
        [
            ";".join(KELOMPOK),
            "6474-2019-004;KUBE Café Pesisir ;Bontang Selatan;Berbas Pantai;02;Jl. Pelabuhan “Lama”;"
            "3 Okt 2019;Perdagangan;Warung makan;pesisir;pemerintah;pendamping1;;LKM;2020-02-01",
        ]
    )
    path = tmp_path / "Kelompok.csv"
    path.write_bytes(text.encode("cp1252"))

    out = import_ok(path)

    assert "kelompok: created=1" in out
    kube = Kube.objects.get(no_registrasi="6474-2019-004")
    assert kube.name == "KUBE Café Pesisir"
    assert kube.address == "Jl. Pelabuhan “Lama”"
    assert (kube.founded_on, kube.financial_institution, kube.facilitator) == (dt.date(2019, 10, 3), "lkm", facilitator)


def test_utf8_csv_with_bom_of_members_joins_a_stored_group(tmp_path, kube):
    path = tmp_path / "anggota.csv"
    rows = [",".join(ANGGOTA), f"{kube.no_registrasi},{SITI},,Sri Rahayu,P,,sekretaris,,,,ya,ya,"]
    path.write_text("\n".join(rows), encoding="utf-8-sig")

    out = import_ok(path)

    assert "anggota: created=1" in out
    membership = Membership.objects.get(kube=kube)
    assert (membership.person.name, membership.role, membership.person.is_pkh) == ("Sri Rahayu", Role.SEKRETARIS, True)


def test_broken_workbook_reports_every_error_and_writes_nothing(tmp_path, kube):
    stored_ketua = MembershipFactory(kube=kube, role=Role.KETUA)
    elsewhere = MembershipFactory()  # active in another group
    path = write_workbook(
        tmp_path / "rusak.xlsx",
        {
            "kelompok": [
                KELOMPOK,
                ["6474-2021-001", "KUBE A", "Bontang Selatan", "Guntung", "", "", "2021-01-01", "jasa"],
                ["6474-2021-002", "KUBE B", "Bontang Utara", "Guntung", "", "", "2021-01-01", "peternakan"],
                ["6474-2021-003", "KUBE C", "Bontang Utara", "Guntung", "", "", "31/02/2021", "jasa"],
                ["6474-2021-004", "KUBE D", "Bontang Utara", "Lok Tuan", "", "", "2021-03-01", "jasa"],
            ],
            "anggota": [
                ANGGOTA,
                # row 2: active in a stored group already
                ["6474-2021-004", elsewhere.person.nik, "", elsewhere.person.name, "P", "", "anggota"],
                # rows 3 and 4: the same NIK active in two groups of the file
                ["6474-2021-004", SITI, "", "Siti", "P", "", "anggota"],
                [kube.no_registrasi, SITI, "", "Siti", "P", "", "anggota"],
                # row 5: a second ketua next to the stored one
                [kube.no_registrasi, ANI, "", "Ani", "P", "", "ketua"],
                # rows 6 and 7: two ketua in one group of the file
                ["6474-2021-004", BUDI, "", "Budi", "L", "", "ketua"],
                ["6474-2021-004", DEWI, "", "Dewi", "P", "", "ketua"],
                # row 8: sex disagreeing with the NIK (a woman's NIK)
                ["6474-2021-004", make_nik(sex=Sex.FEMALE, serial=905), "", "Eko", "L", "", "anggota"],
                # row 9: left before joining
                [
                    *("6474-2021-004", make_nik(serial=906), "", "Fajar", "L", "", "anggota"),
                    *("2021-05-01", "2021-04-01", "pindah"),
                ],
                # row 10: unreadable date
                ["6474-2021-004", make_nik(serial=907), "", "Gita", "L", "", "anggota", "kemarin"],
                # row 11: a group that is nowhere
                ["6474-1999-999", make_nik(serial=908), "", "Hadi", "L", "", "anggota"],
                # row 12: refers to a broken kelompok row
                ["6474-2021-002", make_nik(serial=909), "", "Indra", "L", "", "anggota"],
            ],
        },
    )
    before = stored_counts()

    out = import_failing(path)

    lines = out.splitlines()

    def reported(prefix: str, text: str = "") -> bool:
        return any(line.startswith(prefix) and text in line for line in lines)

    assert reported("kelompok:2:kelurahan: ", "Guntung tidak terletak di Kecamatan Bontang Selatan")
    assert reported("kelompok:3:jenis_usaha: ", "peternakan")
    assert reported("kelompok:4:tanggal_berdiri: ", "tidak ada di kalender")
    assert reported("anggota:2:nik: ", "masih anggota aktif")
    assert reported("anggota:4:nik: ", "juga anggota aktif KUBE D di baris 3")
    assert reported("anggota:5:jabatan: ", f"sudah memiliki ketua aktif: {stored_ketua.person.name}")
    assert reported("anggota:7:jabatan: ", "sudah memiliki ketua aktif: Budi (baris 6)")
    assert reported("anggota:8:jenis_kelamin: ", "Jenis kelamin tidak sesuai dengan NIK")
    assert reported("anggota:9:tanggal_keluar: ", "tidak boleh sebelum tanggal masuk")
    assert reported("anggota:10:tanggal_masuk: ", "Tanggal tidak terbaca")
    assert reported("anggota:11:no_registrasi: ", "6474-1999-999 tidak ada")
    assert reported("anggota:12:no_registrasi: ", "tidak valid")
    assert "kelompok: created=1 updated=0 unchanged=0 invalid=3" in out
    assert "anggota: created=2 updated=0 unchanged=0 invalid=9" in out
    assert stored_counts() == before


def test_group_field_rules_are_the_services_on_the_sheet_columns(tmp_path, kube):
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    row = ["", "", "Bontang Utara", "Guntung", "", "", "2021-01-01", "jasa", "", "", "", "", ""]
    path = write_workbook(
        tmp_path / "lkm.xlsx",
        {
            "kelompok": [
                KELOMPOK,
                ["6474-2021-001", "KUBE A", *row[2:13], "koperasi", ""],
                ["6474-2021-002", "KUBE B", *row[2:13], "", "2022-01-01"],
                ["6474-2021-003", "KUBE C", *row[2:13], "lkm", future],
                ["6474-2021-004", "KUBE D", *row[2:6], future, *row[7:13]],
            ],
        },
    )

    lines = import_failing(path).splitlines()

    def reported(prefix: str, text: str) -> bool:
        return any(line.startswith(prefix) and text in line for line in lines)

    assert reported("kelompok:2:tanggal_lkm_koperasi: ", "Isi tanggal pembentukan LKM/koperasi")
    assert reported("kelompok:3:lkm_koperasi: ", "Pilih LKM atau koperasi")
    assert reported("kelompok:4:tanggal_lkm_koperasi: ", "tidak boleh di masa depan")
    assert reported("kelompok:5:tanggal_berdiri: ", "tidak boleh di masa depan")


def test_missing_required_column_is_an_error(tmp_path, kube):
    header = [column for column in ANGGOTA if column != "jenis_kelamin"]
    path = write_workbook(
        tmp_path / "a.xlsx", {"anggota": [header, [kube.no_registrasi, SITI, "", "Siti", "", "anggota"]]}
    )

    out = import_failing(path)

    assert "anggota:1:jenis_kelamin: Kolom wajib “jenis_kelamin” tidak ada" in out
    assert not Person.objects.exists()


def test_unknown_sheet_is_ignored_with_a_warning(tmp_path, kube):
    path = write_workbook(
        tmp_path / "a.xlsx",
        {"Petunjuk": [["baca ini"]], "anggota": [ANGGOTA, [kube.no_registrasi, SITI, "", "Siti", "P", "", "anggota"]]},
    )

    out = import_ok(path)

    assert "Petunjuk:0:: Lembar “Petunjuk” tidak dikenal dan diabaikan." in out
    assert "anggota: created=1" in out


def test_row_with_known_nik_updates_person_and_membership(tmp_path, kube, officer):
    membership = MembershipFactory(kube=kube, person=PersonFactory(nik=SITI, name="Siti A."), role=Role.ANGGOTA)
    path = write_workbook(
        tmp_path / "a.xlsx",
        {"anggota": [ANGGOTA, [kube.no_registrasi, SITI, "", "Siti Aminah", "P", "", "bendahara", "2020-04-01"]]},
    )

    out = import_ok(path, "--user", officer.username)

    assert "anggota: created=0 updated=1 unchanged=0 invalid=0" in out
    membership.refresh_from_db()
    assert (membership.role, membership.person.name) == (Role.BENDAHARA, "Siti Aminah")
    assert membership.history.first().history_user == officer
    assert membership.person.history.first().history_user == officer
    assert Person.objects.count() == 1


def test_member_moves_group_when_file_ends_the_old_membership(tmp_path, kube):
    old = MembershipFactory(kube=kube, person=PersonFactory(nik=SITI, name="Siti"), role=Role.KETUA)
    other = KubeFactory(no_registrasi="6474-2022-001", founded_on=dt.date(2022, 1, 1))
    path = write_workbook(
        tmp_path / "a.xlsx",
        {
            "anggota": [
                ANGGOTA,
                # the new group comes first in the file: the rule is checked on the whole file
                [other.no_registrasi, SITI, "", "Siti", "P", "", "ketua", "2023-01-01"],
                [kube.no_registrasi, SITI, "", "Siti", "P", "", "ketua", "2020-04-01", "2022-12-31", "pindah"],
            ]
        },
    )

    out = import_ok(path)

    assert "anggota: created=1 updated=1 unchanged=0 invalid=0" in out
    old.refresh_from_db()
    assert (old.left_on, old.leave_reason) == (dt.date(2022, 12, 31), LeaveReason.PINDAH)
    assert Membership.objects.active().get(person__nik=SITI).kube == other


def test_officers_can_swap_roles_in_one_file(tmp_path, kube):
    ketua = MembershipFactory(kube=kube, person=PersonFactory(nik=SITI, name="Siti"), role=Role.KETUA)
    sekretaris = MembershipFactory(kube=kube, person=PersonFactory(nik=ANI, name="Ani"), role=Role.SEKRETARIS)
    path = write_workbook(
        tmp_path / "a.xlsx",
        {
            "anggota": [
                ANGGOTA,
                [kube.no_registrasi, SITI, "", "Siti", "P", "", "sekretaris"],
                [kube.no_registrasi, ANI, "", "Ani", "P", "", "ketua"],
            ]
        },
    )

    import_ok(path)

    ketua.refresh_from_db()
    sekretaris.refresh_from_db()
    assert (ketua.role, sekretaris.role) == (Role.SEKRETARIS, Role.KETUA)
    assert ketua.history.count() == 1 + 1  # created, then one entry for the import


def test_nik_from_unknown_region_is_a_warning_only(tmp_path, kube):
    nik = make_nik(region="990101", serial=12)
    path = write_workbook(
        tmp_path / "a.xlsx", {"anggota": [ANGGOTA, [kube.no_registrasi, nik, "", "Jo", "L", "", "anggota"]]}
    )

    out = import_ok(path)

    assert "anggota:2:nik: Kode wilayah NIK 99.01.01 tidak dikenal" in out
    assert Person.objects.filter(nik=nik).exists()


def test_group_with_blank_number_is_matched_on_reimport(tmp_path, db):
    row = ["", "KUBE Baru", "Bontang Utara", "Guntung", "", "", "2021-06-01", "jasa"]
    path = write_workbook(tmp_path / "k.xlsx", {"kelompok": [KELOMPOK, row]})
    import_ok(path)

    out = import_ok(path)

    assert "kelompok: created=0 updated=0 unchanged=1" in out
    assert Kube.objects.get().no_registrasi == "6474-2021-001"


def test_too_many_rows_is_refused(tmp_path, kube, settings):
    settings.KUBE_IMPORT_MAX_ROWS = 1
    rows = [[kube.no_registrasi, make_nik(serial=n), "", "X", "L", "", "anggota"] for n in (1, 2)]
    path = write_workbook(tmp_path / "a.xlsx", {"anggota": [ANGGOTA, *rows]})

    out = import_failing(path)

    assert "lebih dari 1 baris" in out
    assert not Person.objects.exists()


def test_engine_reads_an_upload_and_reports_progress(tmp_path, kube):
    path = write_workbook(
        tmp_path / "a.xlsx", {"anggota": [ANGGOTA, [kube.no_registrasi, SITI, "", "Siti", "P", "", "anggota"]]}
    )
    calls = []

    with path.open("rb") as upload:
        result = import_workbook(upload, filename="unggahan.xlsx", progress=lambda *args: calls.append(args))

    assert result.errors == []
    assert result.written
    assert calls


def test_unreadable_file_is_one_error(tmp_path, db):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(b"not a workbook")

    out = import_failing(path)

    assert out.startswith("rusak.xlsx:0::")


def test_history_entries_match_what_simple_history_writes(tmp_path, kube, officer):
    path = write_workbook(
        tmp_path / "a.xlsx", {"anggota": [ANGGOTA, [kube.no_registrasi, SITI, "", "Siti", "P", "", "anggota"]]}
    )

    import_ok(path, "--user", officer.username)

    membership = Membership.objects.get(person__nik=SITI)
    entry = membership.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("+", officer, "Impor a.xlsx")
    assert (entry.id, entry.kube_id, entry.role, entry.left_on) == (membership.pk, kube.pk, Role.ANGGOTA, None)
    assert entry.instance.person == membership.person
    person = membership.person
    assert person.history.get().nik == SITI and person.created_at is not None


def test_import_falls_back_to_simple_history_helpers(tmp_path, kube, monkeypatch):
    """Where a database cannot return ids from a multi-row insert, the library's own bulk helper writes."""
    from django.db import connection

    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    path = write_workbook(
        tmp_path / "a.xlsx", {"anggota": [ANGGOTA, [kube.no_registrasi, SITI, "", "Siti", "P", "", "ketua"]]}
    )

    out = import_ok(path)

    assert "anggota: created=1" in out
    membership = Membership.objects.get(person__nik=SITI)
    assert membership.role == Role.KETUA
    assert membership.history.get().history_type == "+"
    assert membership.person.history.count() == 1


def test_example_row_of_the_template_is_skipped(tmp_path, kube):
    from groups.resources import AnggotaSheet

    example = [AnggotaSheet.example_row[column] for column in ANGGOTA]
    path = write_workbook(
        tmp_path / "a.xlsx",
        {"anggota": [ANGGOTA, example, [kube.no_registrasi, SITI, "", "Siti", "P", "", "anggota"]]},
    )

    out = import_ok(path)

    assert "anggota:2:: Baris contoh dari templat diabaikan." in out
    assert "anggota: created=1" in out
    assert not Person.objects.filter(name="Siti Contoh").exists()


def test_kelompok_row_updates_a_stored_group(tmp_path, kube, other_facilitator, officer):
    row = [kube.no_registrasi, "KUBE Mekar Baru", "Bontang Utara", "Guntung", "", "", "2020-04-01", "jasa"]
    row += ["", "", "", "pendamping2", "bubar", "", ""]
    path = write_workbook(tmp_path / "k.xlsx", {"kelompok": [KELOMPOK, row]})

    out = import_ok(path, "--user", officer.username)

    assert "kelompok: created=0 updated=1 unchanged=0 invalid=0" in out
    kube.refresh_from_db()
    assert (kube.name, kube.business_field, kube.status) == ("KUBE Mekar Baru", "jasa", KubeStatus.BUBAR)
    assert kube.facilitator == other_facilitator
    assert kube.rt == "07"  # an empty optional cell leaves the stored value
    latest = kube.history.first()
    assert (latest.history_type, latest.history_user, latest.name) == ("~", officer, "KUBE Mekar Baru")
    assert kube.history.count() == 2


def test_bulk_helpers_write_models_without_history(db):
    from groups.models import Kecamatan
    from kube_registry.importing import ImportContext, ImportResult, insert_with_history, update_with_history

    ctx = ImportContext(result=ImportResult())
    city_id = Kecamatan.objects.values_list("city_id", flat=True).first()
    [pk] = insert_with_history(ctx, Kecamatan, [{"code": "99.99.01", "name": "Uji", "city_id": city_id}])
    update_with_history(ctx, Kecamatan, {pk: {"name": "Uji Baru"}})

    assert Kecamatan.objects.get(pk=pk).name == "Uji Baru"
