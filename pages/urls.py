"""URLs of the composed pages.

They keep their historical names in the `groups` namespace (`groups:home`,
`groups:kube_detail`, …): kube_registry/urls.py includes these patterns together with
groups' own in that one namespace.
"""

from django.urls import path

from . import group_list, home, job_views, profile, workbook_views

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("kelompok/", group_list.KubeListView.as_view(), name="kube_list"),
    path("kelompok/<int:pk>/", profile.KubeDetailView.as_view(), name="kube_detail"),
    # The registry workbook (pages/workbook.py): the group list's export, the import pages.
    path("kelompok/ekspor.<str:fmt>", workbook_views.KubeExportView.as_view(), name="kube_export"),
    path("impor/", workbook_views.ImportUploadView.as_view(), name="import"),
    path("impor/templat.xlsx", workbook_views.import_template, name="import_template"),
    path("impor/<int:pk>/terapkan/", workbook_views.ImportApplyView.as_view(), name="import_apply"),
    # The office's long jobs (pages/tasks.py), started from the queue's page (jobs/).
    path("pekerjaan/ekspor/", job_views.ExportJobView.as_view(), name="export_job"),
    path("pekerjaan/penilaian/", job_views.AssessJobView.as_view(), name="assess_job"),
]
