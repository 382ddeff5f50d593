"""Issue 18, in the browser: the day's schedules remind a facilitator that last month's
report is due; they see it behind the bell, follow its link, submit the report, and the
inbox shows the reminder resolved."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from finances.periods import last_complete_month, period_label, report_due_on
from groups.models import Sex
from notifications.models import Kind, Notification
from tests.e2e.helpers import sign_in
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory, PersonFactory, make_nik

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_facilitator_follows_a_due_report_reminder_and_submits_the_report(live_server, page: Page):
    facilitator = FacilitatorFactory(username="pendamping1", first_name="Rahmat")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator, founded_on=dt.date(2020, 4, 1))
    for serial, name in ((31, "Wahyuni"), (32, "Nurhayati")):
        MembershipFactory(kube=kube, person=PersonFactory(name=name, nik=make_nik(sex=Sex.FEMALE, serial=serial)))
    month = last_complete_month(timezone.localdate())
    with translation.override("id"):
        label = period_label(month)
    # The day's schedules, three days before the report's due day.
    call_command("run_schedules", "--day", (report_due_on(month) - dt.timedelta(days=3)).isoformat(), stdout=StringIO())
    reminder = Notification.objects.get(user=facilitator, kind=Kind.REPORT_DUE)
    unread = Notification.objects.filter(user=facilitator).count()
    assert "3 hari lagi" in reminder.body

    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    sign_in(page, live_server.url, facilitator.username)
    bell = page.get_by_role("link", name=f"Pemberitahuan, {unread} belum dibaca")
    expect(bell).to_be_visible()
    bell.click()
    expect(page.get_by_role("heading", name="Pemberitahuan", level=1)).to_be_visible()
    item = page.locator(f"#pemberitahuan-{reminder.pk}")
    expect(item).to_contain_text("3 hari lagi")
    expect(item).to_contain_text("Belum dibaca")

    item.get_by_role("link", name=reminder.title).click()
    expect(page.get_by_role("heading", name=f"Laporan {label}", level=1)).to_be_visible()
    page.get_by_label("Pendapatan (omzet)").fill("1.500.000")
    page.get_by_label("Pengeluaran").fill("700.000")
    page.get_by_label("Disisihkan ke kas kelompok").fill("200.000")
    page.get_by_label("Dibagikan ke anggota").fill("400.000")
    page.get_by_label("Saldo kas akhir bulan").fill("250.000")
    page.get_by_label("Saldo bank akhir bulan").fill("1.000.000")
    page.get_by_label("Jumlah pertemuan kelompok").fill("2")
    for name in ("Wahyuni", "Nurhayati"):
        page.get_by_label(f"IKS {name}").fill("10.000")
        page.get_by_label(f"Kehadiran {name}").fill("2")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.locator("#report-status")).to_have_text("Diajukan")

    # Read once followed; resolved once the report reached the office.
    page.get_by_role("link", name=f"Pemberitahuan, {unread - 1} belum dibaca").click()
    item = page.locator(f"#pemberitahuan-{reminder.pk}")
    expect(item.locator(".badge.text-bg-success")).to_have_text(re.compile(r"^Selesai \d{1,2} \w+ \d{4}$"))
    expect(item).not_to_contain_text("Belum dibaca")
    reminder.refresh_from_db()
    assert reminder.resolved_at is not None and reminder.read_at is not None
    assert page_errors == []
