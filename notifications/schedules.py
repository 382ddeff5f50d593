"""The scheduled work (`manage.py run_schedules`, daily), each run recorded once per day.

In order, for a day:

1. on the 1st of a month, every group (but dissolved ones) assessed as of the end of
   the month just ended, with the assessments' own service (`assessment_run_all`, as
   `manage.py assess --all` does; an officer's judgement is kept);
2. the clean-up: the content of import uploads checked but never applied
   (`purge_uploads`), old double-submit tokens, and export files past their hours
   (`purge_job_files`);
3. the reminders: new ones stored and sent by email, earlier ones whose cause is gone
   marked resolved;
4. the daily digest email for the users who chose it.

Each step is a `ScheduledRun` unique per (name, day): a finished step is not run again
that day, so running the command twice sends nothing twice (and the reminders' own
(user, key) uniqueness holds even if two runs overlap). A step that failed is recorded
with its error and runs again on the next call. The command runs in its own process (a
systemd timer), never in a web request.
"""

import datetime as dt
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from api.services import api_calls_purge
from assessments.selectors import assessable_kubes
from assessments.services import assessment_run_all
from groups.services import import_uploads_purge
from jobs.services import job_files_purge
from kube_registry.masking import mask_text
from kube_registry.submissions import tokens_purge

from . import services
from .models import ScheduledRun
from .reminders import reminders_for

# A step still marked running after this long is taken for a killed process and run again.
STALE_AFTER = dt.timedelta(hours=6)


def assess_month_end(day: dt.date) -> dict:
    as_of = day - dt.timedelta(days=1)
    counts = assessment_run_all(kubes=assessable_kubes(), as_of=as_of)
    return {"as_of": as_of.isoformat(), "assessed": sum(counts.values()), **dict(counts)}


def clean_up(day: dt.date) -> dict:
    return {
        "uploads_emptied": import_uploads_purge(),
        "tokens_forgotten": tokens_purge(),
        "export_files_deleted": job_files_purge(),
        "api_calls_forgotten": api_calls_purge(),
    }


def send_reminders(day: dt.date) -> dict:
    with translation.override("id"):
        reminders = reminders_for(day)
    created = services.notifications_create(reminders)
    resolved = services.notifications_resolve(today=day)
    emailed = services.deliver_pending()
    return {"due": len(reminders), "created": len(created), "resolved": resolved, "emailed": emailed}


def send_digest(day: dt.date) -> dict:
    return {"emailed": services.digest_send()}


@dataclass(frozen=True)
class Schedule:
    name: str
    label: str
    runs_on: Callable[[dt.date], bool]
    run: Callable[[dt.date], dict]


def every_day(day: dt.date) -> bool:
    return True


def first_of_month(day: dt.date) -> bool:
    return day.day == 1


SCHEDULES: tuple[Schedule, ...] = (
    Schedule("penilaian_bulanan", _("Penilaian semua KUBE per akhir bulan"), first_of_month, assess_month_end),
    Schedule("bersih_bersih", _("Pembersihan unggahan impor lama"), every_day, clean_up),
    Schedule("pengingat", _("Pengingat harian"), every_day, send_reminders),
    Schedule("ringkasan_surel", _("Ringkasan harian lewat surel"), every_day, send_digest),
)
LABELS = {schedule.name: schedule.label for schedule in SCHEDULES}
# What a run's counts are called on the officers' log and in the command's output.
COUNT_LABELS = {
    "as_of": _("per tanggal"),
    "assessed": _("KUBE dinilai"),
    "tumbuh": _("tumbuh"),
    "berkembang": _("berkembang"),
    "mandiri": _("mandiri"),
    "uploads_emptied": _("unggahan dikosongkan"),
    "tokens_forgotten": _("token lama dihapus"),
    "export_files_deleted": _("berkas ekspor dihapus"),
    "api_calls_forgotten": _("catatan panggilan API lama dihapus"),
    "due": _("pengingat berlaku"),
    "created": _("pemberitahuan baru"),
    "resolved": _("selesai"),
    "emailed": _("surel terkirim"),
}


def counts_summary(counts: dict) -> str:
    """`pemberitahuan baru 3, selesai 1, ...`."""
    return ", ".join(f"{COUNT_LABELS.get(key, key)} {value}" for key, value in counts.items())


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # "done", "skipped" (already run that day), "running" (elsewhere), "failed"
    counts: dict
    error: str = ""


def _claim(name: str, day: dt.date) -> tuple[ScheduledRun | None, str]:
    """Take the (name, day) step for this process: (run, "") or (None, why not)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(name=name, day=day, started_at=now), ""
    except IntegrityError:
        pass
    run = ScheduledRun.objects.get(name=name, day=day)
    if run.finished_at is not None:
        return None, "skipped"
    # Failed, or left running by a killed process: the one update that matches takes it.
    retry = Q(error__gt="") | Q(started_at__lt=now - STALE_AFTER)
    taken = (
        ScheduledRun.objects.filter(pk=run.pk, finished_at__isnull=True).filter(retry).update(started_at=now, error="")
    )
    if not taken:
        return None, "running"
    run.refresh_from_db()
    return run, ""


def schedules_run(*, day: dt.date) -> list[Outcome]:
    """Run every schedule due on `day` not already run for it; one outcome per schedule due."""
    outcomes = []
    for schedule in SCHEDULES:
        if not schedule.runs_on(day):
            continue
        run, why_not = _claim(schedule.name, day)
        if run is None:
            existing = ScheduledRun.objects.get(name=schedule.name, day=day)
            outcomes.append(Outcome(schedule.name, why_not, existing.counts))
            continue
        try:
            counts = schedule.run(day)
        except Exception as exc:  # recorded, then the next schedules still run
            run.error = mask_text("".join(traceback.format_exception_only(exc)).strip())[:2000]
            run.save(update_fields=["error"])
            outcomes.append(Outcome(schedule.name, "failed", {}, run.error))
            continue
        run.counts = counts
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
        outcomes.append(Outcome(schedule.name, "done", counts))
    return outcomes
