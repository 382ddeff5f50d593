"""The inbox, a notification's link, the preferences, the officers' log and the bell, through the pages."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from notifications.models import Delivery, Kind, Notification, Preference
from notifications.schedules import schedules_run
from tests.factories import FacilitatorFactory, KubeFactory

NOVEMBER = dt.date(2025, 11, 1)
INBOX = reverse("notifications:inbox")
PREFERENCES = reverse("notifications:preferences")
LOG = reverse("notifications:sent_log")


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2025-12-11 09:00:00+08:00"):
        yield


def note(user, n: int = 0, **extra) -> Notification:
    values = {
        "user": user,
        "kind": Kind.REPORT_OVERDUE,
        "key": f"uji:{n}",
        "title": f"Pengingat uji {n}",
        "body": "Isi pengingat.",
        "url": "/laporan/",
    }
    return Notification.objects.create(**values | extra)


def report_post(action="submit"):
    return {
        "version": 0,
        "income": "1.500.000",
        "expenses": "700.000",
        "kept_in_cash": "200.000",
        "shared_to_members": "400.000",
        "cash_in_hand": "250.000",
        "cash_in_bank": "1.000.000",
        "meetings_held": "2",
        "action": action,
    }


# --- Access -------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client):
    for url in (INBOX, PREFERENCES, LOG):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_log_is_the_offices(client_for, facilitator, officer, admin_user):
    assert client_for(facilitator).get(LOG).status_code == 403
    assert client_for(officer).get(LOG).status_code == 200
    assert client_for(admin_user).get(LOG).status_code == 200


def test_anothers_notification_is_404(client_for, facilitator, other_facilitator):
    mine = note(facilitator)
    response = client_for(other_facilitator).get(reverse("notifications:open", kwargs={"pk": mine.pk}))
    assert response.status_code == 404
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_mark_all_read_takes_post_only(client_for, facilitator):
    assert client_for(facilitator).get(reverse("notifications:mark_all_read")).status_code == 405


# --- The inbox --------------------------------------------------------------------------------


def test_inbox_lists_the_users_own_notifications(client_for, facilitator, other_facilitator):
    note(facilitator, 1, title="Laporan November 2025 KUBE Mekar Uji terlambat")
    note(other_facilitator, 2, title="Pengingat orang lain")
    response = client_for(facilitator).get(INBOX)
    content = response.content.decode()
    assert "Laporan November 2025 KUBE Mekar Uji terlambat" in content
    assert "Pengingat orang lain" not in content
    assert "Belum dibaca" in content


def test_following_a_link_marks_it_read_and_opens_its_page(client_for, facilitator):
    notification = note(facilitator, url="/laporan/")
    client = client_for(facilitator)
    response = client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response.status_code == 302 and response["Location"] == "/laporan/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    unread = client.get(INBOX, {"tampil": "belum-dibaca"}).content.decode()
    assert "Semua pemberitahuan sudah dibaca." in unread


def test_a_link_elsewhere_is_not_followed(client_for, facilitator):
    notification = note(facilitator, url="https://contoh.example/")
    response = client_for(facilitator).get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response["Location"] == INBOX


def test_mark_all_read(client_for, facilitator, other_facilitator):
    note(facilitator, 1)
    note(facilitator, 2)
    theirs = note(other_facilitator, 3)
    response = client_for(facilitator).post(reverse("notifications:mark_all_read"), follow=True)
    assert "Semua pemberitahuan ditandai sudah dibaca." in response.content.decode()
    assert not Notification.objects.filter(user=facilitator, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_due_report_reminder_is_resolved_after_the_facilitator_submits_the_report(client_for, facilitator, kube):
    schedules_run(day=dt.date(2025, 12, 8))  # November's report due in 2 days
    reminder = Notification.objects.get(user=facilitator, kind=Kind.REPORT_DUE)
    client = client_for(facilitator)
    inbox = client.get(INBOX).content.decode()
    assert reminder.title in inbox and "Selesai" not in inbox

    opened = client.get(reverse("notifications:open", kwargs={"pk": reminder.pk}))
    assert opened["Location"] == reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": NOVEMBER})
    saved = client.post(opened["Location"], report_post())
    assert saved.status_code == 302

    inbox = client.get(INBOX).content.decode()
    assert re.search(rf'id="pemberitahuan-{reminder.pk}".*?Selesai 11 Des 2025', inbox, re.S)
    assert Notification.objects.get(pk=reminder.pk).resolved_at is not None


def test_a_draft_does_not_resolve_the_reminder(client_for, facilitator, kube):
    schedules_run(day=dt.date(2025, 12, 11))
    client = client_for(facilitator)
    client.post(reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": NOVEMBER}), report_post("draft"))
    client.get(INBOX)
    assert Notification.objects.get(user=facilitator, kind=Kind.REPORT_OVERDUE).resolved_at is None


def test_inbox_query_count_does_not_grow_with_notifications(client_for, facilitator, django_assert_num_queries):
    kubes = [KubeFactory(facilitator=facilitator) for _index in range(3)]
    client = client_for(facilitator)

    def fill(count):
        Notification.objects.all().delete()
        for index in range(count):
            kube = kubes[index % len(kubes)]
            note(facilitator, index, ref={"kube": kube.pk, "period": f"2025-{index % 12 + 1:02d}"}, read_at=None)

    fill(1)
    # session, user, permissions (groups, own), roles, the bell; the open reminders, their groups and
    # reports (the resolution check), the count and the page of notifications
    with django_assert_num_queries(11) as one:
        client.get(INBOX)
    fill(30)
    with django_assert_num_queries(len(one)):
        client.get(INBOX)


# --- Preferences ---------------------------------------------------------------------------------


def test_preferences_offer_the_kinds_of_the_users_role(client_for, facilitator, officer):
    facilitator_page = client_for(facilitator).get(PREFERENCES).content.decode()
    assert "Laporan bulanan terlambat" in facilitator_page
    assert "Usulan menunggu keputusan" not in facilitator_page
    officer_page = client_for(officer).get(PREFERENCES).content.decode()
    assert "Usulan menunggu keputusan" in officer_page
    assert "Laporan bulanan terlambat" not in officer_page
    assert "belum mempunyai alamat surel" in officer_page


def test_preferences_are_saved(client_for, facilitator, kube):
    facilitator.email = "rahmat@example.org"
    facilitator.save()
    client = client_for(facilitator)
    page = client.get(PREFERENCES).content.decode()
    assert "rahmat@example.org" in page
    assert page.count("checked") == 6  # every kind by email until chosen; no digest
    response = client.post(PREFERENCES, {"email_kinds": [Kind.REPORT_OVERDUE, Kind.REPORT_DUE], "daily_digest": "on"})
    assert response.status_code == 302
    preference = Preference.objects.get(user=facilitator)
    assert sorted(preference.email_kinds) == sorted([Kind.REPORT_OVERDUE, Kind.REPORT_DUE]) and preference.daily_digest
    schedules_run(day=dt.date(2025, 12, 11))
    deliveries = dict(Notification.objects.filter(user=facilitator).values_list("kind", "delivery"))
    assert deliveries == {Kind.REPORT_OVERDUE: Delivery.DIGEST, Kind.NOT_VISITED: Delivery.INBOX}
    assert client.get(PREFERENCES).content.decode().count("checked") == 3


# --- The officers' log -------------------------------------------------------------------------


def test_log_shows_to_whom_when_and_why(client_for, officer, facilitator, kube):
    schedules_run(day=dt.date(2025, 12, 11))
    client = client_for(officer)
    page = client.get(LOG).content.decode()
    assert "pendamping1" in page or facilitator.get_full_name() in page
    assert "Laporan bulanan terlambat" in page
    assert "Pengingat harian" in page  # the run itself
    only_lists = client.get(LOG, {"jenis": Kind.REPORTS_MISSING}).content.decode()
    assert "1 laporan November 2025 belum masuk" in only_lists
    assert "KUBE Mekar Uji" not in only_lists.split("Jadwal yang dijalankan")[0].split("</form>")[-1]


def test_log_query_count_does_not_grow_with_notifications(client_for, officer, django_assert_num_queries):
    client = client_for(officer)
    users = [FacilitatorFactory() for _index in range(3)]

    def fill(count):
        Notification.objects.all().delete()
        for index in range(count):
            note(users[index % len(users)], index)

    fill(1)
    # session, user, permissions (groups, own), roles, the bell; the count, the page with recipients,
    # the recipients filter, the latest runs
    with django_assert_num_queries(10) as one:
        client.get(LOG)
    fill(40)
    with django_assert_num_queries(len(one)):
        client.get(LOG)


# --- The bell ------------------------------------------------------------------------------------


def test_bell_shows_the_unread_count_in_its_label(client_for, facilitator):
    note(facilitator, 1)
    note(facilitator, 2)
    note(facilitator, 3, read_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
    page = client_for(facilitator).get(reverse("groups:home")).content.decode()
    assert re.search(r'id="lonceng"\s+href="/pemberitahuan/"\s+aria-label="Pemberitahuan, 2 belum dibaca"', page)


def test_bell_costs_one_query_whatever_the_count(facilitator):
    template = Template('{% include "notifications/includes/bell.html" %}')
    for count in (1, 25):
        Notification.objects.all().delete()
        for index in range(count):
            note(facilitator, index)
        with CaptureQueriesContext(connection) as queries:
            html = template.render(Context({"user": facilitator}))
        assert len(queries) == 1
        assert f"Pemberitahuan, {count} belum dibaca" in html


def test_no_bell_for_anonymous_visitors(client):
    assert 'id="lonceng"' not in client.get(reverse("login")).content.decode()
