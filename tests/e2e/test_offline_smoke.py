"""Issue 17, smoke tests of the offline app in Chromium on a phone: the service worker keeps
the facilitator's pages; a report and a visit with a photo filled with the network off wait
in the phone's queue and are saved once when the signal comes back; a refused report is
shown as the server answered, from the queue page too, and saved with its first token;
signing out warns about what is unsent, then empties the phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from finances.models import MonthlyReport
from kube_registry.models import SubmissionToken
from monitoring.models import Visit
from tests.e2e.helpers import sign_in
from tests.e2e.test_visits import png_bytes
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory, PersonFactory

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

    page.goto(f"{base}/luring/")
    expect(page.locator("#daftar-antrean")).to_contain_text("Menunggu dikirim")
    expect(page.locator("#daftar-antrean")).to_contain_text("KUBE Mekar Sari")

    page.context.set_offline(False)
    expect(status).to_contain_text("1 kiriman dari ponsel sudah terkirim")
    expect(page.locator("#daftar-antrean")).to_contain_text("Tidak ada kiriman")
    report = MonthlyReport.objects.get(kube=kube)
    assert report.income == 1_500_000
    assert errors == [] and elsewhere == []


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


def test_sign_out_warns_about_unsent_items_then_empties_the_phone(live_server, page: Page):
    facilitator = FacilitatorFactory(username="pendamping1")
    KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator)
    base = live_server.url
    sign_in(page, base, facilitator.username)
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
