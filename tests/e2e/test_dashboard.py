"""Issue "Dashboards", in the browser: an officer's home is the city dashboard.

On the demo city (seed_demo, assessed at each year's end by the assessments' demo
builder), the officer signs in and lands on the dashboard, filters it by a kecamatan,
and finds the same number of groups per category in the group list filtered the same
way. The dashboard reads without JavaScript (the tables) and on a phone, prints
without its navigation, and a screenshot is kept for the README (docs/dashboard.png).
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from assessments.selectors import assessable_kubes
from assessments.services import assessment_run_all
from groups.models import Kecamatan, Kube
from tests.e2e.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "kube-demo-uji"
# Rewritten only when asked (KUBE_SCREENSHOTS=1), so a test run leaves the checkout clean.
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "dashboard.png"
WRITE_SCREENSHOT = os.environ.get("KUBE_SCREENSHOTS") == "1"
CATEGORIES = ("Tumbuh", "Berkembang", "Mandiri")


def category_counts(page: Page) -> dict[str, int]:
    """The dashboard's category table: the first number column is the selected date."""
    counts = {}
    for row in page.locator("#tabel-kategori tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        counts[cells[0].strip()] = int(cells[1].replace(".", "").strip())
    return counts


def demo_city(**options) -> None:
    """seed_demo, assessed at each year's end and today (by its own builder, else here)."""
    call_command("seed_demo", password=PASSWORD, verbosity=0, **options)
    if not Assessment.objects.exists():
        today = timezone.localdate()
        for year in range(today.year - 3, today.year):
            assessment_run_all(kubes=assessable_kubes(), as_of=dt.date(year, 12, 31))
        assessment_run_all(kubes=assessable_kubes(), as_of=today)


def test_officer_filters_the_dashboard_and_the_group_list_agrees(live_server, page: Page, browser):
    demo_city()
    base = live_server.url
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    # Home is the dashboard, with its charts drawn.
    sign_in(page, base, "petugas", PASSWORD)
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor KUBE")
    expect(page.locator("#kategori .js-plotly-plot")).to_have_count(1)
    charts = page.locator("[data-figure]").count()
    assert charts >= 7
    expect(page.locator(".js-plotly-plot")).to_have_count(charts)
    city = category_counts(page)
    assert sum(city[c] for c in CATEGORIES) > 100

    # The screenshot for the README: the top of the page, charts drawn.
    page.set_viewport_size({"width": 1366, "height": 1500})
    page.wait_for_timeout(500)
    image = page.screenshot()
    assert image.startswith(b"\x89PNG")
    if WRITE_SCREENSHOT:
        SCREENSHOT.write_bytes(image)

    # Filter by a kecamatan.
    kecamatan = Kecamatan.objects.get(name="Bontang Selatan")
    page.locator("select[name=kecamatan]").select_option(label=kecamatan.name)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(rf"kecamatan={kecamatan.pk}"))
    counts = category_counts(page)
    assert 0 < sum(counts[c] for c in CATEGORIES) < sum(city[c] for c in CATEGORIES)
    kecamatan_rows = page.locator("#tabel-kecamatan tbody tr")
    expect(kecamatan_rows).to_have_count(1)
    expect(kecamatan_rows.first.locator("td").first).to_have_text(kecamatan.name)

    # The group list, filtered the same way (the dashboard links to it with its filter), by category.
    page.get_by_role("link", name="Lihat di daftar KUBE").click()
    expect(page).to_have_url(re.compile(rf"/kelompok/\?.*kecamatan={kecamatan.pk}"))
    for category in CATEGORIES:
        page.locator("select[name=kategori]").select_option(label=category)
        page.locator("form").filter(has=page.locator("select[name=kategori]")).locator(
            "button[type=submit]"
        ).first.click()
        expect(page).to_have_url(re.compile(rf"kategori={category.lower()}"))
        expect(page.get_by_text(re.compile(r"^\d+ kelompok$"))).to_have_text(f"{counts[category]} kelompok")
    assert (
        counts["Tumbuh"]
        == Kube.objects.filter(kelurahan__kecamatan=kecamatan, assessments__isnull=False)
        .distinct()
        .exclude(status="bubar")
        .count()
        - counts["Berkembang"]
        - counts["Mandiri"]
    )

    # Exports of a block, with the same filter.
    page.goto(f"{base}/dasbor/?kecamatan={kecamatan.pk}")
    with page.expect_download() as download:
        page.locator("#kategori").get_by_role("link", name=".csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith('"Kategori",')  # every field quoted

    # Printing: no navigation or filter on paper.
    page.emulate_media(media="print")
    expect(page.locator("header.app-header")).to_be_hidden()
    expect(page.locator("form.dashboard-filter")).to_be_hidden()
    expect(page.locator(".print-sheet-title")).to_be_visible()
    page.emulate_media(media="screen")

    # The group profile prints as the office's "Profil KUBE" sheet, with the finance by year.
    mekar_sari = Kube.objects.get(name__icontains="Mekar Sari")
    page.goto(f"{base}{mekar_sari.get_absolute_url()}")
    expect(page.locator(".print-sheet-title")).to_be_hidden()
    expect(page.locator("#keuangan-tahunan-cetak")).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator(".print-sheet-title")).to_contain_text("Profil KUBE")
    expect(page.locator("#keuangan-tahunan-cetak")).to_be_visible()
    expect(page.locator("#keuangan-tahunan-cetak tbody tr").first).to_contain_text("2014")
    expect(page.locator("header.app-header")).to_be_hidden()
    expect(page.locator("#riwayat")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 10, pages
    page.emulate_media(media="screen")

    assert [url for url in requests if not url.startswith(f"{base}/")] == []
    assert page_errors == []

    # Without JavaScript: the tables carry every number, no chart is drawn.
    context = browser.new_context(java_script_enabled=False, locale="id-ID", viewport={"width": 360, "height": 740})
    phone = context.new_page()
    sign_in(phone, base, "petugas", PASSWORD)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Dasbor KUBE")
    expect(phone.locator("#tabel-kecamatan")).to_be_visible()
    assert category_counts(phone) == city
    assert phone.locator(".js-plotly-plot").count() == 0
    # Readable on a phone: nothing wider than the screen but the scrolling tables.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    context.close()


def test_facilitator_home_is_my_groups_and_the_dashboard_is_refused(live_server, page: Page):
    demo_city(groups=20, years=2)
    sign_in(page, live_server.url, "pendamping1", PASSWORD)
    expect(page.get_by_role("heading", name="Kelompok Saya", level=1)).to_be_visible()
    expect(page.locator(".facilitator-group").first).to_be_visible()
    assert "plotly.min.js" not in page.content()
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    response = page.goto(f"{live_server.url}/dasbor/")
    assert response.status == 403
