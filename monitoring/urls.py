"""A group's visits (contract 5: /kelompok/<id>/kunjungan/, .../tambah/, .../<visit>/ubah/)."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("kelompok/<int:pk>/kunjungan/", views.VisitListView.as_view(), name="visit_list"),
    path("kelompok/<int:pk>/kunjungan/tambah/", views.VisitCreateView.as_view(), name="visit_create"),
    path(
        "kelompok/<int:pk>/kunjungan/<int:visit_pk>/ubah/",
        views.VisitUpdateView.as_view(),
        name="visit_update",
    ),
    path(
        "kelompok/<int:pk>/kunjungan/foto/<int:photo_pk>/",
        views.VisitPhotoView.as_view(),
        name="visit_photo",
    ),
    path(
        "kelompok/<int:pk>/kunjungan/foto/<int:photo_pk>/kecil/",
        views.VisitPhotoView.as_view(thumbnail=True),
        name="visit_photo_thumbnail",
    ),
    path(
        "kelompok/<int:pk>/tindak-lanjut/<int:follow_up_pk>/selesai/",
        views.FollowUpCloseView.as_view(),
        name="follow_up_close",
    ),
]
