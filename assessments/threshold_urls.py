"""URL patterns, gathered in assessments/urls.py."""

from django.urls import path

from .views import ThresholdsView

urlpatterns: list = [
    path("penilaian/ambang-batas/", ThresholdsView.as_view(), name="thresholds"),
]
