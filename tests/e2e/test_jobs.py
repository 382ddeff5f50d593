"""Issue 18 in the browser: an admin imports a workbook too large for one request.

The site and a real worker run as child processes against the test's database
(tests/jobs/fixtures.py: on SQLite a file copy of it, which both can open; on
PostgreSQL the test database itself). The admin uploads a workbook above
KUBE_IMPORT_JOB_ROWS, lands on the job's page and its progress bar, waits while no
worker is there yet, watches it fill when one starts, reads the same preview as for a
small file, applies it, and follows the second job to "Impor selesai".
"""

import pytest
from playwright.sync_api import Page, expect

from groups.models import ImportUpload, ImportUploadStatus, Kube, Person
from jobs.models import Job, JobKind, JobStatus
from tests.e2e.helpers import sign_in
from tests.e2e.test_accessibility import AXE_EXTRA_RULES, AXE_SOURCE, AXE_TAGS, RUN_AXE
from tests.factories import AdminFactory
from tests.jobs import fixtures

# The queue's test tools (tests/jobs/fixtures.py), as fixtures of this module.
big_workbook = fixtures.big_workbook
live_directory = fixtures.live_directory
serve_registry = fixtures.serve_registry
shared_database = fixtures.shared_database
start_worker = fixtures.start_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GROUPS, MEMBERS = 600, 5_400


def test_admin_imports_a_large_workbook_through_the_queue(
    page: Page, serve_registry, start_worker, big_workbook, live_directory
):
    path = big_workbook(GROUPS, MEMBERS)
    AdminFactory(username="admin", first_name="Ahmad")
    base = serve_registry(KUBE_IMPORT_JOB_ROWS="1000")
    sign_in(page, base, "admin")

    page.get_by_role("link", name="Impor", exact=True).click()
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Periksa berkas").click()

    # The job's page: a progress bar, and no worker yet to take the job.
    expect(page.get_by_role("heading", name="Pemeriksaan impor")).to_be_visible()
    bar = page.locator("progress")
    expect(bar).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("tidak ada pekerja yang aktif")
    check = Job.objects.get()
    assert (check.kind, check.status) == (JobKind.IMPORT_CHECK, JobStatus.WAITING)
    page.evaluate(AXE_SOURCE)
    assert page.evaluate(RUN_AXE, [AXE_TAGS, AXE_EXTRA_RULES]) == []  # WCAG 2.1 AA, as every page

    start_worker("peramban")
    # The page follows the job by itself and turns into the preview when the check is done.
    expect(page.get_by_role("heading", name="Pratinjau impor")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Semua baris valid.")).to_be_visible()
    kelompok = page.locator("tr", has=page.locator("th", has_text="kelompok"))
    expect(kelompok.locator("td").first).to_have_text(str(GROUPS))
    assert not Kube.objects.exists()  # the preview wrote nothing

    page.get_by_role("button", name="Terapkan impor").click()
    expect(page.get_by_role("heading", name="Penerapan impor")).to_be_visible()
    expect(page.get_by_text("Impor selesai: semua baris berkas tersimpan.")).to_be_visible(timeout=60_000)
    assert Kube.objects.count() == GROUPS and Person.objects.count() == MEMBERS
    assert ImportUpload.objects.get().status == ImportUploadStatus.APPLIED

    page.get_by_role("link", name="Lihat daftar KUBE").click()
    expect(page.get_by_role("heading", name="Daftar KUBE")).to_be_visible()
