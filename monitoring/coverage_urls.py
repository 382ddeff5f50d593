"""The office's monitoring page (contract 5: /pemantauan/)."""

from django.urls import path

from . import coverage_views

app_name = "monitoring_coverage"

urlpatterns = [
    path("pemantauan/", coverage_views.CoverageView.as_view(), name="coverage"),
]
