"""The kunjungan and pelatihan sheets of the import (contract 4)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from groups.models import Sex
from monitoring.models import Training, Visit
from pages.workbook import import_workbook
from tests.factories import KubeFactory, MembershipFactory, OfficerFactory, PersonFactory, UserFactory, make_nik
from tests.partnerships.factories import PartnerFactory
from tests.workbooks import workbook_buffer

pytestmark = pytest.mark.django_db

D = dt.date
KUNJUNGAN = [
    "no_registrasi",
    "tanggal",
    "jenis",
    "petugas",
    "hadir",
    "kegiatan",
    "masalah",
    "komunikasi",
    "konflik",
    "kohesi",
    "kepemimpinan",
    "tujuan",
    "struktur_tugas",
    "partisipasi",
]
PELATIHAN = ["judul", "tanggal", "jenis", "penyelenggara", "peserta"]
SITI = make_nik(sex=Sex.FEMALE, birth_on=D(1981, 2, 3), serial=4401)
ANI = make_nik(sex=Sex.FEMALE, birth_on=D(1979, 7, 9), serial=4402)
LEFT = make_nik(sex=Sex.FEMALE, birth_on=D(1975, 1, 1), serial=4403)
OTHER = make_nik(sex=Sex.FEMALE, birth_on=D(1970, 1, 1), serial=4404)
STRANGER = make_nik(sex=Sex.FEMALE, birth_on=D(1990, 1, 1), serial=4405)


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def run(sheets, *, actor=None):
    return import_workbook(workbook_buffer(sheets), filename="lapangan.xlsx", actor=actor)


def errors_of(result) -> list[str]:
    return [f"{e.sheet}:{e.row}:{e.column}: {e.text}" for e in result.errors]


def counts(result, sheet) -> tuple[int, int, int, int]:
    c = result.sheets[sheet]
    return (c.created, c.updated, c.unchanged, c.invalid)


@pytest.fixture
def mekar(facilitator):
    kube = KubeFactory(
        no_registrasi="6474-2014-001", name="KUBE Mekar Sari", founded_on=D(2014, 4, 14), facilitator=facilitator
    )
    MembershipFactory(kube=kube, person=PersonFactory(nik=SITI, birth_on=D(1981, 2, 3)), joined_on=D(2014, 4, 14))
    MembershipFactory(kube=kube, person=PersonFactory(nik=ANI, birth_on=D(1979, 7, 9)), joined_on=D(2014, 4, 14))
    left = PersonFactory(nik=LEFT, birth_on=D(1975, 1, 1))
    MembershipFactory(kube=kube, person=left, joined_on=D(2014, 4, 14), left_on=D(2020, 1, 1), leave_reason="pindah")
    other = PersonFactory(nik=OTHER, birth_on=D(1970, 1, 1))  # another group's member
    MembershipFactory(person=other, joined_on=D(2014, 4, 14), kube__founded_on=D(2014, 1, 1))
    return kube


def visit_row(**changes):
    row = dict.fromkeys(KUNJUNGAN, None)
    row.update(no_registrasi="6474-2014-001", tanggal="2024-03-12", jenis="pendampingan", hadir=f"{SITI}, {ANI}")
    row.update(kegiatan="Memeriksa buku kas", masalah="Iuran tertunda", komunikasi=3, kohesi="4")
    row.update(changes)
    return [row[column] for column in KUNJUNGAN]


def test_visits_are_created_with_attendees_and_scores_and_reimport_is_unchanged(admin_user, mekar, officer):
    rows = [
        KUNJUNGAN,
        visit_row(),
        visit_row(tanggal="2024-02-10", jenis="monev", petugas=officer.username, hadir="7", kohesi=None),
    ]
    result = run({"kunjungan": rows}, actor=admin_user)
    assert errors_of(result) == []
    assert counts(result, "kunjungan") == (2, 0, 0, 0)
    visit = Visit.objects.get(visited_on=D(2024, 3, 12))
    assert (visit.kube, visit.kind, visit.visitor) == (mekar, "pendampingan", mekar.facilitator)
    assert visit.created_by == admin_user
    assert sorted(visit.attendees.values_list("person__nik", flat=True)) == sorted([SITI, ANI])
    assert (visit.activities, visit.problems, visit.communication, visit.cohesion, visit.conflict) == (
        "Memeriksa buku kas",
        "Iuran tertunda",
        3,
        4,
        None,
    )
    monev = Visit.objects.get(kind="monev")
    assert (monev.visitor, monev.attendance_count, monev.attendees.count()) == (officer, 7, 0)

    again = run({"kunjungan": rows}, actor=admin_user)
    assert counts(again, "kunjungan") == (0, 0, 2, 0)
    rows[1] = visit_row(konflik=2)
    third = run({"kunjungan": rows}, actor=admin_user)
    assert counts(third, "kunjungan") == (0, 1, 1, 0)
    assert Visit.objects.get(pk=visit.pk).conflict == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"no_registrasi": "6474-2099-999"}, "kunjungan:2:no_registrasi: "),
        ({"tanggal": "2024-05-01"}, "kunjungan:2:tanggal: "),
        ({"tanggal": "2014-01-01"}, "kunjungan:2:tanggal: KUBE ini baru berdiri 14-04-2014"),
        ({"jenis": "arisan"}, "kunjungan:2:jenis: "),
        ({"petugas": "tidak_ada"}, "kunjungan:2:petugas: Pengguna tidak_ada bukan pendamping atau petugas dinas."),
        ({"hadir": STRANGER}, f"kunjungan:2:hadir: NIK {STRANGER} tidak terdaftar sebagai anggota KUBE mana pun."),
        ({"hadir": f"{SITI}, {LEFT}"}, f"kunjungan:2:hadir: NIK {LEFT} bukan anggota aktif kelompok ini pada 12-03"),
        ({"hadir": OTHER}, f"kunjungan:2:hadir: NIK {OTHER} bukan anggota aktif kelompok ini pada 12-03-2024."),
        ({"hadir": "1234"}, "kunjungan:2:hadir: Isi jumlah yang hadir"),
        ({"hadir": f"{SITI}, {SITI}"}, f"kunjungan:2:hadir: NIK {SITI} tercantum dua kali."),
        ({"komunikasi": 5}, "kunjungan:2:komunikasi: Pilih salah satu dari empat tingkat (1–4)."),
        ({"partisipasi": "0"}, "kunjungan:2:partisipasi: Pilih salah satu dari empat tingkat (1–4)."),
        ({"tujuan": "tinggi"}, "kunjungan:2:tujuan: "),
    ],
)
def test_each_bad_visit_row_is_refused_and_nothing_is_written(admin_user, mekar, changes, message):
    result = run({"kunjungan": [KUNJUNGAN, visit_row(tanggal="2024-01-05"), visit_row(**changes)]}, actor=admin_user)
    errors = [e.replace(":3:", ":2:", 1) for e in errors_of(result)]
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert not Visit.objects.exists()


def test_a_visitor_must_be_a_facilitator_or_an_officer_and_a_group_without_facilitator_needs_one(admin_user, mekar):
    plain = UserFactory(username="warga")
    bare = KubeFactory(no_registrasi="6474-2014-002", facilitator=None, founded_on=D(2014, 1, 1))
    result = run(
        {
            "kunjungan": [
                KUNJUNGAN,
                visit_row(petugas=plain.username),
                visit_row(no_registrasi=bare.no_registrasi, hadir="5"),
            ]
        }
    )
    assert errors_of(result) == [
        "kunjungan:2:petugas: Pengguna warga bukan pendamping atau petugas dinas.",
        "kunjungan:3:petugas: KUBE ini belum memiliki pendamping; isi petugas yang berkunjung.",
    ]
    assert not Visit.objects.exists()


def test_the_same_visit_twice_in_a_file_is_refused(mekar):
    result = run({"kunjungan": [KUNJUNGAN, visit_row(), visit_row(hadir="3")]})
    assert errors_of(result) == ["kunjungan:3:tanggal: Baris yang sama (kunci yang sama) sudah tercantum di baris 2."]


def test_one_file_creates_the_group_its_members_and_their_visit_and_training(admin_user, facilitator):
    kelompok = [
        ["no_registrasi", "nama_kube", "kecamatan", "kelurahan", "tanggal_berdiri", "jenis_usaha", "pendamping"],
        ["6474-2015-010", "KUBE Baru", "Bontang Utara", "Guntung", "2015-01-01", "produksi", facilitator.username],
    ]
    anggota = [
        ["no_registrasi", "nik", "nama", "jenis_kelamin", "jabatan", "tanggal_masuk"],
        ["6474-2015-010", SITI, "Siti", "P", "ketua", "2015-01-01"],
    ]
    kunjungan = [KUNJUNGAN, visit_row(no_registrasi="6474-2015-010", hadir=SITI)]
    pelatihan = [PELATIHAN, ["Pembuatan kompos", "2016-05-20", "pelatihan", "Dinas Sosial", SITI]]
    sheets = {"kelompok": kelompok, "anggota": anggota, "kunjungan": kunjungan, "pelatihan": pelatihan}
    result = run(sheets, actor=admin_user)
    assert errors_of(result) == []
    visit = Visit.objects.get()
    assert (visit.kube.no_registrasi, visit.visitor) == ("6474-2015-010", facilitator)
    assert list(visit.attendees.values_list("person__nik", flat=True)) == [SITI]
    assert list(Training.objects.get().participants.values_list("person__nik", flat=True)) == [SITI]


def test_trainings_are_created_with_organiser_and_participants_and_reimport_is_unchanged(admin_user, mekar):
    partner = PartnerFactory(name="PT Pupuk Kaltim")
    rows = [
        PELATIHAN,
        ["Pembuatan kompos", "2015-05-20", "pelatihan", "pt. pupuk  KALTIM", f"{SITI}, {OTHER}"],
        ["Studi banding ke Malang", "2016-08-10", "studi banding", "dinas sosial", ANI],
        ["Pameran produk", "2017-01-10", "pameran", None, None],
    ]
    result = run({"pelatihan": rows}, actor=admin_user)
    assert errors_of(result) == []
    assert counts(result, "pelatihan") == (3, 0, 0, 0)
    compost = Training.objects.get(title="Pembuatan kompos")
    assert (compost.kind, compost.organiser, compost.held_on) == ("pelatihan", partner, D(2015, 5, 20))
    assert sorted(compost.participants.values_list("person__nik", flat=True)) == sorted([SITI, OTHER])
    visit = Training.objects.get(kind="studi_banding")
    assert visit.organiser is None

    again = run({"pelatihan": rows}, actor=admin_user)
    assert counts(again, "pelatihan") == (0, 0, 3, 0)
    rows[3][4] = SITI
    third = run({"pelatihan": rows}, actor=admin_user)
    assert counts(third, "pelatihan") == (0, 1, 2, 0)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "2015-05-20", "pelatihan", None, SITI], "pelatihan:3:judul: Wajib diisi."),
        (["Kompos", "2025-05-20", "pelatihan", None, SITI], "pelatihan:3:tanggal: "),
        (["Kompos", "2015-05-20", "kursus", None, SITI], "pelatihan:3:jenis: "),
        (["Kompos", "2015-05-20", "pelatihan", "Mitra Hilang", SITI], "pelatihan:3:penyelenggara: Mitra Mitra Hilang"),
        (["Kompos", "2015-05-20", "pelatihan", None, STRANGER], f"pelatihan:3:peserta: NIK {STRANGER} tidak terdaftar"),
        (["Kompos", "2021-05-20", "pelatihan", None, LEFT], f"pelatihan:3:peserta: NIK {LEFT} bukan anggota"),
        (["Kompos", "2015-05-20", "pelatihan", None, "6474 01"], "pelatihan:3:peserta: "),
        (["Pameran", "2015-01-01", "pameran", None, None], "pelatihan:3:judul: Baris yang sama"),
    ],
)
def test_each_bad_training_row_is_refused_and_nothing_is_written(mekar, row, message):
    rows = [PELATIHAN, ["Pameran", "2015-01-01", "pameran", None, ANI], row]
    result = run({"pelatihan": rows})
    errors = errors_of(result)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert not Training.objects.exists()


def test_registry_export_of_visits_and_trainings_imports_back_unchanged(tmp_path, admin_user, mekar, officer):
    run(
        {
            "kunjungan": [KUNJUNGAN, visit_row(), visit_row(jenis="monev", petugas=officer.username, hadir="6")],
            "pelatihan": [PELATIHAN, ["Pembuatan kompos", "2015-05-20", "pelatihan", "Dinas Sosial", f"{SITI}, {ANI}"]],
        },
        actor=admin_user,
    )
    path = tmp_path / "registri.xlsx"
    call_command("export_registry", "--output", str(path), "--unmasked", stdout=io.StringIO())
    result = import_workbook(str(path), dry_run=True)
    assert result.errors == []
    assert counts(result, "kunjungan") == (0, 0, 2, 0)
    assert counts(result, "pelatihan") == (0, 0, 1, 0)

    masked = tmp_path / "tersamar.xlsx"
    call_command("export_registry", "--output", str(masked), stdout=io.StringIO())
    import openpyxl

    sheets = openpyxl.load_workbook(masked)
    hadir = [row[4] for row in sheets["kunjungan"].iter_rows(min_row=2, values_only=True)]
    peserta = [row[4] for row in sheets["pelatihan"].iter_rows(min_row=2, values_only=True)]
    assert SITI not in "".join(str(v) for v in hadir + peserta)
    assert any("6474 •••• •••• ••••" in str(v) for v in hadir)
    assert 6 in hadir or "6" in hadir


def test_officer_role_is_accepted_as_petugas_case_insensitively(mekar):
    OfficerFactory(username="Petugas.Dinas")
    result = run({"kunjungan": [KUNJUNGAN, visit_row(petugas="petugas.dinas")]})
    assert errors_of(result) == []
    assert Visit.objects.get().visitor.username == "Petugas.Dinas"
