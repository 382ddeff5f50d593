"""Contract 5: `/manifest.webmanifest` and `/sw.js` at the root; the offline pages list and queue."""

from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("luring/", views.QueueView.as_view(), name="queue"),
    path("luring/halaman/", views.PagesView.as_view(), name="pages"),
]
