"""A job: long work a worker does for someone (an import, the full export, assessing every group).

The queue itself is django-tasks' table (`django_tasks_db.DBTaskResult`): a `Job` is the
registry's side of one queued task, what a person sees at `/pekerjaan/<id>/`: what it
does, for whom, how far it is, why it failed, and what it made.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.areas import AreaLevel, area_of, users_q
from groups.models import ImportUpload


class JobKind(models.TextChoices):
    IMPORT_CHECK = "impor_periksa", _("Pemeriksaan impor")
    IMPORT_APPLY = "impor_terapkan", _("Penerapan impor")
    EXPORT = "ekspor", _("Ekspor seluruh registri")
    ASSESS = "penilaian", _("Penilaian semua kelompok")


class JobStatus(models.TextChoices):
    WAITING = "menunggu", _("Menunggu")
    RUNNING = "berjalan", _("Berjalan")
    DONE = "selesai", _("Selesai")
    FAILED = "gagal", _("Gagal")


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "JobQuerySet":
        """Their own jobs; and for officers and admins (the queue) the jobs of users of
        their area (issue 19: a city's office sees its city's users' jobs, never another
        city's). A scheduled job (no owner) works on every city: only national readers and
        the installation's system administrators (superusers) see it."""
        if not user.is_authenticated:
            return self.none()
        own = Q(created_by=user)
        if not user.has_perm("jobs.view_job"):
            return self.filter(own)
        area = area_of(user)
        if area.level == AreaLevel.NASIONAL:
            return self
        scheduled = Q(created_by__isnull=True) if user.is_superuser else Q(pk__in=[])
        return self.filter(own | scheduled | (Q(created_by__isnull=False) & users_q(area, prefix="created_by__")))


class Job(models.Model):
    kind = models.CharField(_("jenis"), max_length=20, choices=JobKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.WAITING)
    # None: queued by a schedule, not a person (only national readers see it: it spans every city).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("pemilik"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # The queue's side: the task that runs the job, its latest queued run, the worker that took it.
    task_path = models.CharField(_("tugas"), max_length=200)
    task_id = models.CharField(_("nomor antrean"), max_length=64, blank=True)
    worker_id = models.CharField(_("pekerja"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    # Where it is: "Lembar anggota, baris 1.200 dari 5.000" (jobs.live writes it while it runs).
    stage = models.CharField(_("tahap"), max_length=20, blank=True)
    sheet = models.CharField(_("lembar"), max_length=50, blank=True)
    done = models.PositiveIntegerField(_("selesai dikerjakan"), default=0)
    total = models.PositiveIntegerField(_("jumlah"), default=0)
    progress_at = models.DateTimeField(_("kemajuan terakhir"), null=True, blank=True)
    # Why it failed, in Indonesian, for the person who asked.
    message = models.TextField(_("pesan"), blank=True)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    # An import: the file waits here until it is checked (then it moves to the upload it became).
    upload = models.ForeignKey(
        ImportUpload,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("unggahan impor"),
    )
    # The file: the uploaded workbook of an import check, or the workbook an export made.
    filename = models.CharField(_("nama berkas"), max_length=255, blank=True)
    content = models.BinaryField(_("isi berkas"), default=b"", blank=True)
    file_expires_at = models.DateTimeField(_("berkas dihapus pada"), null=True, blank=True)
    is_unmasked = models.BooleanField(_("NIK/KK lengkap"), default=False)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        constraints = [
            models.CheckConstraint(
                condition=Q(upload__isnull=True) | Q(kind__in=[JobKind.IMPORT_CHECK, JobKind.IMPORT_APPLY]),
                name="job_upload_only_for_imports",
            ),
            models.CheckConstraint(
                condition=~Q(kind=JobKind.IMPORT_APPLY) | Q(upload__isnull=False),
                name="job_apply_names_its_upload",
            ),
            # An import or an export works with its owner's rights; only an assessment may be scheduled.
            models.CheckConstraint(
                condition=Q(created_by__isnull=False) | Q(kind=JobKind.ASSESS),
                name="job_owner_unless_assessment",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}


class WorkerBeat(models.Model):
    """A worker's sign of life (`run_worker` writes it every KUBE_JOBS_BEAT_SECONDS).

    On SQLite the beats go to files instead (jobs/live.py): a running import holds
    SQLite's only writer for its whole transaction.
    """

    worker_id = models.CharField(_("pekerja"), max_length=64, unique=True)
    hostname = models.CharField(_("mesin"), max_length=255)
    pid = models.PositiveIntegerField(_("proses"))
    started_at = models.DateTimeField(_("mulai"))
    beat_at = models.DateTimeField(_("denyut terakhir"), db_index=True)

    class Meta:
        verbose_name = _("denyut pekerja")
        verbose_name_plural = _("denyut pekerja")

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.hostname}:{self.pid}"
