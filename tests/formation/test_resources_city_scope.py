"""Issue 19: the `usulan` sheet of a Samarinda officer reads and writes nothing of Bontang."""

import pytest

from formation.models import Candidate, Proposal
from groups.models import City, Kecamatan, Kelurahan, UserArea
from groups.regions import load_regions
from groups.services import MSG_NIK_REGISTERED_ELSEWHERE
from tests.factories import OfficerFactory

from .factories import CandidateFactory, ProposalFactory
from .test_resources import family, frozen, nik, run  # noqa: F401  (frozen: the module's clock)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def smd_officer():
    load_regions("64.72", Kecamatan, Kelurahan)
    user = OfficerFactory(username="petugas_smd")
    UserArea.objects.create(user=user, level="kota", city=City.objects.get(code="64.72"))
    return user


def samarinda_family(code, serial, **cells):
    cells = {"kecamatan": "Palaran", "kelurahan": "Rawa Makmur", "pendamping": ""} | cells
    return family(code, serial, **cells)


def test_a_bontang_kelurahan_is_unknown(smd_officer):
    result = run([family("", 1, pendamping="")], actor=smd_officer, dry_run=True)
    assert [(e.column, e.text) for e in result.errors] == [
        ("kecamatan", "Kecamatan “Bontang Utara” tidak dikenal (tulis nama atau kode Kemendagri).")
    ]
    assert run([samarinda_family("", 1)], actor=smd_officer, dry_run=True).ok


def test_a_bontang_family_is_answered_neutrally_and_left_as_it_is(smd_officer):
    waiting = CandidateFactory(nik=nik(3), name="Keluarga Bontang")
    result = run([samarinda_family("", 3, nama="Nama Baru")], actor=smd_officer)
    assert [(e.column, e.text) for e in result.errors] == [("nik", MSG_NIK_REGISTERED_ELSEWHERE)]
    waiting.refresh_from_db()
    assert (waiting.name, waiting.kelurahan.code[:5]) == ("Keluarga Bontang", "64.74")
    assert Candidate.objects.count() == 1


def test_a_bontang_proposal_code_is_neither_read_nor_changed(smd_officer):
    proposal = ProposalFactory(code="USL-2025-070", name="KUBE Bontang Diusulkan")
    result = run([samarinda_family("USL-2025-070", 4, nama_kube="Ganti Nama")], actor=smd_officer)
    assert [e.column for e in result.errors] == ["kode_usulan"]
    text = " ".join(str(e) for e in result.errors)
    assert "KUBE Bontang Diusulkan" not in text and "Guntung" not in text
    assert Proposal.objects.get(pk=proposal.pk).name == "KUBE Bontang Diusulkan"
