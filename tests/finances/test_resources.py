"""The bantuan, aset, pinjaman and laporan_bulanan sheets of the import (contract 4)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from freezegun import freeze_time

from finances.models import Asset, Grant, Loan, MonthlyReport, Repayment, ReportStatus
from finances.services import report_reopen
from groups.models import Sex
from pages.workbook import import_workbook, workbook_template
from tests.factories import KubeFactory, MembershipFactory, PersonFactory, make_nik
from tests.finances.factories import LoanFactory, MonthlyReportFactory, RepaymentFactory
from tests.workbooks import workbook_buffer

pytestmark = pytest.mark.django_db

D = dt.date
LAPORAN = [
    "no_registrasi",
    "periode",
    "pendapatan",
    "pengeluaran",
    "disisihkan_kas",
    "dibagikan_anggota",
    "iks_terkumpul",
    "saldo_kas",
    "saldo_bank",
    "jumlah_pertemuan",
    "kehadiran_persen",
    "catatan",
]
BANTUAN = ["no_registrasi", "sumber", "jumlah", "tanggal", "keterangan"]
ASET = ["no_registrasi", "nama_aset", "nilai", "tanggal_perolehan", "tanggal_dilepas"]
PINJAMAN = ["nik", "jumlah", "tanggal", "jatuh_tempo", "dibayar", "tanggal_lunas"]
KELOMPOK = ["no_registrasi", "nama_kube", "kecamatan", "kelurahan", "tanggal_berdiri", "jenis_usaha"]
ANGGOTA = ["no_registrasi", "nik", "nama", "jenis_kelamin", "jabatan", "tanggal_masuk"]
SITI = make_nik(sex=Sex.FEMALE, birth_on=D(1981, 2, 3), serial=4401)


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def run(sheets: dict[str, list[list]], *, actor=None, dry_run=False):
    return import_workbook(workbook_buffer(sheets), filename="keuangan.xlsx", actor=actor, dry_run=dry_run)


def errors_of(result) -> list[str]:
    return [f"{e.sheet}:{e.row}:{e.column}: {e.text}" for e in result.errors]


def counts(result, sheet) -> tuple[int, int, int, int]:
    c = result.sheets[sheet]
    return (c.created, c.updated, c.unchanged, c.invalid)


@pytest.fixture
def mekar(db):
    return KubeFactory(no_registrasi="6474-2014-001", name="KUBE Mekar Sari", founded_on=D(2014, 4, 14))


def test_monthly_reports_are_imported_as_verified_and_reimport_changes_nothing(admin_user, mekar):
    rows = [
        LAPORAN,
        [
            "6474-2014-001",
            "2015-01",
            "Rp 1.416.000",
            "600.000",
            "250.000",
            "500.000",
            "100.000",
            300_000,
            "1,25 juta",
            2,
            85,
            "Kompos padat",
        ],
        ["6474-2014-001", D(2015, 2, 1), 900_000, 400_000, None, None, None, None, None, None, None, None],
    ]
    result = run({"laporan_bulanan": rows}, actor=admin_user)
    assert errors_of(result) == []
    assert counts(result, "laporan_bulanan") == (2, 0, 0, 0)
    january = MonthlyReport.objects.get(period=D(2015, 1, 1))
    assert (january.income, january.expenses, january.cash_in_bank, january.attendance_percent) == (
        1_416_000,
        600_000,
        1_250_000,
        85,
    )
    assert (january.status, january.is_imported, january.verified_by) == (ReportStatus.VERIFIED, True, admin_user)
    assert [(h.history_type, h.history_user) for h in january.history.all()] == [("+", admin_user)]
    february = MonthlyReport.objects.get(period=D(2015, 2, 1))
    assert (february.kept_in_cash, february.attendance_percent, february.notes) == (0, None, "")

    again = run({"laporan_bulanan": rows}, actor=admin_user)
    assert counts(again, "laporan_bulanan") == (0, 0, 2, 0)
    assert MonthlyReport.objects.count() == 2

    # A verified report (imported ones are stored verified) changes only after a reopen (issue 13).
    rows[2][2] = 950_000
    refused = run({"laporan_bulanan": rows}, actor=admin_user)
    assert errors_of(refused) == ["laporan_bulanan:3:pendapatan: laporan sudah diverifikasi; buka kembali dulu"]
    february.refresh_from_db()
    assert (february.income, february.version, february.status) == (900_000, 1, ReportStatus.VERIFIED)

    report_reopen(actor=admin_user, report=february, reason="Angka pendapatan salah ketik.")
    corrected = run({"laporan_bulanan": rows}, actor=admin_user)
    assert counts(corrected, "laporan_bulanan") == (0, 1, 1, 0)
    february.refresh_from_db()
    assert (february.income, february.version) == (950_000, 3)
    assert (february.status, february.verified_by) == (ReportStatus.VERIFIED, admin_user)


def test_monthly_report_rows_are_checked_like_the_form(mekar):
    MonthlyReportFactory(kube=mekar, period=D(2016, 3, 1), status=ReportStatus.DRAFT)
    rows = [
        LAPORAN,
        ["6474-2014-001", "2015-01", "1.000.000", "800.000", "500.000", "600.000", None, "0", "0", 2, 80, ""],
        ["6474-2014-001", "2015-02", "-5", "0"] + [None] * 8,
        ["6474-2014-001", "2015-03", "1.000", "0", None, None, None, None, None, 2, 120, ""],
        ["6474-2014-001", "2014-03", "1.000", "0"] + [None] * 8,
        ["6474-2014-001", "2024-05", "1.000", "0"] + [None] * 8,
        ["6474-2014-001", "2016-03", "1.000", "0"] + [None] * 8,
        ["6474-2099-001", "2016-04", "1.000", "0"] + [None] * 8,
        ["6474-2014-001", "2015-01", "1.000", "0"] + [None] * 8,
    ]
    result = run({"laporan_bulanan": rows})
    assert errors_of(result) == [
        "laporan_bulanan:2:dibagikan_anggota: Disisihkan ke kas (Rp 500.000) ditambah dibagikan ke anggota "
        "(Rp 600.000) berjumlah Rp 1.100.000, melebihi laba (Rp 200.000) ditambah saldo kas dan bank (Rp 0). "
        "Periksa kembali angkanya.",
        "laporan_bulanan:3:pendapatan: Jumlah uang tidak boleh negatif: “-5”.",
        "laporan_bulanan:4:kehadiran_persen: Harus antara 0 dan 100 (tertulis 120).",
        "laporan_bulanan:5:periode: KUBE ini baru berdiri 14 April 2014; tidak ada laporan untuk Maret 2014.",
        "laporan_bulanan:6:periode: Periode Mei 2024 belum tiba.",
        "laporan_bulanan:7:periode: Laporan Maret 2016 sudah diisi melalui aplikasi (status: draf); ubah laporan "
        "itu di aplikasi, bukan lewat impor.",
        "laporan_bulanan:8:no_registrasi: KUBE 6474-2099-001 tidak ada di registri maupun di lembar kelompok.",
        "laporan_bulanan:9:periode: Baris yang sama (kunci yang sama) sudah tercantum di baris 2.",
    ]
    assert counts(result, "laporan_bulanan") == (0, 0, 0, 8)
    assert MonthlyReport.objects.count() == 1  # nothing written


def test_grants_read_bpls_as_blps_and_match_by_source_and_date(admin_user, mekar):
    rows = [
        BANTUAN,
        ["6474-2014-001", "Kemensos", "Rp 20.000.000", "22-09-2014", "UEP 10 KK"],
        ["6474-2014-001", "bpls", "30 juta", "2014-10-01", ""],
        ["6474-2014-001", "KUBE-LKM", "5.000.000", "2015-01-01", None],
    ]
    result = run({"bantuan": rows}, actor=admin_user)
    assert errors_of(result) == []
    assert sorted(Grant.objects.values_list("source", "amount")) == [
        ("blps", 30_000_000),
        ("kemensos", 20_000_000),
        ("kube_lkm", 5_000_000),
    ]
    rows[1][2] = "Rp 25.000.000"
    rows[1][4] = None  # not given: the stored description stays
    again = run({"bantuan": rows}, actor=admin_user)
    assert counts(again, "bantuan") == (0, 1, 2, 0)
    grant = Grant.objects.get(source="kemensos")
    assert (grant.amount, grant.description) == (25_000_000, "UEP 10 KK")
    assert grant.history.first().history_user == admin_user


def test_assets_are_keyed_by_name_and_date_and_checked(mekar):
    rows = [
        ASET,
        ["6474-2014-001", "Mesin pencacah", "18.500.000", "11-04-2016", None],
        ["6474-2014-001", "Tenda", "3.000.000", "2016-05-01", "2016-04-01"],
    ]
    result = run({"aset": rows})
    assert errors_of(result) == [
        "aset:3:tanggal_dilepas: Tanggal dilepas tidak boleh sebelum tanggal perolehan (1 Mei 2016)."
    ]
    assert not Asset.objects.exists()
    rows[2][4] = "2020-01-31"
    assert errors_of(run({"aset": rows})) == []
    rows[1][1] = "MESIN PENCACAH"  # the same asset, whatever the case
    again = run({"aset": rows})
    assert counts(again, "aset") == (0, 0, 2, 0)
    assert Asset.objects.count() == 2


def test_loans_find_the_borrower_by_nik_default_due_date_and_repayments(admin_user, mekar):
    member = MembershipFactory(kube=mekar, person=PersonFactory(nik=SITI), joined_on=D(2014, 4, 14))
    rows = [
        PINJAMAN,
        [f"{SITI[:4]} {SITI[4:8]} {SITI[8:12]} {SITI[12:]}", "500.000", "02-03-2016", None, "200.000", None],
        [SITI, "750.000", "2017-01-10", "2017-03-10", "750.000", "2017-03-01"],
    ]
    result = run({"pinjaman": rows}, actor=admin_user)
    assert errors_of(result) == []
    assert [str(w) for w in result.warnings] == [
        "pinjaman:3:jumlah: Pinjaman Rp 750.000 melebihi batas kelompok Rp 500.000 per pinjaman (tetap dicatat)."
    ]
    first = Loan.objects.get(lent_on=D(2016, 3, 2))
    assert (first.kube, first.membership, first.due_on, first.repaid_on) == (mekar, member, D(2016, 6, 2), None)
    assert list(first.repayments.values_list("amount", "paid_on")) == [(200_000, D(2024, 4, 5))]
    second = Loan.objects.get(lent_on=D(2017, 1, 10))
    assert second.repaid_on == D(2017, 3, 1)
    assert list(second.repayments.values_list("amount", flat=True)) == [750_000]

    again = run({"pinjaman": rows}, actor=admin_user)
    assert counts(again, "pinjaman") == (0, 0, 2, 0)
    rows[1][4] = "Rp 500.000"  # repaid in full since: a repayment of the rest
    rows[1][5] = "2016-06-01"
    third = run({"pinjaman": rows}, actor=admin_user)
    assert counts(third, "pinjaman") == (0, 1, 1, 0)
    first.refresh_from_db()
    assert first.repaid_on == D(2016, 6, 1)
    assert sorted(first.repayments.values_list("amount", flat=True)) == [200_000, 300_000]


def test_loan_rows_are_checked(mekar):
    member = MembershipFactory(kube=mekar, person=PersonFactory(nik=SITI), joined_on=D(2015, 1, 1))
    stored = LoanFactory(membership=member, amount=400_000, lent_on=D(2016, 1, 5), due_on=D(2016, 4, 5))
    RepaymentFactory(loan=stored, amount=300_000, paid_on=D(2016, 2, 5))
    rows = [
        PINJAMAN,
        [SITI, "400.000", "2016-01-05", None, "100.000", None],
        [SITI, "500.000", "2014-06-01", None, None, None],
        [make_nik(serial=9999), "500.000", "2016-01-01", None, None, None],
        [SITI, "300.000", "2016-02-01", "2016-01-01", "400.000", None],
        [SITI, "300.000", "2016-03-01", None, "100.000", "2016-04-01"],
        [SITI, "0", "2016-05-01", None, None, None],
    ]
    result = run({"pinjaman": rows})
    assert errors_of(result) == [
        "pinjaman:2:dibayar: Dibayar (Rp 100.000) lebih kecil dari angsuran yang sudah tercatat (Rp 300.000); "
        "impor tidak menghapus angsuran.",
        f"pinjaman:3:nik: NIK {SITI} bukan anggota KUBE mana pun pada tanggal pinjam 1 Jun 2014.",
        f"pinjaman:4:nik: NIK {make_nik(serial=9999)} tidak terdaftar sebagai anggota KUBE mana pun.",
        "pinjaman:5:jatuh_tempo: Jatuh tempo tidak boleh sebelum tanggal pinjam (1 Feb 2016).",
        "pinjaman:5:dibayar: Dibayar (Rp 400.000) melebihi jumlah pinjaman (Rp 300.000).",
        "pinjaman:6:tanggal_lunas: Tanggal lunas diisi, tetapi dibayar (Rp 100.000) kurang dari jumlah (Rp 300.000).",
        "pinjaman:7:jumlah: Jumlah pinjaman harus lebih dari nol.",
    ]
    assert Loan.objects.count() == 1
    assert Repayment.objects.count() == 1


def test_one_workbook_creates_group_members_reports_grants_assets_and_loans(admin_user, db):
    sheets = {
        "kelompok": [KELOMPOK, ["6474-2019-050", "KUBE Baru", "Bontang Utara", "Guntung", "2019-05-01", "jasa"]],
        "anggota": [ANGGOTA, ["6474-2019-050", SITI, "Siti Aminah", "P", "ketua", "2019-05-01"]],
        "bantuan": [BANTUAN, ["6474-2019-050", "kemensos", "20.000.000", "2019-06-01", ""]],
        "aset": [ASET, ["6474-2019-050", "Tenda", "5.000.000", "2019-07-01", None]],
        "pinjaman": [PINJAMAN, [SITI, "300.000", "2019-08-01", None, None, None]],
        "laporan_bulanan": [LAPORAN, ["6474-2019-050", "2019-05", "1.000.000", "400.000"] + [None] * 8],
    }
    result = run(sheets, actor=admin_user)
    assert errors_of(result) == []
    assert result.written
    loan = Loan.objects.get()
    assert (loan.kube.no_registrasi, loan.membership.person.nik, loan.due_on) == ("6474-2019-050", SITI, D(2019, 11, 1))
    assert MonthlyReport.objects.get().kube.name == "KUBE Baru"
    assert (Grant.objects.count(), Asset.objects.count()) == (1, 1)


def test_borrower_unknown_even_after_the_anggota_sheet_rolls_everything_back(admin_user, db):
    sheets = {
        "kelompok": [KELOMPOK, ["6474-2019-050", "KUBE Baru", "Bontang Utara", "Guntung", "2019-05-01", "jasa"]],
        "anggota": [ANGGOTA, ["6474-2019-050", SITI, "Siti Aminah", "P", "ketua", "2019-05-01"]],
        "pinjaman": [PINJAMAN, [make_nik(serial=7777), "300.000", "2019-08-01", None, None, None]],
    }
    result = run(sheets, actor=admin_user)
    assert errors_of(result) == [
        f"pinjaman:2:nik: NIK {make_nik(serial=7777)} tidak terdaftar sebagai anggota KUBE mana pun."
    ]
    assert not result.written
    assert not Loan.objects.exists()
    from groups.models import Kube

    assert not Kube.objects.filter(no_registrasi="6474-2019-050").exists()


def test_dry_run_writes_nothing(mekar):
    result = run({"bantuan": [BANTUAN, ["6474-2014-001", "apbd", "1.000.000", "2015-01-01", ""]]}, dry_run=True)
    assert errors_of(result) == []
    assert counts(result, "bantuan") == (1, 0, 0, 0)
    assert not Grant.objects.exists()


def test_template_offers_the_finance_sheets_with_examples():
    book = openpyxl.load_workbook(io.BytesIO(workbook_template()))
    assert {"bantuan", "aset", "pinjaman", "laporan_bulanan"} <= set(book.sheetnames)
    header = [cell.value for cell in book["laporan_bulanan"][1]]
    assert header == LAPORAN
    assert [cell.value for cell in book["pinjaman"][1]] == PINJAMAN
    assert book["bantuan"]["B2"].value == "kemensos"


def test_import_registry_command_reads_a_laporan_bulanan_csv(tmp_path, admin_user, mekar):
    path = tmp_path / "laporan_bulanan.csv"
    path.write_text(
        "no_registrasi;periode;pendapatan;pengeluaran\n6474-2014-001;2015-01;Rp 1.416.000;600.000\n", encoding="utf-8"
    )
    out = io.StringIO()
    call_command("import_registry", str(path), stdout=out)
    assert "laporan_bulanan: created=1" in out.getvalue()
    assert MonthlyReport.objects.get().income == 1_416_000
