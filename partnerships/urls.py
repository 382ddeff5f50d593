from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("kelompok/<int:pk>/kemitraan/tambah/", views.PartnershipAddView.as_view(), name="partnership_add"),
    path(
        "kelompok/<int:pk>/kemitraan/<int:partnership_pk>/ubah/",
        views.PartnershipUpdateView.as_view(),
        name="partnership_update",
    ),
    path(
        "kelompok/<int:pk>/kemitraan/<int:partnership_pk>/akhiri/",
        views.PartnershipEndView.as_view(),
        name="partnership_end",
    ),
    path("mitra/", views.PartnerListView.as_view(), name="partner_list"),
    path("mitra/ekspor/", views.PartnershipExportView.as_view(), name="partnership_export"),
    path("mitra/tambah/", views.PartnerCreateView.as_view(), name="partner_create"),
    path("mitra/<int:pk>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path("mitra/<int:pk>/ubah/", views.PartnerUpdateView.as_view(), name="partner_update"),
    path("mitra/<int:pk>/gabung/", views.PartnerMergeView.as_view(), name="partner_merge"),
]
