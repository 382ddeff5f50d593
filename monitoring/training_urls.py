"""Trainings and study visits: /pelatihan/ (included at the root, namespace "trainings")."""

from django.urls import path

from . import training_views as views

app_name = "trainings"

urlpatterns = [
    path("pelatihan/", views.TrainingListView.as_view(), name="training_list"),
    path("pelatihan/tambah/", views.TrainingCreateView.as_view(), name="training_create"),
    path("pelatihan/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("pelatihan/<int:pk>/ubah/", views.TrainingUpdateView.as_view(), name="training_update"),
]
