"""The `usulan` sheet: families and proposals through the import engine, and the export read back."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from freezegun import freeze_time

from formation.exports import usulan_columns, usulan_xlsx_bytes
from formation.models import Candidate, Proposal, ProposalStatus, Willingness
from pages.workbook import IMPORT_SHEETS, import_workbook, workbook_template
from tests.factories import make_nik
from tests.workbooks import workbook_buffer

from .factories import CandidateFactory, ProposalCandidateFactory, ProposalFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HEADER = [
    "kode_usulan",
    "nama_kube",
    "kecamatan",
    "kelurahan",
    "jenis_usaha",
    "pengusul",
    "tanggal_usulan",
    "pendamping",
    "nik",
    "nama",
    "jenis_kelamin",
    "kepala_keluarga",
    "dtks",
    "desil_dtks",
    "tanggungan",
    "kesediaan",
    "jabatan",
]


@pytest.fixture
def frozen():
    with freeze_time("2025-07-15"):
        yield


def nik(serial: int) -> str:
    return make_nik(sex="P", serial=serial)


def family(code: str, serial: int, **cells) -> list:
    row = {
        "kode_usulan": code,
        "nama_kube": "KUBE Guntung Sejahtera" if code else "",
        "kecamatan": "Bontang Utara",
        "kelurahan": "Guntung",
        "jenis_usaha": "jasa" if code else "",
        "pengusul": "kelurahan" if code else "",
        "tanggal_usulan": "02-06-2025" if code else "",
        "pendamping": "pendamping1" if code else "",
        "nik": nik(serial),
        "nama": f"Keluarga {serial}",
        "jenis_kelamin": "P",
        "kepala_keluarga": "ya",
        "dtks": "ya",
        "desil_dtks": 2,
        "tanggungan": 3,
        "kesediaan": "bersedia",
        "jabatan": "",
    } | cells
    return [row[column] for column in HEADER]


def workbook(rows: list[list], header=HEADER) -> io.BytesIO:
    return workbook_buffer({"usulan": [header, *rows]})


def run(rows, **kwargs):
    return import_workbook(workbook(rows), filename="usulan.xlsx", **kwargs)


def errors_of(result) -> list[str]:
    return [str(e) for e in result.errors]


def test_import_creates_a_submitted_proposal_and_a_waiting_family(admin_user, facilitator):
    rows = [family("USL-2025-050", n, jabatan="ketua" if n == 1 else "") for n in range(1, 6)]
    rows.append(family("", 9, nama="Menunggu Saja", kesediaan="belum"))
    result = run(rows, actor=admin_user)
    assert errors_of(result) == [] and result.written
    assert result.summary() == "usulan: created=6 updated=0 unchanged=0 invalid=0"
    proposal = Proposal.objects.get(code="USL-2025-050")
    assert (proposal.status, proposal.facilitator, proposal.kelurahan.name) == (
        ProposalStatus.DIAJUKAN,
        facilitator,
        "Guntung",
    )
    assert list(proposal.decisions.values_list("action", flat=True)) == ["dibuat", "diajukan"]
    assert proposal.entries.count() == 5 and proposal.entries.get(role="ketua").candidate.name == "Keluarga 1"
    waiting = Candidate.objects.get(name="Menunggu Saja")
    assert (waiting.willingness, waiting.dtks_decile, waiting.kelurahan.name) == (Willingness.BELUM, 2, "Guntung")
    assert waiting.history.first().history_user == admin_user

    again = run(rows, actor=admin_user)
    assert again.summary() == "usulan: created=0 updated=0 unchanged=6 invalid=0"


def test_errors_name_sheet_row_and_column_and_nothing_is_written(admin_user, facilitator):
    other = ProposalFactory(code="USL-2025-001")
    taken = ProposalCandidateFactory(proposal=other, candidate=CandidateFactory(nik=nik(7))).candidate
    rows = [
        family("USL-2025-050", 1),
        family("USL-2025-050", 2, nik="12345"),
        family("USL-2025-050", 3, nama_kube="KUBE Lain"),
        family("USL-2025-050", 4, kelurahan="Tanjung Laut"),
        family("USL-2025-050", 5, jabatan="ketua"),
        family("USL-2025-050", 6, jabatan="ketua"),
        family("USL-2025-050", 7),
        family("USL-2025-050", 1, nama="Orang Lain"),
        family("", 8, desil_dtks=11),
    ]
    before = (Proposal.objects.count(), Candidate.objects.count())
    result = run(rows, actor=admin_user)
    assert errors_of(result) == [
        "usulan:3:nik: NIK harus 16 digit angka (tertulis “12345”).",
        "usulan:4:nama_kube: Usulan USL-2025-050 di baris 2 bertuliskan “KUBE Guntung Sejahtera”; "
        "data usulan harus sama.",
        "usulan:5:kelurahan: Kelurahan Tanjung Laut tidak terletak di Kecamatan Bontang Utara.",
        "usulan:7:jabatan: Usulan USL-2025-050 sudah memiliki ketua: Keluarga 5.",
        "usulan:8:nik: Keluarga ini sudah tercantum dalam usulan USL-2025-001 yang masih berjalan.",
        "usulan:9:nik: NIK yang sama di baris 2 bertuliskan “Keluarga 1”; data keluarga harus sama.",
        "usulan:10:desil_dtks: Harus antara 1 dan 10 (tertulis 11).",
    ]
    assert not result.written
    assert (Proposal.objects.count(), Candidate.objects.count()) == before
    assert taken.proposal_entries.count() == 1


def test_a_proposal_under_review_is_not_changed_by_import(admin_user, facilitator):
    proposal = ProposalFactory(code="USL-2025-060", status=ProposalStatus.DIAJUKAN, name="KUBE Tetap")
    result = run([family("USL-2025-060", 1, nama_kube="KUBE Diubah")], actor=admin_user)
    assert errors_of(result) == [
        "usulan:2:kode_usulan: Usulan USL-2025-060 berstatus diajukan; tidak dapat diubah lewat impor."
    ]
    proposal.refresh_from_db()
    assert proposal.name == "KUBE Tetap"


def test_the_sheet_comes_after_the_contract_sheets_and_in_the_template(db):
    names = list(IMPORT_SHEETS)
    assert names.index("usulan") > names.index("laporan_bulanan")
    book = openpyxl.load_workbook(io.BytesIO(workbook_template()))
    assert [cell.value for cell in book["usulan"][1]] == usulan_columns()
    assert book["usulan"]["A2"].value == "USL-2025-901"


def test_unmasked_export_imports_back_unchanged(admin_user, facilitator):
    rows = [family("USL-2025-070", n) for n in range(1, 6)]
    run(rows, actor=admin_user)
    exported = usulan_xlsx_bytes(Proposal.objects.all(), mask=False)
    result = import_workbook(io.BytesIO(exported), filename="usulan.xlsx", actor=admin_user)
    assert errors_of(result) == []
    assert result.summary() == "usulan: created=0 updated=0 unchanged=5 invalid=0"


def test_command_reads_a_csv_named_after_the_sheet(tmp_path, admin_user, facilitator, capsys):
    path = tmp_path / "usulan.csv"
    lines = [";".join(HEADER), *(";".join(str(cell) for cell in family("USL-2025-080", n)) for n in range(1, 6))]
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("import_registry", str(path))
    assert "usulan: created=5" in capsys.readouterr().out
    assert Proposal.objects.get(code="USL-2025-080").entries.count() == 5


def test_import_corrects_a_draft_moving_its_officers_with_history(admin_user, facilitator):
    proposal = ProposalFactory(code="USL-2025-070", status=ProposalStatus.DRAF, facilitator=facilitator)
    first = CandidateFactory(nik=nik(1), name="Keluarga 1")
    second = CandidateFactory(nik=nik(2), name="Keluarga 2")
    ProposalCandidateFactory(proposal=proposal, candidate=first, role="ketua")
    ProposalCandidateFactory(proposal=proposal, candidate=second, role="sekretaris")
    rows = [
        family("USL-2025-070", 1, jabatan="bendahara", kesediaan="tidak", nama_kube="KUBE Baru"),
        family("USL-2025-070", 2, jabatan="anggota", nama_kube="KUBE Baru"),
        family("USL-2025-070", 3, nama_kube="KUBE Baru"),
    ]
    result = run(rows, actor=admin_user)
    assert errors_of(result) == []
    proposal.refresh_from_db()
    assert proposal.name == "KUBE Baru" and proposal.history.first().history_user == admin_user
    roles = dict(proposal.entries.values_list("candidate__name", "role"))
    assert roles == {"Keluarga 1": "bendahara", "Keluarga 2": "anggota", "Keluarga 3": "anggota"}
    entry = proposal.entries.get(candidate=first)
    assert entry.history.first().role == "bendahara" and entry.history.first().history_user == admin_user
    first.refresh_from_db()
    assert first.willingness == Willingness.TIDAK
    assert first.willingness_by == admin_user and first.willingness_on.isoformat() == "2025-07-15"
    assert first.history.first().history_user == admin_user
