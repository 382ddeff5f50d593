"""The workbook's pages: upload, a dry-run preview, confirm; the blank template; the group list's export.

The same engine as `import_registry` runs both the preview (rolled back) and the
confirmed import, so what the preview promises is what the import does. A file of
more than KUBE_IMPORT_JOB_ROWS data rows is checked, then applied, by a worker
(pages/tasks.py): the page is then the job's, with its progress, and the same
preview when the check is done.
"""

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from groups.areas import area_of
from groups.models import ImportUpload, ImportUploadStatus, Kube
from groups.services import MSG_UPLOAD_PURGED
from jobs.models import Job, JobKind, JobStatus
from jobs.services import job_enqueue
from kube_registry.downloads import export_response
from kube_registry.exporting import registry_xlsx_bytes, sheet_csv_bytes
from kube_registry.roles import RoleRequiredMixin
from kube_registry.uploads import upload_kind

from . import tasks
from .group_list import KubeListFilter
from .workbook import EXPORT_SHEETS, export_sheet, import_row_count, import_workbook, workbook_template


def max_upload_bytes() -> int:
    return getattr(settings, "KUBE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def is_for_a_worker(content: bytes, filename: str) -> bool:
    """More data rows than KUBE_IMPORT_JOB_ROWS: too long for a request, a worker checks and applies it."""
    return import_row_count(io.BytesIO(content), filename=filename) > settings.KUBE_IMPORT_JOB_ROWS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas"),
        help_text=gettext_lazy(
            "Buku kerja .xlsx, .xls atau .ods, atau satu lembar .csv yang dinamai sesuai lembarnya (anggota.csv)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("Berkas terlalu besar: {size} MB; paling besar {limit} MB.").format(
                    size=round(upload.size / 1_048_576, 1), limit=round(limit / 1_048_576, 1)
                )
            )
        # Judged by the whole content (the size is limited above): see kube_registry/uploads.py.
        data = upload.read()
        upload.seek(0)
        if upload_kind(upload.name, data) is None:
            raise forms.ValidationError(
                _("Berkas “{name}” bukan buku kerja .xlsx, .xls, .ods atau berkas .csv yang dapat dibaca.").format(
                    name=upload.name
                )
            )
        return upload


class ImportAccessMixin(RoleRequiredMixin):
    """The office of one city imports (into its city only: groups.resources.ImportScope);
    a province's or the country's readers write nothing (403). Uploads are their
    uploader's: anyone else's upload is 404."""

    permission_required = "groups.import_registry"

    def has_permission(self) -> bool:
        return super().has_permission() and area_of(self.request.user).is_city


class ImportUploadView(ImportAccessMixin, View):
    template_name = "groups/import_upload.html"

    def get(self, request):
        recent = ImportUpload.objects.filter(uploaded_by=request.user).defer("content")[:10]
        return render(request, self.template_name, {"form": UploadForm(), "recent": recent})

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "recent": []}, status=400)
        upload_file = form.cleaned_data["file"]
        content = upload_file.read()
        if is_for_a_worker(content, upload_file.name):
            job = job_enqueue(
                task=tasks.import_check,
                kind=JobKind.IMPORT_CHECK,
                created_by=request.user,
                filename=upload_file.name,
                content=content,
            )
            return redirect(job)
        result = import_workbook(io.BytesIO(content), filename=upload_file.name, actor=request.user, dry_run=True)
        if result.file_refused:
            # Past a limit or unreadable as a whole: a form error, and nothing kept.
            for error in result.errors:
                form.add_error("file", str(error))
            return render(request, self.template_name, {"form": form, "recent": []}, status=400)
        upload = ImportUpload.objects.create(
            filename=upload_file.name,
            # Kept only while it may be applied: a refused file is not (see also purge_uploads).
            content=content if result.ok else b"",
            size=len(content),
            status=ImportUploadStatus.CHECKED if result.ok else ImportUploadStatus.REJECTED,
            summary=result.summary(),
            uploaded_by=request.user,
        )
        return render(request, "groups/import_preview.html", {"upload": upload, "result": result})


@method_decorator(require_POST, name="dispatch")
class ImportApplyView(ImportAccessMixin, View):
    def post(self, request, pk):
        with transaction.atomic():
            upload = get_object_or_404(ImportUpload.objects.select_for_update(), pk=pk, uploaded_by=request.user)
            if upload.status != ImportUploadStatus.CHECKED:
                messages.error(request, _("Unggahan ini sudah diterapkan atau memuat kesalahan; unggah ulang."))
                return redirect("groups:import")
            if not upload.content:  # emptied by purge_uploads after KUBE_IMPORT_RETENTION_HOURS
                messages.error(request, _(MSG_UPLOAD_PURGED))
                return redirect("groups:import")
            if upload.jobs.filter(kind=JobKind.IMPORT_CHECK).exists():
                # Checked by a worker: applied by one. A second click finds the job already queued.
                pending = upload.jobs.filter(
                    kind=JobKind.IMPORT_APPLY, status__in=[JobStatus.WAITING, JobStatus.RUNNING]
                ).first()
                return redirect(pending or self.apply_job(request, upload))
            result = import_workbook(io.BytesIO(bytes(upload.content)), filename=upload.filename, actor=request.user)
            if not result.ok:
                # The registry changed since the preview: nothing was written.
                upload.status = ImportUploadStatus.REJECTED
                upload.summary = result.summary()
                upload.content = b""
                upload.save(update_fields=["status", "summary", "content"])
                return render(request, "groups/import_preview.html", {"upload": upload, "result": result})
            upload.status = ImportUploadStatus.APPLIED
            upload.summary = result.summary()
            upload.applied_at = timezone.now()
            upload.content = b""  # applied: the registry now holds the data
            upload.save(update_fields=["status", "summary", "applied_at", "content"])
        messages.success(request, _("Impor selesai: {summary}").format(summary=describe(result)))
        return redirect("groups:kube_list")

    @staticmethod
    def apply_job(request, upload) -> Job:
        return job_enqueue(task=tasks.import_apply, kind=JobKind.IMPORT_APPLY, created_by=request.user, upload=upload)


def describe(result) -> str:
    return "; ".join(
        _("{sheet}: {created} baru, {updated} diubah, {unchanged} tetap").format(
            sheet=name, created=c.created, updated=c.updated, unchanged=c.unchanged
        )
        for name, c in result.sheets.items()
    )


@require_GET
def import_template(request):
    if not request.user.is_authenticated:
        # LOGIN_URL is a URL name: redirect_to_login resolves it (a plain redirect went to /impor/login).
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("groups.import_registry"):
        raise PermissionDenied
    return export_response(
        request,
        what="templat-impor",
        fmt="xlsx",
        content=workbook_template(),
        filename="templat-registri-kube.xlsx",
        is_unmasked=False,
    )


class KubeExportView(RoleRequiredMixin, View):
    """The group list as the user filtered it: every registry sheet as .xlsx, or kelompok as .csv.

    Every sheet holds only the rows of the filtered groups, which are only those the
    user may see (a facilitator: their own); NIK and KK are masked unless the user may
    see personal data.
    """

    permission_required = "groups.view_kube"
    filterset_class = KubeListFilter  # the group list's filters (pages/group_list.py), so the file is the list

    def get(self, request, fmt):
        if fmt not in {"xlsx", "csv"}:
            raise Http404
        filtering = request.GET.copy()
        filtering.pop("page", None)
        # Only which groups, not the list's page: every sheet orders itself, so the sort is
        # dropped, and with it the member count the list shows and may sort by. Kept, that
        # count's join over all memberships ran again in each sheet's `kube__in` subquery.
        filtering.pop("o", None)
        queryset = Kube.objects.visible_to(request.user)
        kubes = self.filterset_class(filtering, queryset=queryset, user=request.user).qs
        stamp = timezone.localdate().isoformat()
        can_see = request.user.has_perm("groups.view_personal_data")
        if fmt == "csv":
            content = sheet_csv_bytes(export_sheet("kelompok"), kubes, can_see_personal_data=can_see)
        else:
            content = registry_xlsx_bytes(kubes, sheets=EXPORT_SHEETS, can_see_personal_data=can_see)
        return export_response(
            request,
            what="registri",
            fmt=fmt,
            content=content,
            filename=f"registri-kube-{stamp}.{fmt}",
            is_unmasked=can_see,
            group_count=kubes.count(),
        )
