"""Issue 17 in Chromium on a phone (Playwright's offline mode): the service worker keeps the
facilitator's pages; a report filled with the network off survives closing the page, waits
in the phone's queue and is saved exactly once when the signal comes back; a report the
office returned while an offline edit waited comes back as a conflict showing both versions;
a visit with a photo recorded offline arrives whole; a refused report is shown as the server
answered and saved with its first token; signing out warns about what is unsent, then
leaves no page and no personal data on the phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from finances import services as finance_services
from finances.models import MonthlyReport, ReportStatus
from kube_registry.models import SubmissionToken
from monitoring.models import Visit
from tests.e2e.helpers import sign_in
from tests.e2e.test_visits import png_bytes
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory, OfficerFactory, PersonFactory
from tests.finances.factories import MonthlyReportFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser_context_args(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True),
]

KEPT_PAGES = "caches.open('kube-halaman').then(c => c.keys()).then(keys => keys.map(k => new URL(k.url).pathname))"


def wait_until_kept(page: Page, path: str) -> None:
    """The service worker fetches the listed pages in the background: wait for `path`."""
    for _ in range(100):
        if path in page.evaluate(KEPT_PAGES):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{path} not kept: {page.evaluate(KEPT_PAGES)}")


def test_report_filled_offline_is_sent_when_the_signal_returns(live_server, page: Page):
    facilitator = FacilitatorFactory(username="pendamping1")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator)
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    elsewhere: list[str] = []
    page.context.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))

    sign_in(page, base, facilitator.username)
    page.evaluate("navigator.serviceWorker.ready")
    listed = page.evaluate("fetch('/luring/halaman/').then(r => r.json())")["pages"]
    report_url = next(url for url in listed if "/laporan/" in url)
    wait_until_kept(page, report_url)

    page.context.set_offline(True)
    page.goto(f"{base}{report_url}")
    status = page.locator("#status-luring")
    expect(status).to_contain_text("Halaman dari ponsel, disimpan")
    page.get_by_label("Pendapatan (omzet)").fill("1.500.000")
    page.get_by_label("Pengeluaran").fill("700.000")
    page.get_by_role("button", name="Simpan draf").click()
    expect(status).to_contain_text("Tersimpan di ponsel; dikirim saat sinyal kembali")
    expect(status).to_contain_text("1 laporan menunggu dikirim")
    assert not MonthlyReport.objects.filter(kube=kube).exists()

    # The page is closed; opened again, still offline, the report waits on the phone.
    context = page.context
    page.close()
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/luring/")
    status = page.locator("#status-luring")
    expect(page.locator("#daftar-antrean")).to_contain_text("Menunggu dikirim")
    expect(page.locator("#daftar-antrean")).to_contain_text("KUBE Mekar Sari")

    context.set_offline(False)
    expect(status).to_contain_text("1 kiriman dari ponsel sudah terkirim")
    expect(page.locator("#daftar-antrean")).to_contain_text("Tidak ada kiriman")
    # Exactly once: one report, one claimed token, however often the page or the signal came back.
    page.reload()
    expect(page.locator("#daftar-antrean")).to_contain_text("Tidak ada kiriman")
    report = MonthlyReport.objects.get(kube=kube)
    assert report.income == 1_500_000 and report.status == ReportStatus.DRAFT
    assert SubmissionToken.objects.count() == 1
    assert errors == [] and elsewhere == []


def test_report_returned_while_an_offline_edit_waits_comes_back_as_a_conflict(live_server, page: Page, browser):
    facilitator = FacilitatorFactory(username="pendamping1")
    OfficerFactory(username="petugas")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator, founded_on=dt.date(2020, 1, 1))
    month = timezone.localdate().replace(day=1)
    report = MonthlyReportFactory(kube=kube, period=month, income=1_000_000, expenses=400_000)
    base = live_server.url
    report_url = f"/kelompok/{kube.pk}/laporan/{month:%Y-%m}/"
    sign_in(page, base, facilitator.username)
    wait_until_kept(page, report_url)

    # Offline, the facilitator corrects the draft the phone kept.
    page.context.set_offline(True)
    page.goto(f"{base}{report_url}")
    page.get_by_label("Pendapatan (omzet)").fill("1.250.000")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator("#status-luring")).to_contain_text("1 laporan menunggu dikirim")

    # Meanwhile the report was submitted from the office's computer and the officer returns it.
    finance_services.report_submit(actor=facilitator, report=report, version=report.version)
    office = browser.new_context(locale="id-ID", timezone_id="Asia/Makassar")
    officer_page = office.new_page()
    sign_in(officer_page, base, "petugas")
    officer_page.goto(f"{base}/laporan/{report.pk}/")
    officer_page.get_by_label("Kembalikan ke pendamping dengan catatan").fill("Kas tidak cocok dengan buku.")
    officer_page.get_by_role("button", name="Kembalikan").click()
    expect(officer_page.get_by_role("alert").first).to_be_visible()
    office.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    # Back online the sending is refused as stale: the phone says so and keeps it.
    page.context.set_offline(False)
    page.goto(f"{base}/luring/")
    queue = page.locator("#daftar-antrean")
    expect(queue).to_contain_text("Data sudah diubah orang lain: buka dan periksa")
    report.refresh_from_db()
    assert report.income == 1_000_000  # nothing overwritten
    queue.get_by_role("button", name="Buka dan perbaiki").click()
    # Both versions: what changed on the server in the message, the phone's values in the form.
    errors = page.locator(".alert-danger, .invalid-feedback, [role=alert]").filter(has_text="sudah diubah")
    expect(errors.first).to_contain_text("Dikembalikan")
    expect(errors.first).to_contain_text("Kas tidak cocok dengan buku.")
    expect(page.get_by_label("Pendapatan (omzet)")).to_have_value("1.250.000")
    # The facilitator keeps their version: saved once, over the returned report.
    page.get_by_role("button", name="Simpan draf").click()
    expect(page).not_to_have_url(re.compile(re.escape(report_url) + "$"))
    report.refresh_from_db()
    assert report.income == 1_250_000 and MonthlyReport.objects.filter(kube=kube).count() == 1


def test_visit_with_a_photo_recorded_offline_is_saved_with_its_photo(live_server, page: Page):
    facilitator = FacilitatorFactory(username="pendamping1")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator)
    MembershipFactory(kube=kube, person=PersonFactory(name="Siti Aminah"))
    base = live_server.url
    visit_url = f"/kelompok/{kube.pk}/kunjungan/tambah/"
    sign_in(page, base, facilitator.username)
    wait_until_kept(page, visit_url)

    page.context.set_offline(True)
    page.goto(f"{base}{visit_url}")
    page.get_by_label("Jenis kunjungan").select_option("pendampingan")
    page.get_by_label("Siti Aminah (Anggota)").check()
    page.get_by_label("Kegiatan").fill("Memeriksa buku kas.")
    page.get_by_label("Foto 1").set_input_files(
        files=[{"name": "kunjungan.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.locator("#status-luring")).to_contain_text("1 kunjungan menunggu dikirim")
    # A second tap on the same filled form updates the same item: one visit, not two.
    page.locator("#status-luring").evaluate("region => region.replaceChildren()")
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.locator("#status-luring")).to_contain_text("1 kunjungan menunggu dikirim")
    assert item_statuses(page) == ["waiting"]

    page.context.set_offline(False)
    expect(page.locator("#status-luring")).to_contain_text("1 kiriman dari ponsel sudah terkirim")
    visit = Visit.objects.get()
    assert visit.kind == "pendampingan" and visit.photos.count() == 1
    assert [m.person.name for m in visit.attendees.all()] == ["Siti Aminah"]


def item_statuses(page: Page) -> list[str]:
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('kube-luring');
            open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('antrean')) { db.close(); resolve([]); return; }
                const all = db.transaction('antrean').objectStore('antrean').getAll();
                all.onsuccess = () => { db.close(); resolve(all.result.map(i => i.status)); };
                all.onerror = reject;
            };
            open.onerror = reject;
        })"""
    )


def test_refused_report_is_shown_corrected_and_saved_once(live_server, page: Page):
    facilitator = FacilitatorFactory(username="pendamping1")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator)
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, facilitator.username)
    listed = page.evaluate("fetch('/luring/halaman/').then(r => r.json())")["pages"]
    report_url = next(url for url in listed if "/laporan/" in url)

    page.goto(f"{base}{report_url}")
    page.get_by_label("Pendapatan (omzet)").fill("banyak")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.locator("#status-luring")).to_contain_text("1 kiriman perlu diperiksa")
    assert page.url == f"{base}{report_url}"
    assert item_statuses(page) == ["refused"]
    token = page.locator("input[name=form_token]").input_value()

    # Left for later, the refused form waits on the queue page, and opens as the server showed it.
    page.goto(f"{base}/luring/")
    queue = page.locator("#daftar-antrean")
    expect(queue).to_contain_text("Ditolak server: buka dan perbaiki")
    queue.get_by_role("button", name="Buka dan perbaiki").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert page.url == f"{base}{report_url}"
    expect(page.get_by_label("Pendapatan (omzet)")).to_have_value("banyak")

    page.get_by_label("Pendapatan (omzet)").fill("1.000.000")
    page.get_by_label("Pengeluaran").fill("400.000")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page).not_to_have_url(re.compile(re.escape(report_url) + "$"))
    assert item_statuses(page) == ["saved"]
    assert MonthlyReport.objects.filter(kube=kube).count() == 1
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == [token]
    assert errors == []


ALL_KEPT_TEXT = """async () => {
    const texts = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            texts.push(await (await cache.match(request)).text());
        }
    }
    return texts.join(" ");
}"""


def test_sign_out_warns_about_unsent_items_then_empties_the_phone(live_server, page: Page):
    facilitator = FacilitatorFactory(username="pendamping1")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator)
    members = [MembershipFactory(kube=kube, person=PersonFactory(kk="6474011203150042")) for _ in range(2)]
    base = live_server.url
    sign_in(page, base, facilitator.username)
    wait_until_kept(page, kube.get_absolute_url())
    kept = page.evaluate(ALL_KEPT_TEXT)
    assert members[0].person.name in kept  # the profile with its members is on the phone...
    for membership in members:  # ...never a NIK or a KK
        assert membership.person.nik not in kept and membership.person.kk not in kept
    listed = page.evaluate("fetch('/luring/halaman/').then(r => r.json())")["pages"]
    report_url = next(url for url in listed if "/laporan/" in url)
    page.goto(f"{base}{report_url}")
    page.route(
        re.compile(re.escape(report_url) + "$"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_label("Pendapatan (omzet)").fill("1.000.000")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator("#status-luring")).to_contain_text("1 laporan menunggu dikirim")

    messages: list[str] = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Keluar").click()
    for _ in range(50):
        if messages:
            break
        page.wait_for_timeout(100)
    assert "1 kiriman" in messages[0]
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    assert item_statuses(page) == ["waiting"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Keluar").click()
    expect(page.locator("input[name=username]")).to_be_visible()
    assert item_statuses(page) == []
    assert page.evaluate("caches.keys().then(names => names.filter(n => n.startsWith('kube-halaman')))") == []
    kept = page.evaluate(ALL_KEPT_TEXT)
    assert all(m.person.name not in kept for m in members) and "KUBE Mekar Sari" not in kept
