"""URLs of the composed pages.

They keep their historical names in the `groups` namespace (`groups:home`,
`groups:kube_detail`, …): kube_registry/urls.py includes these patterns together with
groups' own in that one namespace.
"""

from django.urls import path

from . import group_list, home, profile

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("kelompok/", group_list.KubeListView.as_view(), name="kube_list"),
    path("kelompok/ekspor.<str:fmt>", group_list.KubeExportView.as_view(), name="kube_export"),
    path("kelompok/<int:pk>/", profile.KubeDetailView.as_view(), name="kube_detail"),
]
