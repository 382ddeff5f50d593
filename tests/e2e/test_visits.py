"""Issue 16 in the browser, on a 360-pixel phone: a facilitator records a visit with
attendance, the group's dynamics, a photo and a follow-up; at the next visit (the next
day) they close the follow-up from the group's visit page; between the two, an officer sees the
group covered and the follow-up open at /pemantauan/."""

import datetime as dt
import io
from urllib.parse import urljoin

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from monitoring.models import FollowUp, Visit
from tests.e2e.helpers import failed_responses, sign_in
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory, OfficerFactory, PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (40, 160, 90)).save(out, format="PNG")
    return out.getvalue()


def assert_fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_facilitator_records_a_visit_and_closes_its_follow_up_at_the_next(live_server, page: Page):
    page.set_viewport_size(PHONE)
    facilitator = FacilitatorFactory(username="pendamping1")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator)
    members = [
        MembershipFactory(kube=kube, person=PersonFactory(name=name))
        for name in ("Siti Aminah", "Rahmawati", "Nur Hasanah")
    ]
    failed = failed_responses(page.context)
    base = live_server.url
    page.context.grant_permissions(["geolocation"], origin=base)
    page.context.set_geolocation({"latitude": 0.133851, "longitude": 117.500083, "accuracy": 25})
    sign_in(page, base, "pendamping1")

    page.goto(f"{base}/kelompok/{kube.pk}/kunjungan/")
    expect(page.get_by_text("Belum ada kunjungan yang dicatat.")).to_be_visible()
    page.get_by_role("link", name="Catat kunjungan").click()
    expect(page.get_by_role("heading", name="Catat kunjungan")).to_be_visible()
    assert_fits_the_phone(page)

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Tanggal kunjungan").fill(yesterday.isoformat())
    page.get_by_label("Jenis kunjungan").select_option("pendampingan")
    page.get_by_role("button", name="Centang semua").click()
    page.get_by_label("Nur Hasanah (Anggota)").uncheck()
    page.get_by_label("Kegiatan").fill("Memeriksa buku kas dan stok.")
    page.get_by_label("Organisasi").check()
    page.get_by_label("Masalah yang ditemukan").fill("Piket belum tertulis.")
    page.get_by_label("Pertemuan rutin; sebagian besar anggota menyampaikan pendapat.").check()
    page.get_by_label("Tugas dibagi secara lisan; sebagian anggota ikut bergiliran.").check()
    page.get_by_label("Kebutuhan bersama").check()
    page.get_by_label("Foto 1").set_input_files(
        files=[{"name": "kunjungan.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    row = page.get_by_role("group", name="Tindak lanjut 1")
    row.get_by_label("Tindak lanjut").fill("Menulis jadwal piket dan menempelnya.")
    row.get_by_label("Oleh", exact=True).select_option("anggota")
    row.get_by_label("Anggota (bila oleh anggota)").select_option(label="Siti Aminah")
    row.get_by_label("Batas waktu").fill((yesterday + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Tambahkan lokasi saya").click()
    expect(page.get_by_role("status")).to_contain_text("25 m")
    assert_fits_the_phone(page)
    page.get_by_role("button", name="Simpan kunjungan").click()

    expect(page.get_by_text("tercatat")).to_be_visible()
    visit = Visit.objects.get()
    assert {m.person.name for m in visit.attendees.all()} == {"Siti Aminah", "Rahmawati"}
    assert (visit.communication, visit.task_structure, visit.conflict) == (3, 3, None)
    assert visit.photos.count() == 1 and visit.problem_areas == "organisasi"
    assert (str(visit.latitude), str(visit.longitude), visit.location_accuracy_m) == ("0.133851", "117.500083", 25)
    card = page.get_by_role("article")
    expect(card).to_contain_text("2 anggota hadir")
    expect(card).to_contain_text("Pertemuan rutin; sebagian besar anggota menyampaikan pendapat.")
    expect(card.get_by_role("img")).to_have_count(1)
    # The list shows the small copy; its link opens the photo (resized to 1200 px wide).
    assert card.get_by_role("img").evaluate("img => img.naturalWidth") == 288
    href = card.get_by_role("link").filter(has=page.get_by_role("img")).get_attribute("href")
    photo = page.request.get(urljoin(page.url, href))
    assert photo.ok and photo.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(photo.body())).size == (1200, 900)
    follow_ups = page.locator("#tindak-lanjut")
    expect(follow_ups).to_contain_text("Menulis jadwal piket dan menempelnya.")
    expect(follow_ups).to_contain_text("Siti Aminah")
    assert_fits_the_phone(page)

    # An officer, at the office: the group is covered and the follow-up is open.
    OfficerFactory(username="petugas")
    sign_in(page, base, "petugas")
    page.goto(f"{base}/pemantauan/")
    expect(page.locator("#belum-dikunjungi")).to_contain_text("0 KUBE belum dikunjungi")
    expect(page.locator("#belum-dikunjungi")).not_to_contain_text("KUBE Mekar Sari")
    expect(page.locator("#tindak-lanjut")).to_contain_text("Menulis jadwal piket dan menempelnya.")
    expect(page.locator("#tindak-lanjut")).to_contain_text("KUBE Mekar Sari")

    # The next visit, today, without location: recorded, then the follow-up closed with what happened.
    sign_in(page, base, "pendamping1")
    page.goto(f"{base}/kelompok/{kube.pk}/kunjungan/")
    page.get_by_role("link", name="Catat kunjungan").click()
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_role("article")).to_have_count(2)
    follow_ups.get_by_text("Tutup tindak lanjut ini").click()
    follow_ups.get_by_label("Hasil").fill("Jadwal piket ditempel di rumah produksi.")
    follow_ups.get_by_role("button", name="Tutup tindak lanjut").click()
    expect(page.get_by_text("Tindak lanjut ditutup.")).to_be_visible()
    expect(page.locator("#tindak-lanjut")).to_contain_text("Tidak ada tindak lanjut yang terbuka.")
    follow_up = FollowUp.objects.get()
    assert follow_up.outcome == "Jadwal piket ditempel di rumah produksi."
    assert follow_up.closed_at_visit == Visit.objects.get(visited_on=timezone.localdate())
    assert members[0] == follow_up.owner_membership
    assert failed == []
