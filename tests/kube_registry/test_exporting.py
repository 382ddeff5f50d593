"""The registry export (kube_registry.exporting) with the workbook's sheets (pages/workbook.py).

Every sheet in contract order with its headers, the round trip through
`import_registry`, masking, a facilitator's scope, a fixed number of queries, formula
escaping, and the hook for kelompok columns of a later app.
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.exports import ASSESSMENT_COLUMNS
from finances.models import GrantSource, ReportStatus
from groups import exports as group_exports
from groups.exports import AddedColumns
from groups.models import Kube, Person, Role
from kube_registry.masking import mask_id_number
from kube_registry.xlsx import XlsxWriter
from monitoring.models import Training, Visit
from pages import workbook
from pages.workbook import import_workbook
from partnerships.models import PartnerKind
from tests.factories import KubeFactory, MembershipFactory, PersonFactory
from tests.finances.factories import AssetFactory, GrantFactory, LoanFactory, MonthlyReportFactory, RepaymentFactory
from tests.finances.test_resources import ASET, BANTUAN, LAPORAN, PINJAMAN
from tests.groups.test_export import KELOMPOK_COLUMNS
from tests.monitoring.test_resources import KUNJUNGAN, PELATIHAN
from tests.partnerships.factories import PartnerFactory, PartnershipFactory, home_city
from tests.partnerships.test_resources import KEMITRAAN
from tests.workbooks import ANGGOTA

pytestmark = pytest.mark.django_db

D = dt.date
# Contract 4: the registry's sheets, in the order they are applied and exported.
SHEET_ORDER = (
    "kelompok",
    "anggota",
    "bantuan",
    "kemitraan",
    "aset",
    "pinjaman",
    "laporan_bulanan",
    "kunjungan",
    "pelatihan",
)
HEADERS = {
    "kelompok": KELOMPOK_COLUMNS,
    "anggota": ANGGOTA,
    "bantuan": BANTUAN,
    "kemitraan": KEMITRAAN,
    "aset": ASET,
    "pinjaman": PINJAMAN,
    "laporan_bulanan": LAPORAN,
    "kunjungan": KUNJUNGAN,
    "pelatihan": PELATIHAN,
}
# Rows one filled group gives in each sheet (see `fill`).
ROWS_PER_GROUP = {
    "kelompok": 1,
    "anggota": 3,
    "bantuan": 2,
    "kemitraan": 2,
    "aset": 2,
    "pinjaman": 3,
    "laporan_bulanan": 3,
    "kunjungan": 2,
    "pelatihan": 1,
}


def fill(kube: Kube) -> Kube:
    """A group with something in every sheet, in the shapes the import knows."""
    kk = f"647401120315{kube.pk % 10_000:04d}"
    ketua = MembershipFactory(kube=kube, role=Role.KETUA, person=PersonFactory(kk=kk))
    member = MembershipFactory(kube=kube, role=Role.ANGGOTA)
    MembershipFactory(kube=kube, left_on=D(2022, 6, 30), leave_reason="pindah")
    GrantFactory(kube=kube, description="Bantuan UEP 10 KK")
    GrantFactory(kube=kube, source=GrantSource.KUBE_LKM, amount=5_000_000, received_on=D(2022, 3, 1))
    AssetFactory(kube=kube, name="Mesin jahit", value=2_750_000, disposed_on=D(2023, 5, 1))
    AssetFactory(kube=kube, name="Etalase")
    paid = LoanFactory(membership=member, amount=300_000, lent_on=D(2023, 6, 1), due_on=D(2023, 9, 1))
    RepaymentFactory(loan=paid, amount=100_000, paid_on=D(2023, 7, 1))
    RepaymentFactory(loan=paid, amount=200_000, paid_on=D(2023, 8, 20))
    paid.repaid_on = D(2023, 8, 20)
    paid.save()
    RepaymentFactory(loan=LoanFactory(membership=ketua), amount=150_000)
    LoanFactory(membership=ketua, lent_on=D(2024, 5, 2), due_on=D(2024, 8, 2))
    PartnershipFactory(
        kube=kube,
        partner=PartnerFactory(kind=PartnerKind.LEMBAGA_KEUANGAN),
        has_koordinasi=False,
        has_permodalan=True,
        has_pemasaran=True,
        started_on=D(2021, 1, 4),
        ended_on=D(2023, 1, 1),
    )
    PartnershipFactory(kube=kube)
    MonthlyReportFactory(kube=kube, period=D(2024, 1, 1), status=ReportStatus.VERIFIED, notes="Penjualan naik")
    MonthlyReportFactory(kube=kube, period=D(2024, 2, 1), status=ReportStatus.SUBMITTED, attendance_percent=None)
    MonthlyReportFactory(kube=kube, period=D(2024, 3, 1), status=ReportStatus.VERIFIED, is_imported=True)
    MonthlyReportFactory(kube=kube, period=D(2024, 4, 1), status=ReportStatus.DRAFT)  # not a report yet
    MonthlyReportFactory(kube=kube, period=D(2024, 5, 1), status=ReportStatus.RETURNED)  # being corrected
    ticked = Visit.objects.create(
        kube=kube, visited_on=D(2024, 2, 3), kind="pendampingan", visitor=kube.facilitator, communication=3, cohesion=2
    )
    ticked.attendees.set([ketua, member])
    Visit.objects.create(
        kube=kube, visited_on=D(2024, 3, 3), kind="monev", visitor=kube.facilitator, attendance_count=6
    )
    training = Training.objects.create(
        city=home_city(), title=f"Pelatihan kompos {kube.name}", held_on=D(2023, 5, 2), kind="pelatihan"
    )
    training.participants.set([ketua])
    return kube


@pytest.fixture
def city(kube, other_facilitator):
    """Two filled groups: `kube` (pendamping1's) and one of pendamping2's."""
    return fill(kube), fill(KubeFactory(facilitator=other_facilitator, name="KUBE Lain"))


def export(tmp_path, *args):
    path = tmp_path / "registri.xlsx"
    out = io.StringIO()
    call_command("export_registry", "--output", str(path), *args, stdout=out)
    return path, out.getvalue()


def sheets_of(content) -> dict[str, list[list]]:
    workbook = openpyxl.load_workbook(content if not isinstance(content, bytes) else io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


# --- The registry --------------------------------------------------------------------


def test_every_contract_sheet_is_in_the_workbook_in_order_with_the_import_columns():
    assert [sheet.name for sheet in workbook.EXPORT_SHEETS] == list(SHEET_ORDER)
    assert {sheet.name: sheet.header for sheet in workbook.EXPORT_SHEETS} == HEADERS


# Columns an export sheet writes beyond its import sheet's (the import reads past them).
EXPORT_EXTRAS = {"kelompok": ["jumlah_anggota", *ASSESSMENT_COLUMNS]}


def test_each_export_header_is_its_import_sheets_columns_plus_documented_extras():
    for entry in workbook.WORKBOOK:
        if entry.export is None:
            continue
        extras = EXPORT_EXTRAS.get(entry.name, [])
        assert entry.export.header == [*entry.sheet.column_names(), *extras], entry.name
        assert set(extras) <= set(entry.sheet.ignored_columns), entry.name


def test_a_sheet_is_found_by_its_name_in_any_case():
    kelompok = workbook.export_sheet("Kelompok")

    assert kelompok.name == "kelompok"
    with pytest.raises(ImproperlyConfigured):
        workbook.export_sheet("tidak_ada")
    assert len({entry.name for entry in workbook.WORKBOOK}) == len(workbook.WORKBOOK)


# --- The workbook --------------------------------------------------------------------


def test_xlsx_has_every_sheet_with_its_headers_in_order(tmp_path, city):
    path, out = export(tmp_path, "--unmasked")

    sheets = sheets_of(path)
    assert list(sheets) == list(SHEET_ORDER)
    assert {name: rows[0] for name, rows in sheets.items()} == HEADERS
    expected = "; ".join(f"{name}: rows={2 * count}" for name, count in ROWS_PER_GROUP.items())
    assert expected in out
    assert {name: len(rows) - 1 for name, rows in sheets.items()} == {
        name: 2 * count for name, count in ROWS_PER_GROUP.items()
    }


def test_values_are_written_as_the_import_reads_them(tmp_path, city):
    kube, _other = city
    path, _out = export(tmp_path, "--unmasked")
    sheets = sheets_of(path)

    def rows(name):
        header, *body = sheets[name]
        return [
            dict(zip(header, row, strict=True)) for row in body if name == "pinjaman" or row[0] == kube.no_registrasi
        ]

    grant = next(row for row in rows("bantuan") if row["sumber"] == "kube_lkm")
    assert grant == {
        "no_registrasi": kube.no_registrasi,
        "sumber": "kube_lkm",
        "jumlah": 5_000_000,
        "tanggal": dt.datetime(2022, 3, 1),
        "keterangan": None,
    }
    assert rows("aset")[1] == {
        "no_registrasi": kube.no_registrasi,
        "nama_aset": "Mesin jahit",
        "nilai": 2_750_000,
        "tanggal_perolehan": dt.datetime(2021, 1, 10),
        "tanggal_dilepas": dt.datetime(2023, 5, 1),
    }
    bank = next(row for row in rows("kemitraan") if row["jenis_mitra"] == "lembaga_keuangan")
    assert (bank["bentuk"], bank["mulai"], bank["selesai"]) == (
        "permodalan, pemasaran",
        dt.datetime(2021, 1, 4),
        dt.datetime(2023, 1, 1),
    )
    assert {row["periode"] for row in rows("laporan_bulanan")} == {"2024-01", "2024-02", "2024-03"}
    paid = next(row for row in rows("pinjaman") if row["jumlah"] == 300_000)
    assert (paid["dibayar"], paid["tanggal_lunas"]) == (300_000, dt.datetime(2023, 8, 20))


def test_unmasked_export_imports_back_unchanged(tmp_path, city):
    path, _out = export(tmp_path, "--unmasked")

    out = io.StringIO()
    call_command("import_registry", str(path), "--dry-run", stdout=out)

    for name, count in ROWS_PER_GROUP.items():
        assert f"{name}: created=0 updated=0 unchanged={2 * count} invalid=0" in out.getvalue()
    result = import_workbook(str(path), dry_run=True)
    assert result.errors == []
    assert {name: counts.unchanged for name, counts in result.sheets.items()} == {
        name: 2 * count for name, count in ROWS_PER_GROUP.items()
    }


def test_masked_export_shows_no_nik_or_kk_in_any_sheet(tmp_path, city):
    path, out = export(tmp_path)

    sheets = sheets_of(path)
    numbers = {number for nik, kk in Person.objects.values_list("nik", "kk") for number in (nik, kk) if number}
    cells = [str(cell) for rows in sheets.values() for row in rows for cell in row if cell is not None]
    assert not numbers & set(cells)
    assert not any(number in cell for number in numbers for cell in cells)
    niks = Person.objects.values_list("nik", flat=True)
    assert {row[0] for row in sheets["pinjaman"][1:]} <= {mask_id_number(nik) for nik in niks}
    assert {row[1] for row in sheets["anggota"][1:]} == {mask_id_number(nik) for nik in niks}
    assert "--unmasked" in out


def test_web_export_of_a_facilitator_holds_only_their_groups_in_every_sheet(client_for, facilitator, city):
    kube, _other = city
    members = set(kube.memberships.values_list("person__nik", flat=True))

    response = client_for(facilitator).get(reverse("groups:kube_export", args=["xlsx"]))

    sheets = sheets_of(response.content)
    assert list(sheets) == list(SHEET_ORDER)
    for name, rows in sheets.items():
        assert len(rows) - 1 == ROWS_PER_GROUP[name], name
        if name not in ("pinjaman", "pelatihan"):
            assert {row[0] for row in rows[1:]} == {kube.no_registrasi}, name
    lenders = {row[0] for row in sheets["pinjaman"][1:]}
    assert lenders <= members | {mask_id_number(nik) for nik in members}


def test_web_export_follows_the_list_filters_in_every_sheet(client_for, admin_user, city):
    _kube, other = city

    response = client_for(admin_user).get(reverse("groups:kube_export", args=["xlsx"]), {"q": other.no_registrasi})

    sheets = sheets_of(response.content)
    for name in SHEET_ORDER:
        assert len(sheets[name]) - 1 == ROWS_PER_GROUP[name], name
    assert {row[0] for row in sheets["laporan_bulanan"][1:]} == {other.no_registrasi}
    borrowers = set(other.memberships.values_list("person__nik", flat=True))
    assert {row[0] for row in sheets["pinjaman"][1:]} <= borrowers  # an admin sees full numbers


def test_web_export_ignores_the_list_sort_and_keeps_the_member_count(client_for, admin_user, city):
    kube, other = city

    response = client_for(admin_user).get(reverse("groups:kube_export", args=["xlsx"]), {"o": "-members"})

    rows = sheets_of(response.content)["kelompok"]
    numbers = [row[0] for row in rows[1:]]
    assert numbers == sorted([kube.no_registrasi, other.no_registrasi])
    count_at = rows[0].index("jumlah_anggota")
    counts = {row[0]: row[count_at] for row in rows[1:]}
    assert counts == {k.no_registrasi: k.memberships.filter(left_on__isnull=True).count() for k in (kube, other)}


def test_web_export_masks_nik_in_every_sheet_for_an_officer(client_for, officer, city):
    response = client_for(officer).get(reverse("groups:kube_export", args=["xlsx"]))

    sheets = sheets_of(response.content)
    niks = set(Person.objects.values_list("nik", flat=True))
    assert all(row[0] not in niks and "••••" in row[0] for row in sheets["pinjaman"][1:])
    assert all(row[1] not in niks and "••••" in row[1] for row in sheets["anggota"][1:])


def count_export_queries(tmp_path) -> int:
    with CaptureQueriesContext(connection) as queries:
        export(tmp_path, "--unmasked")
    return len(queries)


def test_export_runs_the_same_queries_for_2_and_20_groups(tmp_path, city, other_facilitator):
    for_two = count_export_queries(tmp_path)
    for _ in range(18):
        fill(KubeFactory(facilitator=other_facilitator))

    assert Kube.objects.count() == 20
    assert count_export_queries(tmp_path) == for_two
    # kunjungan and pelatihan read the members they name in a second query each.
    assert for_two <= len(SHEET_ORDER) + 4


def test_text_cells_of_every_sheet_are_escaped_and_read_back(tmp_path, kube):
    GrantFactory(kube=kube, description="=cmd|' /C calc'!A0")
    AssetFactory(kube=kube, name="+SUM(A1)")
    PartnershipFactory(kube=kube, partner=PartnerFactory(name="@Mitra"))
    MonthlyReportFactory(kube=kube, status=ReportStatus.VERIFIED, notes="-2+3 rugi")
    path, _out = export(tmp_path, "--unmasked")

    workbook = openpyxl.load_workbook(path)
    for sheet, cell, text in (
        ("bantuan", "E2", "'=cmd|' /C calc'!A0"),
        ("aset", "B2", "'+SUM(A1)"),
        ("kemitraan", "B2", "'@Mitra"),
        ("laporan_bulanan", "L2", "'-2+3 rugi"),
    ):
        assert (workbook[sheet][cell].data_type, workbook[sheet][cell].value) == ("s", text)
    result = import_workbook(str(path), dry_run=True)
    assert result.errors == []
    assert all(counts.unchanged == counts.total for counts in result.sheets.values())


def test_csv_stays_the_kelompok_sheet(tmp_path, city):
    path = tmp_path / "kelompok.csv"
    out = io.StringIO()
    call_command("export_registry", "--output", str(path), stdout=out)

    assert out.getvalue().strip().endswith("kelompok: rows=2")
    # Every field quoted (csv.QUOTE_ALL), the header too.
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(f'"{c}"' for c in HEADERS["kelompok"])


# --- CSV against formula injection, whatever delimiter the spreadsheet assumes ---------

HOSTILE = [
    'abc;=HYPERLINK("http://example.invalid","klik")',
    "x,-1+1",
    'Jl. Mawar; "=1+1',
    "rugi\n@SUM(A1)",
    " +62 812 1234",
    "'=sudah dikutip",
    "-1,5+2",
]


def starts_a_formula(field: str) -> bool:
    """A formula sign at the start after spaces and quotes; a plain negative number is a number."""
    text = field.strip(' "\u00a0')
    if text.startswith("-"):
        return not text[1:].replace(".", "").replace(",", "").isdigit()
    return text.startswith(("=", "+", "@", "\t", "\r"))


def formula_fields(content: bytes) -> list[str]:
    """Every field that would start a formula when the file is read with `,` or `;`, by a
    CSV reader or by a naive split of each line."""
    text = content.decode("utf-8-sig")
    fields = []
    for delimiter in (",", ";"):
        fields += [field for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for field in row]
        fields += [part for line in text.splitlines() for part in line.split(delimiter)]
    return [field for field in fields if starts_a_formula(field)]


def test_a_csv_export_never_starts_a_formula_with_either_delimiter_and_imports_back(tmp_path, client_for, admin_user):
    kube = KubeFactory(name=HOSTILE[0], address=HOSTILE[2], business_description=" | ".join(HOSTILE[1:]))
    PartnershipFactory(kube=kube, partner=PartnerFactory(name=HOSTILE[1]))
    client = client_for(admin_user)

    content = client.get(reverse("groups:kube_export", args=["csv"])).content
    assert formula_fields(content) == []
    partners = client.get(reverse("partnerships:partnership_export"), {"format": "csv"}).content
    assert formula_fields(partners) == []
    # Unescaped, the same cells would start formulas: the check above has teeth.
    assert formula_fields(",".join(f'"{cell}"' for cell in HOSTILE).encode())

    path = tmp_path / "kelompok.csv"
    path.write_bytes(content)
    result = import_workbook(str(path), dry_run=True)
    assert result.errors == []
    assert result.sheets["kelompok"].unchanged == result.sheets["kelompok"].total == 1


def test_numbers_stay_numbers_in_a_csv_export(tmp_path, kube):
    """A count is written as digits and a negative number as text stays a number: no `'`."""
    MembershipFactory(kube=kube)
    Kube.objects.filter(pk=kube.pk).update(business_description="-5000")
    path = tmp_path / "kelompok.csv"
    call_command("export_registry", "--output", str(path), stdout=io.StringIO())
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert row[header.index("jumlah_anggota")] == "1"
    assert row[header.index("uraian_usaha")] == "-5000"


# --- Kelompok columns of a later app ------------------------------------------------------


@pytest.fixture
def assessment_columns(monkeypatch):
    """Columns as the assessments app adds them, put in the workbook for the test."""
    calls = []

    def provider(kube_ids):
        calls.append(sorted(kube_ids))
        found = Kube.objects.filter(pk__in=kube_ids, name__startswith="KUBE Mekar").values_list("pk", flat=True)
        return {
            pk: {"kategori": "berkembang", "skor": 72.5, "tanggal_penilaian": D(2024, 3, 31), "x": 1} for pk in found
        }

    monkeypatch.setattr(workbook, "KELOMPOK_ADDED", (AddedColumns(ASSESSMENT_COLUMNS, provider),))
    return calls


def test_kelompok_columns_come_from_the_workbooks_added_columns(tmp_path, kube, assessment_columns):
    other = KubeFactory(name="KUBE Lain")

    path, _out = export(tmp_path)

    header, *rows = sheets_of(path)["kelompok"]
    values = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert [values[kube.no_registrasi][c] for c in ("kategori", "skor", "tanggal_penilaian")] == [
        "berkembang",
        72.5,
        dt.datetime(2024, 3, 31),
    ]
    assert [values[other.no_registrasi][c] for c in ("kategori", "skor", "tanggal_penilaian")] == [None] * 3
    assert assessment_columns == [sorted([kube.pk, other.pk])]


def test_providers_are_asked_once_per_chunk(monkeypatch, kube, assessment_columns):
    KubeFactory()
    KubeFactory()
    monkeypatch.setattr(group_exports, "CHUNK", 2)

    rows = list(workbook.kelompok_rows(Kube.objects.all(), can_see_personal_data=False))

    assert len(rows) == 3
    assert [len(ids) for ids in assessment_columns] == [2, 1]


def test_a_group_without_an_answer_keeps_the_columns_blank(kube):
    row = next(workbook.kelompok_rows(Kube.objects.all(), can_see_personal_data=False))

    assert row[-3:] == [None, None, None]


# --- The writer ------------------------------------------------------------------------


def test_xlsx_writer_drops_characters_xml_cannot_hold(tmp_path):
    path = tmp_path / "x.xlsx"
    with XlsxWriter(str(path)) as workbook:
        workbook.add_sheet("s", ["a", "b"], [["Mekar\x00 Sari\x0b", dt.datetime(2024, 1, 2, 3, 4)]])

    assert sheets_of(path) == {"s": [["a", "b"], ["Mekar Sari", dt.datetime(2024, 1, 2, 3, 4)]]}
