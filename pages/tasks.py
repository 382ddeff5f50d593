"""The registry's long work as queued tasks (jobs/): an import checked then applied, the full
export, assessing every group.

Each task takes a job's id and hands its work to `jobs.services.job_run`, which marks
the job running, records its progress and says on the job's page how it ended. The
work is the same code as the pages and commands run: `import_workbook` (the upload
page, `import_registry`), the registry workbook of `export_registry`, and
`assessment_run_all` (`assess --all`). A worker killed half-way leaves nothing
partial: an import is one transaction, and its job is marked done in that same
transaction, so the job says "done" exactly when the import committed.

Here in `pages` because the work composes the apps' parts (the workbook's sheets,
the assessments); `jobs` itself knows no domain app.
"""

import datetime as dt
import io

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import TaskContext, task

from assessments.selectors import assessable_kubes
from assessments.services import assessment_run_all
from groups.areas import area_of
from groups.models import ImportUpload, ImportUploadStatus, Kube
from groups.services import MSG_UPLOAD_PURGED
from jobs.models import Job
from jobs.results import import_result_json
from jobs.services import JobFailed, ProgressReporter, job_finish, job_run
from kube_registry.exporting import write_registry_xlsx

from .workbook import EXPORT_SHEETS, import_workbook

MSG_FILE_REFUSED = gettext_noop("Berkas ditolak; tidak ada yang disimpan: {errors}")
MSG_NOT_CHECKED = gettext_noop("Unggahan ini sudah diterapkan atau memuat kesalahan; unggah ulang.")
MSG_REGISTRY_CHANGED = gettext_noop(
    "Registri berubah sejak pratinjau: {count} kesalahan, tidak ada yang disimpan. Perbaiki berkas lalu unggah ulang."
)


def _worker(context: TaskContext) -> str:
    worker_ids = context.task_result.worker_ids
    return worker_ids[-1] if worker_ids else ""


@task(takes_context=True)
def import_check(context: TaskContext, job_id: int) -> str:
    return job_run(job_id=job_id, worker_id=_worker(context), work=check_upload)


@task(takes_context=True)
def import_apply(context: TaskContext, job_id: int) -> str:
    return job_run(job_id=job_id, worker_id=_worker(context), work=apply_upload)


@task(takes_context=True)
def registry_export(context: TaskContext, job_id: int) -> str:
    return job_run(job_id=job_id, worker_id=_worker(context), work=export_registry)


@task(takes_context=True)
def assess_all(context: TaskContext, job_id: int) -> str:
    return job_run(job_id=job_id, worker_id=_worker(context), work=assess_every_group)


def check_upload(job: Job, progress: ProgressReporter) -> None:
    """The upload page's preview (a dry run); the file becomes an `ImportUpload` as it does there."""
    content = bytes(job.content)
    result = import_workbook(
        io.BytesIO(content), filename=job.filename, actor=job.created_by, dry_run=True, progress=progress
    )
    if result.file_refused:
        raise JobFailed(_(MSG_FILE_REFUSED).format(errors="; ".join(str(error) for error in result.errors)))
    with transaction.atomic():
        job.upload = ImportUpload.objects.create(
            filename=job.filename,
            # Kept only while it may be applied, as on the upload page.
            content=content if result.ok else b"",
            size=len(content),
            status=ImportUploadStatus.CHECKED if result.ok else ImportUploadStatus.REJECTED,
            summary=result.summary(),
            uploaded_by=job.created_by,
        )
        job.content = b""
        job.result = import_result_json(result)
        job_finish(job)


def apply_upload(job: Job, progress: ProgressReporter) -> None:
    """The confirmed import, in one transaction with the upload's new status and the job's end."""
    with transaction.atomic():
        upload = ImportUpload.objects.select_for_update().get(pk=job.upload_id)
        if upload.status != ImportUploadStatus.CHECKED:
            raise JobFailed(_(MSG_NOT_CHECKED))
        if not upload.content:  # emptied by purge_uploads after KUBE_IMPORT_RETENTION_HOURS
            raise JobFailed(_(MSG_UPLOAD_PURGED))
        result = import_workbook(
            io.BytesIO(bytes(upload.content)), filename=upload.filename, actor=job.created_by, progress=progress
        )
        upload.summary = result.summary()
        upload.content = b""
        job.result = import_result_json(result)
        if result.ok:
            upload.status = ImportUploadStatus.APPLIED
            upload.applied_at = timezone.now()
            upload.save(update_fields=["status", "summary", "applied_at", "content"])
            job_finish(job)
            return
        # The registry changed since the preview: nothing was written; the page shows why.
        upload.status = ImportUploadStatus.REJECTED
        upload.save(update_fields=["status", "summary", "content"])
        job.save(update_fields=["result"])
    raise JobFailed(_(MSG_REGISTRY_CHANGED).format(count=len(result.errors)))


def export_registry(job: Job, progress: ProgressReporter) -> None:
    """The whole registry as `export_registry` writes it, kept KUBE_EXPORT_KEEP_HOURS for its owner.

    What the owner may see: every group of the office's area (`visible_to`), NIK and KK in full only for
    those who may see personal data. Each download is recorded (jobs.views.download).
    """
    owner = job.created_by
    can_see = owner.has_perm("groups.view_personal_data")
    buffer = io.BytesIO()
    counts = write_registry_xlsx(
        Kube.objects.visible_to(owner),
        buffer,
        sheets=EXPORT_SHEETS,
        can_see_personal_data=can_see,
        progress=lambda sheet, count: progress("export", sheet, count, 0),
    )
    now = timezone.now()
    job.content = buffer.getvalue()
    job.filename = f"registri-kube-{timezone.localdate(now).isoformat()}.xlsx"
    job.is_unmasked = can_see
    job.file_expires_at = now + dt.timedelta(hours=int(settings.KUBE_EXPORT_KEEP_HOURS))
    job.result = {"rows": counts, "groups": counts.get("kelompok", 0), "size": len(job.content)}


def assess_every_group(job: Job, progress: ProgressReporter) -> None:
    """`assess --all --as-of DATE`: every group but the dissolved ones of its owner's area
    (a city's officer assesses their city; a schedule, with no owner, every city)."""
    as_of = dt.date.fromisoformat(job.params["as_of"])
    kubes = assessable_kubes()
    if job.created_by is not None:
        kubes = kubes.in_area(area_of(job.created_by))
    counts = assessment_run_all(
        kubes=kubes,
        as_of=as_of,
        actor=job.created_by,
        progress=lambda done, total: progress("assess", "", done, total),
    )
    job.result = {"as_of": as_of.isoformat(), "counts": dict(counts), "total": sum(counts.values())}
