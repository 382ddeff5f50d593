"""Issue "Assessments", in the browser: an officer opens a berkembang group, reads on its
profile why it is not mandiri, records a judgement that sets the category to mandiri with
a reason, and sees both categories and the reason on the profile; the history page then
draws the category and score over time beside its table.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import INDEPENDENCE_FACTORS, Assessment
from assessments.services import assessment_run
from tests.assessments.builders import berkembang_kube
from tests.e2e.helpers import failed_responses, sign_in
from tests.factories import OfficerFactory

pytestmark = [
    pytest.mark.e2e,
    # live_server flushes the database after the test; serialized rollback puts the
    # roles and regions from the data migrations back for whichever test comes next.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "Ditetapkan mandiri oleh Dinas Sosial: koperasi kelompok sudah berbadan hukum"
FACTORS = [str(label) for _name, label in INDEPENDENCE_FACTORS]


def test_officer_reads_why_a_group_is_not_mandiri_and_overrides_with_a_reason(live_server, page: Page):
    OfficerFactory(username="petugas", first_name="Rina", last_name="Wati")
    today = timezone.localdate()
    kube = berkembang_kube(today=today)
    assessment_run(kube=kube, as_of=dt.date(today.year - 1, 12, 31))  # last year's, for the history chart
    failed = failed_responses(page.context)
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    base = live_server.url
    sign_in(page, base, "petugas")

    # The profile: last year's assessment; the officer assesses as of today.
    page.goto(f"{base}{kube.get_absolute_url()}")
    panel = page.locator("#penilaian")
    expect(panel.get_by_role("heading", name="Penilaian", level=2)).to_be_visible()
    panel.get_by_role("button", name="Nilai sekarang").click()
    expect(page).to_have_url(re.compile(re.escape(kube.get_absolute_url()) + "#penilaian$"))
    expect(page.get_by_role("alert").filter(has_text="dinilai per")).to_contain_text("KUBE Melati dinilai per")
    expect(panel.locator(".badge.fs-6")).to_have_text("Berkembang")
    expect(panel).to_contain_text("rubrik Registri KUBE v1, berdasarkan kriteria Kemensos")

    # Why it is not mandiri, in words, and each indicator with its evidence.
    expect(panel.get_by_role("heading", name="Yang masih dibutuhkan untuk menjadi mandiri")).to_be_visible()
    missing = panel.locator("ul.missing li")
    expect(missing).to_have_count(3)
    expect(missing.nth(1)).to_have_text("kemitraan aktif baru 1 (perlu 3, atau satu dalam bentuk permodalan)")
    expect(missing.nth(2)).to_have_text("belum membentuk LKM/koperasi atau bermitra permodalan dengan lembaga keuangan")
    finance = panel.locator("table.indicators tbody tr").filter(has_text="Lembaga keuangan")
    expect(finance.locator("td[data-label='Tingkat']")).to_have_text("belum")
    expect(finance.locator("td[data-label='Skor']")).to_have_text("0 / 15")

    # The judgement: eleven scores, then mandiri without a reason is refused.
    panel.get_by_role("link", name="Beri penilaian petugas").click()
    expect(page.get_by_role("heading", name="Penilaian petugas", level=1)).to_be_visible()
    for index, group in enumerate(page.locator("fieldset fieldset").all()[:11]):
        group.get_by_label(str(3 + index % 3), exact=True).check()
    page.get_by_label("Catatan penilaian").fill("Ketua aktif; rapat bulanan selalu kuorum.")
    page.get_by_role("group", name="Kategori akhir").get_by_label("Mandiri").check()
    page.get_by_role("button", name="Simpan penilaian").click()
    expect(page.locator("#id_override_reason")).to_have_class(re.compile("is-invalid"))
    expect(
        page.get_by_text("Tuliskan alasan: kategori akhir mandiri berbeda dari hasil rubrik berkembang.")
    ).to_be_visible()
    # what was chosen is kept for the second try
    expect(page.get_by_role("group", name=FACTORS[0], exact=True).get_by_label("3", exact=True)).to_be_checked()
    page.get_by_label("Alasan kategori akhir").fill(REASON)
    page.get_by_role("button", name="Simpan penilaian").click()

    # The assessment's page: the decision and its history.
    expect(page.get_by_role("alert").filter(has_text="disimpan")).to_have_text(
        "Penilaian petugas disimpan: kategori akhir mandiri, hasil rubrik berkembang."
    )
    history = page.locator("#riwayat-keputusan tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Rina Wati")
    expect(history.first).to_contain_text(REASON)

    # Back on the profile: both categories and the reason.
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="KUBE Melati").click()
    expect(panel.locator(".badge.fs-6")).to_have_text("Mandiri")
    override = panel.locator(".override")
    expect(override).to_contain_text("Hasil rubrik: berkembang. Kategori akhir mandiri ditetapkan petugas Rina Wati")
    expect(override).to_contain_text(f"Alasan: {REASON}")
    expect(panel.get_by_role("heading", name="Yang masih dibutuhkan untuk menjadi mandiri")).to_be_visible()

    # The history page: a chart drawn from the table's numbers.
    panel.get_by_role("link", name="Riwayat penilaian").click()
    expect(page.locator("#tabel-penilaian tbody tr")).to_have_count(2)
    expect(page.locator("[data-figure='chart-assessments'] .main-svg").first).to_be_visible()

    assessment = Assessment.objects.get(kube=kube, as_of=today)
    assert (assessment.computed_category, assessment.final_category) == ("berkembang", "mandiri")
    assert assessment.override_reason == REASON and assessment.factor_facilitator == 3
    assert failed == [] and page_errors == []
