"""Reads: a job's state as its page shows it, the queue's list, the workers' health."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks_db.models import DBTaskResult

from .live import Beat, Progress, alive_workers, live, worker_timeout
from .models import Job, JobStatus

STAGES = {
    "validate": gettext_noop("Memeriksa"),
    "write": gettext_noop("Menyimpan"),
    "export": gettext_noop("Menulis berkas"),
    "assess": gettext_noop("Menilai"),
}
MSG_SHEET_ROWS = gettext_noop("{stage} · lembar {sheet}, baris {done} dari {total}")
MSG_SHEET_ROWS_SO_FAR = gettext_noop("{stage} · lembar {sheet}, {done} baris")
MSG_COUNT = gettext_noop("{stage} · {done} dari {total}")
MSG_STARTING = gettext_noop("Mulai bekerja…")
MSG_WAITING = gettext_noop("Menunggu giliran di antrean…")
MSG_WAITING_NO_WORKER = gettext_noop(
    "Menunggu giliran di antrean, tetapi tidak ada pekerja yang aktif; hubungi admin (manage.py run_worker)."
)
MSG_INTERRUPTED = gettext_noop(
    "Terputus: pekerja berhenti di tengah jalan. Tidak ada yang disimpan; pekerjaan ini dapat dijalankan lagi."
)


def progress_text(progress: Progress | None) -> str:
    """ "Memeriksa · lembar anggota, baris 1.200 dari 5.000"."""
    if progress is None or not progress.stage:
        return _(MSG_STARTING)
    stage = _(STAGES.get(progress.stage, progress.stage))
    done, total = intcomma(progress.done), intcomma(progress.total)
    if progress.sheet and progress.total:
        return _(MSG_SHEET_ROWS).format(stage=stage, sheet=progress.sheet, done=done, total=total)
    if progress.sheet:
        return _(MSG_SHEET_ROWS_SO_FAR).format(stage=stage, sheet=progress.sheet, done=done)
    return _(MSG_COUNT).format(stage=stage, done=done, total=total)


def job_is_interrupted(job: Job, *, beats: list[Beat] | None = None, now: dt.datetime | None = None) -> bool:
    """Running, but neither its worker nor its progress heard from within KUBE_JOBS_WORKER_TIMEOUT."""
    if job.status != JobStatus.RUNNING:
        return False
    store = live()
    cutoff = (now or timezone.now()) - worker_timeout()
    progress = store.progress_of(job)
    latest = max(filter(None, [job.started_at, progress.at if progress else None]), default=None)
    if latest is not None and latest >= cutoff:
        return False
    beats = store.beats() if beats is None else beats
    # A worker restarted under the same id (--worker-id) beats again, but not for this run.
    return not any(
        beat.worker_id == job.worker_id and beat.beat_at >= cutoff and beat.started_at <= job.started_at
        for beat in beats
    )


@dataclass(frozen=True)
class JobState:
    """A job as its page and the progress endpoint show it."""

    job: Job
    progress: Progress | None
    is_interrupted: bool
    workers_alive: int

    @property
    def percent(self) -> int | None:
        if self.job.status == JobStatus.DONE:
            return 100
        if self.progress is None or not self.progress.total:
            return None
        return min(100, self.progress.done * 100 // self.progress.total)

    @property
    def status_label(self) -> str:
        return _("Terputus") if self.is_interrupted else self.job.get_status_display()

    @property
    def text(self) -> str:
        if self.is_interrupted:
            return _(MSG_INTERRUPTED)
        if self.job.status == JobStatus.WAITING:
            return _(MSG_WAITING) if self.workers_alive else _(MSG_WAITING_NO_WORKER)
        if self.job.status == JobStatus.RUNNING:
            return progress_text(self.progress)
        if self.job.status == JobStatus.FAILED:
            return self.job.message
        return self.job.get_status_display()

    def as_json(self) -> dict:
        progress = self.progress
        return {
            "id": self.job.pk,
            "status": self.job.status,
            "status_label": str(self.status_label),
            "is_finished": self.job.is_finished,
            "is_interrupted": self.is_interrupted,
            "stage": progress.stage if progress else "",
            "sheet": progress.sheet if progress else "",
            "done": progress.done if progress else 0,
            "total": progress.total if progress else 0,
            "percent": self.percent,
            "text": str(self.text),
        }


def job_states(jobs: list[Job], *, beats: list[Beat] | None = None) -> list[JobState]:
    """Each job's state; the workers' heartbeats are read once for all."""
    store = live()
    beats = store.beats() if beats is None else beats
    now = timezone.now()
    alive = len(alive_workers(beats, now=now))
    return [
        JobState(
            job=job,
            progress=store.progress_of(job) if job.status == JobStatus.RUNNING else None,
            is_interrupted=job_is_interrupted(job, beats=beats, now=now),
            workers_alive=alive,
        )
        for job in jobs
    ]


def job_list(user) -> QuerySet[Job]:
    """The queue as officers see it: newest first, with whose job it is; without the files."""
    return Job.objects.visible_to(user).select_related("created_by", "upload").defer("content", "upload__content")


@dataclass(frozen=True)
class QueueHealth:
    workers_alive: int
    queue_length: int
    oldest_waiting_seconds: int | None

    @property
    def is_healthy(self) -> bool:
        """Unhealthy only when work waits and no worker is there to take it."""
        return self.workers_alive > 0 or self.queue_length == 0

    def as_json(self) -> dict:
        return {
            "workers_alive": self.workers_alive,
            "queue_length": self.queue_length,
            "oldest_waiting_seconds": self.oldest_waiting_seconds,
            "worker_timeout_seconds": int(worker_timeout().total_seconds()),
        }


def queue_health(*, beats: list[Beat] | None = None, now: dt.datetime | None = None) -> QueueHealth:
    """Workers heard from lately, and the tasks ready to run that no worker has taken yet."""
    now = now or timezone.now()
    waiting = DBTaskResult.objects.ready().aggregate(count=Count("id"), oldest=Min("enqueued_at"))
    oldest = waiting["oldest"]
    beats = live().beats() if beats is None else beats
    return QueueHealth(
        workers_alive=len(alive_workers(beats, now=now)),
        queue_length=waiting["count"],
        oldest_waiting_seconds=max(0, int((now - oldest).total_seconds())) if oldest else None,
    )
