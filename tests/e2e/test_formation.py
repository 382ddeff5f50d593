"""Issue "Formation", in the browser: a facilitator proposes a group with six families,
one of them too old for the working-age band; an officer reads the reason beside the
family, approves with a recorded exception, and finds the new group in the register
at stage pelaksanaan.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from formation.models import Proposal, ProposalStatus
from groups.models import Kube
from tests.e2e.helpers import failed_responses, sign_in
from tests.factories import FacilitatorFactory, OfficerFactory, work_area
from tests.formation.factories import CandidateFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OLD_NIK = "6474014101600001"  # a woman born 1 January 1960: 60 or more on any date from 2020


def test_facilitator_proposes_officer_approves_with_exception(live_server, page: Page):
    # Her work area, set by the office: Guntung, where the families wait.
    facilitator = work_area(FacilitatorFactory(username="pendamping1", first_name="Wahyuni"), "64.74.01.1004")
    OfficerFactory(username="petugas", first_name="Rina")
    for index in range(5):
        CandidateFactory(name=f"Keluarga Menunggu {index + 1}", created_by=facilitator, dtks_decile=index + 1)
    failed = failed_responses(page.context)
    base = live_server.url

    # The facilitator writes the proposal.
    sign_in(page, base, "pendamping1")
    page.get_by_role("link", name="Usulan KUBE").click()
    page.get_by_role("link", name="Usulan baru").click()
    page.get_by_label("Nama KUBE yang diusulkan").fill("KUBE Guntung Sejahtera")
    page.get_by_label("Kelurahan").select_option(label="Guntung — Bontang Utara")
    page.get_by_label("Jenis usaha").select_option(label="Jasa")
    page.get_by_label("Gagasan usaha").fill("Penyewaan tenda dan kursi")
    page.get_by_label("Diusulkan oleh").select_option(label="Kelurahan")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="KUBE Guntung Sejahtera", level=1)).to_be_visible()

    # One family typed in (born 1960: outside the band), five picked from the waiting list.
    page.get_by_role("link", name="Tambah calon baru").click()
    page.get_by_label("NIK").fill(OLD_NIK)
    page.get_by_label("Nama kepala keluarga / pencari nafkah").fill("Hasnah Tua")
    page.get_by_label("Perempuan").check()
    page.get_by_label("Jabatan yang diusulkan").select_option(label="Ketua")
    page.get_by_label("Kepala keluarga", exact=True).check()
    page.get_by_label("Terdaftar di DTKS").check()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert").filter(has_text="Hasnah Tua")).to_contain_text("ditambahkan ke usulan")
    picker = page.locator("#pilih-calon")
    for index in range(5):
        picker.get_by_label(re.compile(f"^Keluarga Menunggu {index + 1} ")).check()
    picker.get_by_role("button", name="Tambahkan yang dipilih").click()
    families = page.locator("#tabel-calon tbody tr")
    expect(families).to_have_count(6)
    expect(page.locator("#calon").get_by_role("heading")).to_have_count(0)
    page.get_by_role("button", name="Ajukan", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="diajukan")).to_be_visible()
    page.get_by_role("button", name="Keluar").click()
    # Signing out first empties the phone's copies (static/js/offline/app.js), then posts.
    expect(page.locator("input[name=username]")).to_be_visible()

    # The officer reads the reason beside the family and approves with an exception.
    sign_in(page, base, "petugas")
    page.get_by_role("link", name="Usulan KUBE").click()
    page.get_by_role("link", name="KUBE Guntung Sejahtera").click()
    old = families.filter(has_text="Hasnah Tua")
    age = dt.date.today().year - 1960  # born 1 January
    expect(old.locator("td[data-label='Pemeriksaan']")).to_contain_text(f"Usia produktif: Berusia {age} tahun")
    expect(families.filter(has_text="Semua pemeriksaan terpenuhi")).to_have_count(5)
    decision = page.locator("#keputusan")
    decision.get_by_label("Alasan pengecualian").fill("Masih kuat bekerja dan dipilih warga sebagai ketua.")
    decision.get_by_role("button", name="Setujui").click()

    # The new group's profile, then the register.
    expect(page.get_by_role("heading", name="KUBE Guntung Sejahtera", level=1)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Usulan disetujui")).to_be_visible()
    current = page.locator("#linimasa-tahap li[aria-current=step]")
    expect(current).to_contain_text("Pelaksanaan")
    expect(page.locator("#anggota tbody tr")).to_have_count(6)
    page.get_by_role("link", name="Daftar KUBE").click()
    page.locator("input[name=q]").fill("Guntung Sejahtera")
    page.get_by_role("button", name="Cari", exact=True).click()
    row = page.locator("table tbody tr").filter(has_text="KUBE Guntung Sejahtera")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Pelaksanaan")

    proposal = Proposal.objects.get()
    kube = Kube.objects.get(name="KUBE Guntung Sejahtera")
    assert (proposal.status, proposal.kube) == (ProposalStatus.DISETUJUI, kube)
    decided = proposal.decisions.get(action="disetujui")
    assert decided.reason == "Masih kuat bekerja dan dipilih warga sebagai ketua."
    assert list(decided.failed_checks["candidates"]) == ["Hasnah Tua"]
    assert failed == []
