from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("pekerjaan/", views.JobListView.as_view(), name="list"),
    path("pekerjaan/<int:pk>/", views.JobDetailView.as_view(), name="detail"),
    path("pekerjaan/<int:pk>/kemajuan/", views.JobProgressView.as_view(), name="progress"),
    path("pekerjaan/<int:pk>/jalankan-lagi/", views.JobRerunView.as_view(), name="rerun"),
    path("pekerjaan/<int:pk>/unduh/", views.JobDownloadView.as_view(), name="download"),
]
