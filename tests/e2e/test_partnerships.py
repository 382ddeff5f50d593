"""Issue "Partnerships", in the browser: an officer adds a new partner with two forms to a
group, sees the group's partner-by-form matrix change, then the city's partner view:
the partner counted with the group in both forms, and the group gone from the list of
groups without an active partner. Then the same pages on a 360-pixel phone.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from partnerships.models import Partnership
from tests.e2e.helpers import failed_responses, sign_in
from tests.factories import FacilitatorFactory, KubeFactory, OfficerFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory

pytestmark = [
    pytest.mark.e2e,
    # live_server flushes the database after the test; serialized rollback puts the
    # roles and regions from the data migrations back for whichever test comes next.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PARTNER = "Bank Kaltimtara Cabang Bontang"


def a_group_with_one_partner():
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=FacilitatorFactory(username="pendamping1"))
    PartnershipFactory(
        kube=kube,
        partner=PartnerFactory(name="Dinas Sosial dan Pemberdayaan Masyarakat"),
        has_konsultasi_teknis=True,
        has_pendampingan=True,
    )
    KubeFactory(name="KUBE Sumber Rejeki")  # a group without partners
    return kube


def test_officer_adds_a_partner_with_two_forms_and_sees_matrix_and_city_view_change(live_server, page: Page):
    OfficerFactory(username="petugas", first_name="Rina")
    kube = a_group_with_one_partner()
    failed = failed_responses(page.context)
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    base = live_server.url
    sign_in(page, base, "petugas")

    # The city view before: the group has one partner; the bank is not known yet.
    page.goto(f"{base}/mitra/")
    expect(page.get_by_role("heading", name="Mitra dan jejaring KUBE")).to_be_visible()
    partners = page.locator("#tabel-mitra tbody")
    expect(partners.get_by_role("row")).to_have_count(1)
    without = page.locator("#tanpa-mitra")
    expect(without.get_by_role("heading")).to_have_text("KUBE tanpa mitra aktif (1)")

    # The group's profile and its matrix.
    page.goto(f"{base}{kube.get_absolute_url()}")
    network = page.locator("#kemitraan")
    expect(network.get_by_role("heading", level=2)).to_have_text("Jejaring kemitraan (1 mitra aktif)")
    expect(network.locator("#matriks-kemitraan tbody tr")).to_have_count(1)

    # A new partner with two forms.
    network.get_by_role("link", name="Tambah kemitraan").click()
    expect(page.get_by_role("heading", name="Tambah kemitraan", level=1)).to_be_visible()
    page.get_by_label("atau mitra baru: nama").fill(PARTNER)
    page.get_by_label("Jenis mitra baru").select_option(label="Lembaga keuangan")
    page.get_by_label("Permodalan").check()
    page.get_by_label("Konsultasi teknis").check()
    page.get_by_label("Tanggal mulai").fill("2021-03-01")
    page.get_by_role("button", name="Simpan").click()

    expect(page).to_have_url(re.compile(re.escape(kube.get_absolute_url()) + "#kemitraan$"))
    expect(page.get_by_role("alert").filter(has_text=PARTNER)).to_have_text(
        f"Kemitraan dengan {PARTNER} dicatat (konsultasi teknis, permodalan)."
    )
    expect(network.get_by_role("heading", level=2)).to_have_text("Jejaring kemitraan (2 mitra aktif)")
    row = network.locator("#matriks-kemitraan tbody tr").filter(has_text=PARTNER)
    expect(row).to_have_count(1)
    expect(row.locator("td[data-label='Konsultasi teknis']")).to_have_text("✓")
    expect(row.locator("td[data-label='Permodalan']")).to_have_text("✓")
    expect(row.locator("td[data-label='Koordinasi']")).not_to_contain_text("✓")
    expect(row.locator("td[data-label='Mulai']")).to_have_text("1 Mar 2021")
    # The column totals under the matrix: konsultasi teknis now 2, permodalan 1.
    expect(network.locator("tfoot td").nth(0)).to_have_text("2")
    expect(network.locator("tfoot td").nth(3)).to_have_text("1")

    # The city view after: the bank works with one group, in both forms.
    page.goto(f"{base}/mitra/")
    expect(partners.get_by_role("row")).to_have_count(2)
    bank = partners.get_by_role("row").filter(has_text=PARTNER)
    expect(bank.locator("td[data-label='Jenis']")).to_have_text("Lembaga keuangan")
    expect(bank.locator("td[data-label='KUBE']")).to_have_text("1")
    expect(bank.locator("td[data-label='Permodalan']")).to_have_text("1")
    expect(bank.locator("td[data-label='Konsultasi teknis']")).to_have_text("1")
    expect(bank.locator("td[data-label='Pemasaran']")).to_have_text("0")

    # Filtered to finance institutions: Mekar Sari has one now, Sumber Rejeki does not.
    page.get_by_label("Jenis mitra").select_option(label="Lembaga keuangan")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"kind=lembaga_keuangan"))
    expect(partners.get_by_role("row")).to_have_count(1)
    expect(without.get_by_role("heading")).to_have_text("KUBE tanpa mitra aktif (1)")
    expect(without.get_by_role("link", name="KUBE Sumber Rejeki")).to_be_visible()
    expect(without.get_by_role("link", name="KUBE Mekar Sari")).to_have_count(0)

    # The partner's own page lists the group.
    bank_link = partners.get_by_role("link", name=PARTNER)
    bank_link.click()
    expect(page.get_by_role("heading", name=PARTNER, level=1)).to_be_visible()
    expect(page.locator("#kube-mitra").get_by_role("link", name="KUBE Mekar Sari")).to_be_visible()

    partnership = Partnership.objects.select_related("partner").get(partner__name=PARTNER)
    assert (partnership.kube_id, partnership.forms) == (kube.pk, ["konsultasi_teknis", "permodalan"])
    assert failed == []
    assert [url for url in requests if not url.startswith(f"{base}/")] == []


@pytest.mark.browser_context_args(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
def test_network_pages_fit_a_phone(live_server, page: Page):
    OfficerFactory(username="petugas")
    kube = a_group_with_one_partner()
    base = live_server.url
    sign_in(page, base, "petugas")
    for path in (kube.get_absolute_url(), "/mitra/", f"/kelompok/{kube.pk}/kemitraan/tambah/"):
        page.goto(f"{base}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    # On a phone the matrix lists only the forms a partner takes.
    page.goto(f"{base}{kube.get_absolute_url()}")
    row = page.locator("#matriks-kemitraan tbody tr").first
    expect(row.locator("td[data-label='Pendampingan']")).to_be_visible()
    expect(row.locator("td[data-label='Koordinasi']")).to_be_visible()
    expect(row.locator("td[data-label='Pemasaran']")).to_be_hidden()
