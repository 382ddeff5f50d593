"""Starting the office's long jobs from the queue's page: the full export, assessing every group.

The job's page (jobs/) then shows its progress, and its result: the file to download,
or the groups per category.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from jobs.models import JobKind
from jobs.services import job_enqueue
from kube_registry.roles import RoleRequiredMixin

from . import tasks


class AssessAllForm(forms.Form):
    as_of = forms.DateField(
        label=_("Per tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Hanya data bertanggal pada atau sebelum tanggal ini yang dipakai."),
    )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError(_("Tanggal penilaian tidak boleh di masa depan."))
        return as_of


class ExportJobView(RoleRequiredMixin, View):
    """The whole registry as `export_registry` writes it, made by a worker."""

    permission_required = ("groups.view_all_kube", "jobs.view_job")
    http_method_names = ["post"]

    def post(self, request):
        job = job_enqueue(task=tasks.registry_export, kind=JobKind.EXPORT, created_by=request.user)
        return redirect(job)


class AssessJobView(RoleRequiredMixin, View):
    """`assess --all --as-of DATE` by a worker."""

    permission_required = ("assessments.add_assessment", "jobs.view_job")
    http_method_names = ["post"]

    def post(self, request):
        form = AssessAllForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("jobs:list")
        job = job_enqueue(
            task=tasks.assess_all,
            kind=JobKind.ASSESS,
            created_by=request.user,
            params={"as_of": form.cleaned_data["as_of"].isoformat()},
        )
        return redirect(job)
