"""The finances sheets of the registry export (finances.exports) and how they read back."""

import datetime as dt
import io

import openpyxl
import pytest

from finances import exports
from finances.models import GrantSource, MonthlyReport, ReportStatus
from finances.resources import AsetSheet, BantuanSheet, LaporanBulananSheet, PinjamanSheet
from groups.models import Kube
from kube_registry.exporting import write_xlsx
from pages.workbook import export_sheet as get_export_sheet
from pages.workbook import import_workbook
from tests.factories import KubeFactory, MembershipFactory
from tests.finances.factories import AssetFactory, GrantFactory, LoanFactory, MonthlyReportFactory, RepaymentFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def other():
    """A group whose rows must not appear when only `kube` is exported."""
    other = KubeFactory()
    GrantFactory(kube=other)
    AssetFactory(kube=other)
    LoanFactory(membership=MembershipFactory(kube=other))
    MonthlyReportFactory(kube=other, status=ReportStatus.VERIFIED)
    return other


def only(kube):
    return Kube.objects.filter(pk=kube.pk)


def test_sheets_are_in_the_workbook_with_the_import_columns():
    for name, resource in (
        ("bantuan", BantuanSheet),
        ("aset", AsetSheet),
        ("pinjaman", PinjamanSheet),
        ("laporan_bulanan", LaporanBulananSheet),
    ):
        assert get_export_sheet(name).header == resource.column_names()


def test_bantuan_rows(kube, other):
    GrantFactory(kube=kube, source=GrantSource.BLPS, amount=30_000_000, received_on=D(2014, 10, 1))
    GrantFactory(kube=kube, description="UEP 10 KK")

    assert list(exports.bantuan_rows(only(kube), can_see_personal_data=False)) == [
        [kube.no_registrasi, "blps", 30_000_000, D(2014, 10, 1), ""],
        [kube.no_registrasi, "kemensos", 20_000_000, D(2020, 6, 15), "UEP 10 KK"],
    ]


def test_aset_rows_include_disposed_assets(kube, other):
    AssetFactory(kube=kube, name="Tenda", value=3_500_000, acquired_on=D(2021, 1, 10), disposed_on=D(2023, 2, 1))
    AssetFactory(kube=kube, name="Etalase", value=1_200_000, acquired_on=D(2022, 7, 1))

    assert list(exports.aset_rows(only(kube), can_see_personal_data=False)) == [
        [kube.no_registrasi, "Tenda", 3_500_000, D(2021, 1, 10), D(2023, 2, 1)],
        [kube.no_registrasi, "Etalase", 1_200_000, D(2022, 7, 1), None],
    ]


def test_pinjaman_rows_sum_repayments_and_mask_the_nik(kube, other):
    membership = MembershipFactory(kube=kube)
    nik = membership.person.nik
    paid = LoanFactory(membership=membership, amount=400_000, lent_on=D(2023, 1, 5), due_on=D(2023, 4, 5))
    RepaymentFactory(loan=paid, amount=150_000, paid_on=D(2023, 2, 5))
    RepaymentFactory(loan=paid, amount=250_000, paid_on=D(2023, 3, 5))
    paid.repaid_on = D(2023, 3, 5)
    paid.save()
    LoanFactory(membership=membership)

    full = list(exports.pinjaman_rows(only(kube), can_see_personal_data=True))
    masked = list(exports.pinjaman_rows(only(kube), can_see_personal_data=False))

    assert full == [
        [nik, 400_000, D(2023, 1, 5), D(2023, 4, 5), 400_000, D(2023, 3, 5)],
        [nik, 500_000, D(2024, 1, 15), D(2024, 4, 15), 0, None],
    ]
    assert [row[0] for row in masked] == [f"{nik[:4]} •••• •••• ••••"] * 2
    assert [row[1:] for row in masked] == [row[1:] for row in full]


def test_laporan_bulanan_rows_are_the_submitted_and_verified_reports(kube, other):
    for month, status in ((1, ReportStatus.DRAFT), (2, ReportStatus.SUBMITTED), (3, ReportStatus.RETURNED)):
        MonthlyReportFactory(kube=kube, period=D(2024, month, 1), status=status, iks_collected=90_000)
    MonthlyReportFactory(kube=kube, period=D(2024, 4, 1), status=ReportStatus.VERIFIED)
    MonthlyReportFactory(kube=kube, period=D(2023, 12, 1), status=ReportStatus.VERIFIED, is_imported=True, notes="x")

    rows = list(exports.laporan_bulanan_rows(only(kube), can_see_personal_data=False))

    assert [row[1] for row in rows] == ["2023-12", "2024-02", "2024-04"]
    assert rows[1] == [
        kube.no_registrasi,
        "2024-02",
        2_000_000,
        1_200_000,
        300_000,
        500_000,
        90_000,
        400_000,
        1_000_000,
        2,
        80,
        "",
    ]
    assert rows[0][-1] == "x"


def export_sheet(name, kube) -> io.BytesIO:
    sheet = get_export_sheet(name)
    buffer = io.BytesIO()
    write_xlsx(buffer, [(name, sheet.header, sheet.rows(only(kube), can_see_personal_data=True))])
    buffer.seek(0)
    return buffer


def test_a_report_entered_in_the_app_reads_back_unchanged_but_is_never_overwritten(kube):
    report = MonthlyReportFactory(kube=kube, status=ReportStatus.VERIFIED, attendance_percent=None, notes="Panen")
    content = export_sheet("laporan_bulanan", kube)

    result = import_workbook(content, filename="registri.xlsx")
    assert result.errors == []
    assert result.summary() == "laporan_bulanan: created=0 updated=0 unchanged=1 invalid=0"
    report.refresh_from_db()
    assert (report.version, report.is_imported, report.notes) == (1, False, "Panen")

    content.seek(0)
    workbook = openpyxl.load_workbook(content)
    workbook["laporan_bulanan"]["C2"] = 2_500_000  # pendapatan
    changed = io.BytesIO()
    workbook.save(changed)
    changed.seek(0)
    refused = import_workbook(changed, filename="registri.xlsx")
    assert [str(error) for error in refused.errors] == [
        "laporan_bulanan:2:periode: Laporan Maret 2024 sudah diisi melalui aplikasi (status: terverifikasi); "
        "ubah laporan itu di aplikasi, bukan lewat impor."
    ]
    assert MonthlyReport.objects.get().income == 2_000_000


@pytest.mark.parametrize("name", ["bantuan", "aset", "pinjaman"])
def test_each_sheet_reads_back_unchanged_on_its_own(name, kube):
    membership = MembershipFactory(kube=kube)
    GrantFactory(kube=kube, description="Modal awal")
    AssetFactory(kube=kube, disposed_on=D(2022, 1, 1))
    RepaymentFactory(loan=LoanFactory(membership=membership))

    result = import_workbook(export_sheet(name, kube), filename="registri.xlsx", dry_run=True)

    assert result.errors == []
    assert result.summary() == f"{name}: created=0 updated=0 unchanged=1 invalid=0"
