"""Writes: queueing a job, running it in a worker, running it again, purging its files.

A job's work is a function `work(job, progress)` that a task (pages/tasks.py) hands
to `job_run`. It sets what it made on `job` (result, file, upload) and may finish the
job itself, inside its own transaction, with `job_finish`: an import's job then says
"done" exactly when the import committed. `progress` is a `ProgressReporter`.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .live import Progress, live, safe_put_progress
from .models import Job, JobKind, JobStatus
from .selectors import job_is_interrupted

log = logging.getLogger(__name__)

MSG_UNEXPECTED = gettext_noop(
    "Pekerjaan berhenti karena kesalahan yang tidak terduga ({error}); tidak ada yang disimpan. "
    "Jalankan lagi; bila terulang, hubungi admin."
)
MSG_NOT_RERUNNABLE = gettext_noop("Pekerjaan ini tidak dapat dijalankan lagi: ia tidak gagal dan tidak terputus.")
MSG_FILE_GONE = gettext_noop("Berkasnya sudah dihapus; unggah lagi.")
MSG_INTERRUPTED = gettext_noop("Pekerja berhenti di tengah jalan; tidak ada yang disimpan.")


class JobFailed(Exception):
    """A failure the person who asked can understand: its text is shown on the job's page."""


class JobInterrupted(Exception):
    """Recorded on the queue's task of a job whose worker died (the task never finished)."""


class ProgressReporter:
    """The callback handed to the work: `(stage, sheet, done, total)`, as the import engine calls it.

    Recorded through `jobs.live` at most every KUBE_JOBS_PROGRESS_SECONDS, and always
    when the stage or the sheet changes or a sheet is complete.
    """

    def __init__(self, job_id: int, *, store=None, every: float | None = None):
        self.job_id = job_id
        self.store = store or live()
        self.every = float(settings.KUBE_JOBS_PROGRESS_SECONDS) if every is None else every
        self._last_key: tuple[str, str] | None = None
        self._last_at = 0.0

    def __call__(self, stage: str, sheet: str, done: int, total: int) -> None:
        clock = time.monotonic()
        key = (stage, sheet)
        if key == self._last_key and clock - self._last_at < self.every and not (total and done >= total):
            return
        self._last_key, self._last_at = key, clock
        safe_put_progress(self.store, self.job_id, Progress(stage, sheet, done, total, timezone.now()))

    def close(self) -> None:
        self.store.close()


@transaction.atomic
def job_enqueue(*, task, kind: str, created_by, params: dict | None = None, **fields) -> Job:
    """A new job and its task in the queue, in one transaction: a worker takes it once committed.

    `task` is a django-tasks task taking the job's id; `fields` are the job's own
    (filename and content of an upload to check, the upload to apply). `created_by` is
    None for a scheduled assessment (`pages.tasks.assess_all`, params {"as_of": "YYYY-MM-DD"}).
    """
    job = Job.objects.create(
        kind=kind, created_by=created_by, task_path=task.module_path, params=params or {}, **fields
    )
    job.task_id = str(task.enqueue(job.pk).id)
    job.save(update_fields=["task_id"])
    return job


def job_run(*, job_id: int, worker_id: str, work: Callable[[Job, ProgressReporter], None]) -> str:
    """Run a job's work in this worker; returns the job's final status.

    Expected failures (`JobFailed`) and unexpected ones alike leave the job failed with
    a message; an unexpected one is raised again, so the queue keeps its traceback.
    """
    now = timezone.now()
    started = (
        Job.objects.filter(pk=job_id)
        .exclude(status=JobStatus.DONE)
        .update(
            status=JobStatus.RUNNING,
            started_at=now,
            finished_at=None,
            worker_id=worker_id[:64],
            attempts=F("attempts") + 1,
            message="",
            stage="",
            sheet="",
            done=0,
            total=0,
            progress_at=None,
        )
    )
    if not started:  # done already (run twice), or gone
        return JobStatus.DONE
    job = Job.objects.select_related("created_by", "upload").get(pk=job_id)
    progress = ProgressReporter(job.pk)
    try:
        work(job, progress)
        if job.status != JobStatus.DONE:
            job_finish(job)
    except JobFailed as exc:
        job_fail(job, str(exc))
    except Exception as exc:
        job_fail(job, _(MSG_UNEXPECTED).format(error=type(exc).__name__))
        raise
    finally:
        progress.close()
        progress.store.forget_progress(job.pk)
    return job.status


def job_finish(job: Job) -> None:
    """Mark the job done with what its work set on it (call it inside the work's transaction to tie them)."""
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.message = ""
    # Not the progress fields: jobs.live wrote them meanwhile, and this copy of the row is older.
    job.save(
        update_fields=[
            "status",
            "finished_at",
            "message",
            "result",
            "upload",
            "filename",
            "content",
            "file_expires_at",
            "is_unmasked",
        ]
    )


def job_fail(job: Job, message: str) -> None:
    """Mark the job failed, unless another run of it finished meanwhile (a job done stays done)."""
    Job.objects.filter(pk=job.pk).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message=message
    )
    job.status, job.message = JobStatus.FAILED, message


def can_rerun(job: Job, user) -> bool:
    """The job's owner, or an admin (jobs.change_job)."""
    return job.created_by_id == user.pk or user.has_perm("jobs.change_job")


@transaction.atomic
def job_rerun(*, job: Job, actor) -> Job:
    """Queue a failed or interrupted job again, as it was; refused while it runs or once done."""
    if not can_rerun(job, actor):
        raise PermissionDenied
    job = Job.objects.select_for_update().get(pk=job.pk)
    interrupted = job_is_interrupted(job)
    if not (job.status == JobStatus.FAILED or interrupted):
        raise ValidationError(_(MSG_NOT_RERUNNABLE))
    if job.kind == JobKind.IMPORT_CHECK and not job.content:
        raise ValidationError(_(MSG_FILE_GONE))
    if interrupted and job.task_id:
        # The dead worker's task would stay "running" in the queue for ever.
        stale = DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).first()
        if stale is not None:
            stale.set_failed(JobInterrupted(_(MSG_INTERRUPTED)))
    task = import_string(job.task_path)
    job.status = JobStatus.WAITING
    job.message = ""
    job.started_at = job.finished_at = None
    job.task_id = str(task.enqueue(job.pk).id)
    job.save(update_fields=["status", "message", "started_at", "finished_at", "task_id"])
    return job


def job_files_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their time, and uploads waiting for a check past KUBE_IMPORT_RETENTION_HOURS.

    The jobs stay, as the record of what was done. Returns how many files were deleted.
    """
    now = now or timezone.now()
    expired = Job.objects.filter(kind=JobKind.EXPORT, file_expires_at__lt=now).exclude(content=b"")
    count = expired.update(content=b"")
    cutoff = now - dt.timedelta(hours=int(settings.KUBE_IMPORT_RETENTION_HOURS))
    waiting = Job.objects.filter(kind=JobKind.IMPORT_CHECK, created_at__lt=cutoff).exclude(content=b"")
    return count + waiting.update(content=b"")
