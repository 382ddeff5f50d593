"""The queue's pages: the list (officers and admins), a job's page, its progress, its file; the workers' health.

A job's page is its owner's and the office's; anyone else gets 404, as for a group
they may not see. A finished import check shows the upload page's own preview.
"""

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Length
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kube_registry.downloads import export_response
from kube_registry.roles import RoleRequiredMixin

from .live import live
from .models import Job, JobKind, JobStatus
from .results import import_result_from_json
from .selectors import job_list, job_states, queue_health
from .services import can_rerun, job_rerun

PAGE_SIZE = 50
MSG_FILE_GONE = gettext_noop("Berkas ekspor ini sudah dihapus (disimpan {hours} jam); jalankan ekspor lagi.")


class JobListView(RoleRequiredMixin, View):
    """The queue: every job, whose it is, what it does, how far it is; and the workers."""

    permission_required = "jobs.view_job"

    def get(self, request):
        paginator = Paginator(job_list(request.user), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        beats = live().beats()
        context = {
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "states": job_states(list(page), beats=beats),
            "health": queue_health(beats=beats),
        }
        return render(request, "jobs/job_list.html", context)


class JobAccessMixin(RoleRequiredMixin):
    """The job named in the URL among those the user may see (404 otherwise)."""

    scope = ("job",)

    def has_permission(self) -> bool:
        return True  # seeing the job is the permission: its owner, or the office (Job.objects.visible_to)

    @cached_property
    def job(self) -> Job:
        jobs = Job.objects.visible_to(self.request.user).select_related("created_by", "upload")
        return get_object_or_404(
            jobs.defer("content", "upload__content").annotate(content_size=Length("content")), pk=self.kwargs["pk"]
        )

    def file_kept(self) -> bool:
        """An export's file still there to download."""
        job = self.job
        expired = job.file_expires_at is not None and job.file_expires_at < timezone.now()
        return job.kind == JobKind.EXPORT and job.status == JobStatus.DONE and job.content_size > 0 and not expired


@method_decorator(never_cache, name="dispatch")
class JobDetailView(JobAccessMixin, View):
    def get(self, request, pk):
        job = self.job
        state = job_states([job])[0]
        context = {"job": job, "state": state, "can_rerun": can_rerun(job, request.user), "file_kept": self.file_kept()}
        if job.kind in {JobKind.IMPORT_CHECK, JobKind.IMPORT_APPLY} and job.result:
            context["result"] = import_result_from_json(job.result)
        if job.kind == JobKind.IMPORT_CHECK and job.status == JobStatus.DONE:
            # The same preview as the upload page, with its "Terapkan impor" button.
            return render(request, "groups/import_preview.html", context | {"upload": job.upload})
        return render(request, "jobs/job_detail.html", context)


@method_decorator(never_cache, name="dispatch")
class JobProgressView(JobAccessMixin, View):
    """The job's state as JSON, polled by its page (static/js/jobs.js)."""

    def get(self, request, pk):
        return JsonResponse(job_states([self.job])[0].as_json())


class JobRerunView(JobAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if not can_rerun(self.job, request.user):
            raise PermissionDenied
        try:
            job_rerun(job=self.job, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Pekerjaan dimasukkan lagi ke antrean."))
        return redirect(self.job)


class JobDownloadView(JobAccessMixin, View):
    """An export's file, for its owner only (it holds what the owner may see), while it is kept."""

    def get(self, request, pk):
        job = self.job
        if job.kind != JobKind.EXPORT or job.created_by_id != request.user.pk:
            raise PermissionDenied
        if not self.file_kept():
            messages.error(request, _(MSG_FILE_GONE).format(hours=settings.KUBE_EXPORT_KEEP_HOURS))
            return redirect(job)
        content = Job.objects.filter(pk=job.pk).values_list("content", flat=True).get()
        return export_response(
            request,
            what="registri",
            fmt="xlsx",
            content=bytes(content),
            filename=job.filename,
            is_unmasked=job.is_unmasked,
            group_count=job.result.get("groups", 0),
        )


@never_cache
@require_GET
def healthz_jobs(request):
    """For monitoring, no login: workers heard from, tasks waiting; 503 when work waits and no worker lives."""
    try:
        health = queue_health()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"error": "database unavailable"}, status=503)
    return JsonResponse(health.as_json(), status=200 if health.is_healthy else 503)
