"""URL patterns, gathered in assessments/urls.py: the city dashboard and the facilitator's home."""

from django.urls import path

from .dashboard import views

urlpatterns = [
    path("dasbor/", views.DashboardView.as_view(), name="dashboard"),
    path("dasbor/ekspor/<slug:key>.<str:fmt>", views.DashboardExportView.as_view(), name="dashboard_export"),
    path("kelompok-saya/", views.FacilitatorHomeView.as_view(), name="facilitator_home"),
]
