"""`run_schedules`: each step once per day, recorded; emails once, single or as a digest."""

import datetime as dt
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from freezegun import freeze_time

from assessments.models import Assessment
from notifications import services
from notifications.channels import EmailChannel
from notifications.models import Delivery, Kind, Notification, ScheduledRun
from tests.factories import OfficerFactory

DAY = dt.date(2025, 12, 11)  # November's report is overdue (due 10 December)


def run(day: dt.date = DAY) -> str:
    out = StringIO()
    call_command("run_schedules", "--day", day.isoformat(), stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2025-12-15 09:00:00+08:00"):
        yield


@pytest.fixture
def world(kube, facilitator, officer):
    """The facilitator's group has no November report and was never visited."""
    facilitator.email = "rahmat@example.org"
    facilitator.save()
    officer.email = "rina@example.org"
    officer.save()
    return {"kube": kube, "facilitator": facilitator, "officer": officer}


def test_the_same_day_twice_sends_nothing_twice(world):
    first = run()
    notifications = list(Notification.objects.order_by("pk").values_list("user_id", "key"))
    emails = len(mail.outbox)
    assert len(notifications) == 3  # overdue + not visited to the facilitator, the list to the officer
    assert emails == 3
    assert "Pengingat harian: selesai (pengingat berlaku 3, pemberitahuan baru 3" in first

    second = run()
    assert "Pengingat harian: sudah dijalankan hari itu, dilewati." in second
    assert list(Notification.objects.order_by("pk").values_list("user_id", "key")) == notifications
    assert len(mail.outbox) == emails
    assert set(ScheduledRun.objects.values_list("name", "day")) == {
        ("bersih_bersih", DAY),
        ("pengingat", DAY),
        ("ringkasan_surel", DAY),
    }
    assert not ScheduledRun.objects.filter(finished_at__isnull=True).exists()


def test_two_overlapping_runs_still_send_once(world):
    """The record of the day gone (a second server running the same day at the same time):
    the (user, key) uniqueness still sends nothing twice."""
    run()
    ScheduledRun.objects.all().delete()
    output = run()
    assert "pemberitahuan baru 0" in output
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3


def test_the_next_day_repeats_no_reminder_whose_cause_lasts(world):
    run()
    run(DAY + dt.timedelta(days=1))
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3


def test_each_email_carries_one_notification_with_its_link(world, settings):
    settings.KUBE_SITE_URL = "https://kube.bontangkota.go.id"
    run()
    officer_mail = next(m for m in mail.outbox if m.to == ["rina@example.org"])
    assert officer_mail.subject == "[Registri KUBE] 1 laporan November 2025 belum masuk"
    assert "https://kube.bontangkota.go.id/laporan/belum-masuk/?bulan=2025-11" in officer_mail.body
    assert "https://kube.bontangkota.go.id/pemberitahuan/pengaturan/" in officer_mail.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_digest_sends_one_email_a_day_instead(world):
    services.preference_save(user=world["facilitator"], email_kinds=list(Kind.values), daily_digest=True)
    run()
    mine = [m for m in mail.outbox if m.to == ["rahmat@example.org"]]
    assert len(mine) == 1
    assert mine[0].subject == "[Registri KUBE] Ringkasan 15 Desember 2025: 2 pemberitahuan"
    assert "1. Laporan November 2025" in mine[0].body and "2. KUBE Mekar Uji" in mine[0].body
    assert set(Notification.objects.filter(user=world["facilitator"]).values_list("delivery", flat=True)) == {
        Delivery.DIGEST
    }
    run()
    assert len([m for m in mail.outbox if m.to == ["rahmat@example.org"]]) == 1


def test_kinds_not_chosen_and_users_without_email_stay_in_the_inbox(world):
    services.preference_save(user=world["facilitator"], email_kinds=[Kind.REPORT_OVERDUE], daily_digest=False)
    OfficerFactory(username="petugas_tanpa_surel", email="")
    run()
    assert [m.to for m in mail.outbox].count(["rahmat@example.org"]) == 1
    not_visited = Notification.objects.get(user=world["facilitator"], kind=Kind.NOT_VISITED)
    assert (not_visited.delivery, not_visited.emailed_at) == (Delivery.INBOX, None)
    silent = Notification.objects.get(user__username="petugas_tanpa_surel")
    assert silent.delivery == Delivery.INBOX
    assert len(mail.outbox) == 2


def test_a_failed_step_is_recorded_and_runs_again_without_resending(world, monkeypatch):
    real_send = EmailChannel.send

    def refuse(self, user, notifications, *, digest=False):
        raise smtplib.SMTPServerDisconnected("server pergi")

    monkeypatch.setattr(EmailChannel, "send", refuse)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("run_schedules", "--day", DAY.isoformat(), stdout=out)
    assert "Pengingat harian: gagal: smtplib.SMTPServerDisconnected: server pergi" in out.getvalue()
    failed = ScheduledRun.objects.get(name="pengingat")
    assert failed.finished_at is None and "server pergi" in failed.error
    assert Notification.objects.count() == 3 and not mail.outbox

    monkeypatch.setattr(EmailChannel, "send", real_send)
    output = run()
    assert "Pengingat harian: selesai" in output and "pemberitahuan baru 0" in output
    assert len(mail.outbox) == 3
    run()
    assert len(mail.outbox) == 3


def test_a_step_another_process_is_running_is_left_alone(world):
    ScheduledRun.objects.create(name="pengingat", day=DAY, started_at=dt.datetime(2025, 12, 15, 0, 30, tzinfo=dt.UTC))
    output = run()
    assert "Pengingat harian: sedang dijalankan proses lain, dilewati." in output
    assert Notification.objects.count() == 0


def test_first_of_the_month_assesses_every_group_as_of_the_month_end(world):
    output = run(dt.date(2025, 12, 1))
    assert "Penilaian semua KUBE per akhir bulan: selesai (per tanggal 2025-11-30, KUBE dinilai 1" in output
    assessment = Assessment.objects.get(kube=world["kube"])
    assert assessment.as_of == dt.date(2025, 11, 30)
    assert "Penilaian semua KUBE" not in run(dt.date(2025, 12, 2))


def test_day_must_be_a_date():
    with pytest.raises(CommandError, match="tidak terbaca"):
        call_command("run_schedules", "--day", "kemarin", stdout=StringIO())


def test_today_is_the_default(world):
    run_output = StringIO()
    call_command("run_schedules", stdout=run_output)
    assert "2025-12-15 Pengingat harian: selesai" in run_output.getvalue()
