"""URL patterns, gathered in assessments/urls.py: a group's assessments and the officer's judgement."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("kelompok/<int:pk>/penilaian/", views.KubeAssessmentsView.as_view(), name="kube_assessments"),
    path("kelompok/<int:pk>/penilaian/nilai-sekarang/", views.AssessNowView.as_view(), name="assess_now"),
    path("penilaian/<int:pk>/", views.AssessmentDetailView.as_view(), name="detail"),
    path("penilaian/<int:pk>/nilai/", views.JudgementView.as_view(), name="judge"),
]
