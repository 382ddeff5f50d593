"""Issue "Finances", in the browser on a 360-pixel phone: a facilitator fills and submits
last month's report, an officer returns it with a comment, the facilitator corrects
and resubmits, the officer verifies, and the group's finance page shows the month.
"""

import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from finances.models import MonthlyReport, ReportStatus
from finances.periods import last_complete_month, period_label
from groups.models import Sex
from tests.e2e.helpers import failed_responses, sign_in
from tests.factories import (
    FacilitatorFactory,
    KubeFactory,
    MembershipFactory,
    OfficerFactory,
    PersonFactory,
    make_nik,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser_context_args(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True),
]

COMMENT = "Saldo bank tidak sesuai buku kas."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Keluar").click()
    expect(page.locator("input[name=username]")).to_be_visible()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_report_is_submitted_returned_corrected_and_verified_on_a_phone(live_server, page: Page):
    facilitator = FacilitatorFactory(username="pendamping1", first_name="Rahmat")
    officer = OfficerFactory(username="petugas", first_name="Rina")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator)
    for serial, name in ((21, "Wahyuni"), (22, "Nurhayati")):
        MembershipFactory(kube=kube, person=PersonFactory(name=name, nik=make_nik(sex=Sex.FEMALE, serial=serial)))
    month = last_complete_month(timezone.localdate())
    with translation.override("id"):
        label = period_label(month)
    base = live_server.url

    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    failed = failed_responses(page.context)
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    # The facilitator finds last month among the missing ones and fills the form.
    sign_in(page, base, facilitator.username)
    page.get_by_role("link", name="Laporan bulanan", exact=True).click()
    expect(page.get_by_role("heading", name="Laporan bulanan", level=1)).to_be_visible()
    page.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=f"Laporan {label}", level=1)).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_label("Pendapatan (omzet)").fill("Rp 1.500.000")
    page.get_by_label("Pengeluaran").fill("700.000")
    page.get_by_label("Disisihkan ke kas kelompok").fill("200.000")
    page.get_by_label("Dibagikan ke anggota").fill("400.000")
    page.get_by_label("Saldo kas akhir bulan").fill("250.000")
    page.get_by_label("Saldo bank akhir bulan").fill("1.000.000")
    page.get_by_label("Jumlah pertemuan kelompok").fill("2")
    for name in ("Wahyuni", "Nurhayati"):
        page.get_by_label(f"IKS {name}").fill("10.000")
        page.get_by_label(f"Kehadiran {name}").fill("2")
    page.get_by_label("Masalah dan kebutuhan").fill("Butuh mesin pencacah.")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_role("alert").filter(has_text="diajukan")).to_have_text(
        f"Laporan {label} diajukan ke Dinas Sosial."
    )
    expect(page.locator("#report-status")).to_have_text("Diajukan")
    assert fits_the_screen(page)
    report = MonthlyReport.objects.get(kube=kube, period=month)
    assert (report.income, report.iks_collected, report.attendance_percent) == (1_500_000, 20_000, 100)
    sign_out(page)

    # The officer returns it with a comment.
    sign_in(page, base, officer.username)
    page.get_by_role("link", name="Verifikasi laporan").click()
    page.get_by_role("link", name="KUBE Mekar Sari").click()
    page.get_by_label("Kembalikan ke pendamping dengan catatan").fill(COMMENT)
    page.get_by_role("button", name="Kembalikan", exact=True).click()
    expect(page.locator("#report-status")).to_have_text("Dikembalikan")
    sign_out(page)

    # The facilitator sees why, corrects the bank balance and resubmits.
    sign_in(page, base, facilitator.username)
    page.get_by_role("link", name="Laporan bulanan", exact=True).click()
    page.locator("a.btn-warning", has_text=label).click()
    expect(page.get_by_role("status")).to_contain_text(COMMENT)
    expect(page.get_by_label("Pendapatan (omzet)")).to_have_value("1.500.000")
    page.get_by_label("Saldo bank akhir bulan").fill("1.100.000")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.locator("#report-status")).to_have_text("Diajukan")
    sign_out(page)

    # The officer verifies; the finance page shows the month in its table and chart.
    sign_in(page, base, officer.username)
    page.get_by_role("link", name="Verifikasi laporan").click()
    page.get_by_role("link", name="KUBE Mekar Sari").click()
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.locator("#report-status")).to_have_text("Terverifikasi")
    report.refresh_from_db()
    assert (report.status, report.cash_in_bank, report.verified_by) == (ReportStatus.VERIFIED, 1_100_000, officer)

    page.get_by_role("link", name="Keuangan").first.click()
    expect(page).to_have_url(re.compile(rf"/kelompok/{kube.pk}/keuangan/$"))
    with translation.override("id"):
        short = date_format(month, "M Y")
    chart_table = page.locator("#grafik table")
    expect(chart_table.get_by_role("row").filter(has_text=short)).to_contain_text("Rp 1.500.000")
    expect(page.locator("#tahunan")).to_contain_text("Rp 1.500.000")
    expect(page.locator("#grafik .main-svg").first).to_be_attached()  # plotly drew it

    outside = [url for url in requests if not url.startswith(f"{base}/")]
    assert outside == [], f"requests outside the app: {outside}"
    assert failed == []
    assert page_errors == []
