"""The `kemitraan` sheet: import through the engine (file and command), and its export."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from freezegun import freeze_time

from groups.models import Kube
from pages.workbook import import_workbook, workbook_template
from partnerships import services
from partnerships.exports import kemitraan_columns
from partnerships.models import Partner, PartnerKind, Partnership
from tests.factories import KubeFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory
from tests.workbooks import workbook_buffer

pytestmark = pytest.mark.django_db

D = dt.date
KEMITRAAN = ["no_registrasi", "mitra", "jenis_mitra", "bentuk", "mulai", "selesai"]
KELOMPOK = ["no_registrasi", "nama_kube", "kecamatan", "kelurahan", "tanggal_berdiri", "jenis_usaha"]


def run(rows: list[list], *, header=KEMITRAAN, actor=None, dry_run=False, extra=None):
    sheets = (extra or {}) | {"kemitraan": [header, *rows]}
    return import_workbook(workbook_buffer(sheets), filename="kemitraan.xlsx", actor=actor, dry_run=dry_run)


def errors_of(result) -> list[str]:
    return [f"{e.row}:{e.column}: {e.text}" for e in result.errors]


@pytest.fixture
def mekar(db):
    return KubeFactory(no_registrasi="6474-2014-001", name="KUBE Mekar Sari", founded_on=D(2014, 4, 14))


def test_import_creates_partners_and_partnerships_matching_names_loosely(admin_user, mekar):
    PartnerFactory(name="PT Pupuk Kaltim", kind=PartnerKind.SWASTA)
    result = run(
        [
            [" 6474-2014-001 ", "pt. pupuk  KALTIM", "swasta", "Konsultasi Teknis,koordinasi,pendampingan", "2-6-2014"],
            ["6474-2014-001", "Yayasan Bikal Karya Lestari", "LSM", "konsultasi_teknis; koordinasi", D(2014, 11, 3)],
            ["6474-2014-001", "Bank Kaltimtara", "bank", "permodalan", "2016-01-04", "31/12/2019"],
        ],
        actor=admin_user,
    )
    assert result.ok, errors_of(result)
    assert result.summary() == "kemitraan: created=3 updated=0 unchanged=0 invalid=0"
    # New partners are announced, so a typo that would register a duplicate is seen.
    assert [w.column for w in result.warnings] == ["mitra", "mitra"]
    assert "Yayasan Bikal Karya Lestari" in result.warnings[0].text
    assert Partner.objects.count() == 3
    rows = {p.partner.name: p for p in Partnership.objects.select_related("partner")}
    assert rows["PT Pupuk Kaltim"].forms == ["konsultasi_teknis", "koordinasi", "pendampingan"]
    assert rows["Yayasan Bikal Karya Lestari"].partner.kind == "lsm"
    bank = rows["Bank Kaltimtara"]
    assert (bank.partner.kind, bank.forms, bank.started_on, bank.ended_on) == (
        "lembaga_keuangan",
        ["permodalan"],
        D(2016, 1, 4),
        D(2019, 12, 31),
    )
    assert bank.history.get().history_user == admin_user
    assert bank.partner.history.get().history_user == admin_user


def test_import_refers_to_groups_created_earlier_in_the_same_file(admin_user, db):
    kelompok = [KELOMPOK, ["6474-2015-050", "KUBE Baru", "Bontang Utara", "Guntung", "01-02-2015", "jasa"]]
    result = run(
        [["6474-2015-050", "Dinas Sosial", "pemerintah", "koordinasi", "01-03-2015"]],
        actor=admin_user,
        extra={"kelompok": kelompok},
    )
    assert result.ok, errors_of(result)
    assert Partnership.objects.get().kube == Kube.objects.get(no_registrasi="6474-2015-050")


def test_reimport_updates_by_key_and_start_and_leaves_the_rest(admin_user, mekar):
    partner = PartnerFactory(name="Dinas Sosial")
    past = PartnershipFactory(kube=mekar, partner=partner, started_on=D(2014, 4, 14), ended_on=D(2015, 12, 31))
    running = PartnershipFactory(kube=mekar, partner=partner, started_on=D(2016, 1, 4))
    result = run(
        [
            ["6474-2014-001", "DINAS SOSIAL", "", "koordinasi", "14-04-2014", "31-12-2015"],  # unchanged
            # The running one, its start corrected and now ended, with a form more.
            ["6474-2014-001", "Dinas Sosial", "", "koordinasi, pemasaran", "05-01-2016", "30-06-2020"],
        ],
        actor=admin_user,
    )
    assert result.ok, errors_of(result)
    assert result.summary() == "kemitraan: created=0 updated=1 unchanged=1 invalid=0"
    running.refresh_from_db()
    assert (running.started_on, running.ended_on, running.forms) == (
        D(2016, 1, 5),
        D(2020, 6, 30),
        ["koordinasi", "pemasaran"],
    )
    assert running.history.latest().history_user == admin_user
    assert past.history.count() == 1
    assert Partnership.objects.count() == 2


def test_import_ends_a_running_period_and_opens_a_new_one_in_one_file(admin_user, mekar):
    partner = PartnerFactory(name="Dinas Sosial")
    PartnershipFactory(kube=mekar, partner=partner, started_on=D(2016, 1, 4))
    result = run(
        [
            ["6474-2014-001", "Dinas Sosial", "", "koordinasi", "2021-01-01"],
            ["6474-2014-001", "Dinas Sosial", "", "koordinasi", "2016-01-04", "2020-12-31"],
        ]
    )
    assert result.ok, errors_of(result)
    assert list(Partnership.objects.order_by("started_on").values_list("ended_on", flat=True)) == [
        D(2020, 12, 31),
        None,
    ]


@freeze_time("2024-06-15")
def test_import_refuses_invalid_rows_and_writes_nothing(mekar):
    PartnershipFactory(kube=mekar, partner=PartnerFactory(name="Dinas Sosial"), started_on=D(2016, 1, 4))
    result = run(
        [
            ["6474-2099-001", "Dinas Sosial", "", "koordinasi", "2020-01-01"],  # 2
            ["6474-2014-001", "Mitra Baru", "", "koordinasi", "2020-01-01"],  # 3
            ["6474-2014-001", "Mitra Lain", "pemerintah", "arisan", "2020-01-01"],  # 4
            ["6474-2014-001", "Mitra Lain", "pemerintah", "koordinasi", "2014-01-01"],  # 5
            ["6474-2014-001", "Mitra Lain", "pemerintah", "koordinasi", "2020-01-01", "2019-01-01"],  # 6
            ["6474-2014-001", "Mitra Lain", "pemerintah", "koordinasi", "2024-06-16"],  # 7
            ["6474-2014-001", "Dinas Sosial", "", "koordinasi", "2016-01-04"],  # 8: the stored one
            ["6474-2014-001", "Dinas  Sosial", "", "pendampingan", "2022-01-03"],  # 9: a second running one
            ["6474-2014-001", "Media", "media", "koordinasi", "2020-01-01", "2020-12-31"],  # 10
            ["6474-2014-001", "media", "media", "pemasaran", "2020-06-01"],  # 11: overlaps row 10
            ["6474-2014-001", "!!!", "media", "pemasaran", "2020-06-01"],  # 12
            ["6474-2014-001", "Pers", "media", "", "2020-06-01"],  # 13
        ]
    )
    assert not result.written
    assert errors_of(result) == [
        "2:no_registrasi: KUBE 6474-2099-001 tidak ada di registri maupun di lembar kelompok.",
        "3:jenis_mitra: " + "Mitra “Mitra Baru” belum terdaftar: isi jenis_mitra agar dapat didaftarkan.",
        "4:bentuk: Nilai “arisan” tidak dikenal; pilih salah satu: "
        "konsultasi teknis, koordinasi, pendampingan, permodalan, pemasaran.",
        "5:mulai: " + services.MSG_STARTED_BEFORE_FOUNDED.format(date="14 Apr 2014"),
        "6:selesai: " + services.MSG_ENDED_BEFORE_STARTED.format(date="1 Jan 2020"),
        "7:mulai: " + services.MSG_DATE_IN_FUTURE,
        "9:selesai: KUBE ini sudah memiliki kemitraan berjalan dengan Dinas Sosial (baris 8); "
        "isi selesai untuk salah satunya.",
        "11:mulai: Periode ini bertumpang tindih dengan kemitraan Media 1 Jan 2020 – 31 Des 2020 (baris 10).",
        "12:mitra: " + services.MSG_NAME_EMPTY,
        "13:bentuk: Wajib diisi.",
    ]
    assert result.sheets["kemitraan"].invalid == 10
    assert Partner.objects.count() == 1
    assert Partnership.objects.count() == 1


def test_a_second_running_period_beside_a_stored_one_is_refused(mekar):
    partner = PartnerFactory(name="Dinas Sosial")
    PartnershipFactory(kube=mekar, partner=partner, started_on=D(2016, 1, 4))
    PartnershipFactory(kube=mekar, partner=partner, started_on=D(2014, 5, 1), ended_on=D(2015, 12, 31))
    # Starts like the past one (so it speaks about it) but reopens it beside the running one.
    result = run([["6474-2014-001", "Dinas Sosial", "", "koordinasi", "2014-05-01"]])
    assert errors_of(result) == [
        "2:selesai: KUBE ini sudah memiliki kemitraan berjalan dengan Dinas Sosial (tersimpan di registri); "
        "isi selesai untuk salah satunya."
    ]


def test_a_row_with_a_new_start_corrects_the_running_period(mekar):
    running = PartnershipFactory(kube=mekar, partner=PartnerFactory(name="Dinas Sosial"), started_on=D(2016, 1, 4))
    result = run([["6474-2014-001", "Dinas Sosial", "", "koordinasi, pendampingan", "2016-02-01"]])
    assert result.summary() == "kemitraan: created=0 updated=1 unchanged=0 invalid=0"
    running.refresh_from_db()
    assert (running.started_on, running.forms) == (D(2016, 2, 1), ["koordinasi", "pendampingan"])


def test_import_a_repeated_row_and_kinds_that_disagree(mekar):
    PartnerFactory(name="Bank Kaltimtara", kind=PartnerKind.LEMBAGA_KEUANGAN)
    result = run(
        [
            ["6474-2014-001", "Bank Kaltimtara", "swasta", "permodalan", "2020-01-01"],  # 2: kind ignored, warned
            ["6474-2014-001", "bank kaltimtara", "", "permodalan", "2020-01-01"],  # 3: same as row 2
            ["6474-2014-001", "Pers Baru", "media", "pemasaran", "2020-01-01"],  # 4
            ["6474-2014-001", "PERS BARU", "lsm", "pemasaran", "2021-01-01", "2021-02-01"],  # 5: kind differs
        ]
    )
    assert errors_of(result) == [
        "3:mitra: Kemitraan ini (mitra dan tanggal mulai yang sama) sudah tercantum di baris 2.",
        "5:jenis_mitra: Mitra baru “Pers Baru” ditulis berjenis “media” di baris 4.",
    ]
    assert any(w.row == 2 and w.column == "jenis_mitra" for w in result.warnings)


def test_import_finds_a_partner_by_the_name_it_had_before_a_merge(admin_user, mekar):
    keep = PartnerFactory(name="Bank Kaltimtara")
    duplicate = PartnerFactory(name="Bankaltimtara")
    services.partner_merge(actor=admin_user, keep=keep, remove=duplicate)
    result = run([["6474-2014-001", "BANKALTIMTARA", "", "permodalan", "2020-01-01"]])
    assert result.ok, errors_of(result)
    assert Partnership.objects.get().partner == keep
    assert Partner.objects.count() == 1


def test_dry_run_writes_nothing(mekar):
    result = run([["6474-2014-001", "Dinas Sosial", "pemerintah", "koordinasi", "2020-01-01"]], dry_run=True)
    assert result.ok and not result.written
    assert result.summary() == "kemitraan: created=1 updated=0 unchanged=0 invalid=0"
    assert not Partner.objects.exists()


def test_import_registry_command_reads_a_kemitraan_csv(tmp_path, admin_user, mekar):
    path = tmp_path / "kemitraan.csv"
    path.write_text(
        "no_registrasi;mitra;jenis_mitra;bentuk;mulai;selesai\n"
        "6474-2014-001;PKK Kelurahan Guntung;masyarakat;konsultasi teknis, koordinasi;14-04-2014;\n",
        encoding="utf-8-sig",
    )
    out = io.StringIO()
    call_command("import_registry", str(path), "--user", "admin", stdout=out)
    assert "kemitraan: created=1 updated=0 unchanged=0 invalid=0" in out.getvalue()
    assert Partnership.objects.get().forms == ["konsultasi_teknis", "koordinasi"]


def test_template_has_a_kemitraan_sheet_whose_example_is_skipped(db):
    book = openpyxl.load_workbook(io.BytesIO(workbook_template()))
    sheet = book["kemitraan"]
    assert [c.value for c in sheet[1]] == KEMITRAAN
    assert sheet["B2"].value == "Dinas Sosial dan Pemberdayaan Masyarakat"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = import_workbook(buffer, filename="templat.xlsx")
    assert not Partnership.objects.exists()
    assert not [e for e in result.errors if e.sheet == "kemitraan"]


# --- Export -------------------------------------------------------------------------------


def test_export_writes_what_the_import_reads_back(client_for, officer, mekar):
    PartnershipFactory(
        kube=mekar,
        partner=PartnerFactory(name="Bank Kaltimtara", kind=PartnerKind.LEMBAGA_KEUANGAN),
        has_koordinasi=False,
        has_permodalan=True,
        has_konsultasi_teknis=True,
        started_on=D(2016, 1, 4),
        ended_on=D(2019, 12, 31),
    )
    PartnershipFactory(kube=mekar, partner=PartnerFactory(name="=HYPERLINK(1)"), started_on=D(2015, 1, 5))
    response = client_for(officer).get("/mitra/ekspor/", {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="kemitraan.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == kemitraan_columns() == KEMITRAAN
    assert rows[1] == ["6474-2014-001", "'=HYPERLINK(1)", "pemerintah", "koordinasi", "2015-01-05", ""]
    assert rows[2] == [
        "6474-2014-001",
        "Bank Kaltimtara",
        "lembaga_keuangan",
        "konsultasi teknis, permodalan",
        "2016-01-04",
        "2019-12-31",
    ]

    response = client_for(officer).get("/mitra/ekspor/", {"format": "xlsx"})
    result = import_workbook(io.BytesIO(response.content), filename="kemitraan.xlsx")
    assert result.ok, errors_of(result)
    assert result.summary() == "kemitraan: created=0 updated=0 unchanged=2 invalid=0"


def test_export_respects_the_city_view_filters(client_for, officer, mekar):
    PartnershipFactory(kube=mekar, partner=PartnerFactory(name="Bank", kind=PartnerKind.LEMBAGA_KEUANGAN))
    PartnershipFactory(kube=mekar, partner=PartnerFactory(name="Dinas", kind=PartnerKind.PEMERINTAH))
    response = client_for(officer).get("/mitra/ekspor/", {"format": "csv", "kind": "lembaga_keuangan"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Bank"]


def test_export_partnerships_command(tmp_path, mekar):
    PartnershipFactory(kube=mekar, partner=PartnerFactory(name="Dinas Sosial"))
    out = io.StringIO()
    call_command("export_partnerships", "--output", str(tmp_path / "kemitraan.xlsx"), stdout=out)
    assert "kemitraan: rows=1" in out.getvalue()
    sheet = openpyxl.load_workbook(tmp_path / "kemitraan.xlsx")["kemitraan"]
    assert sheet["B2"].value == "Dinas Sosial"
