from django.urls import path

from . import area_views, search_views, views

app_name = "groups"

urlpatterns = [
    path("kelompok/cari-nik/", search_views.MemberSearchView.as_view(), name="member_search"),
    path("pendamping/", area_views.FacilitatorListView.as_view(), name="facilitator_list"),
    path("pendamping/<int:user_pk>/wilayah/", area_views.FacilitatorAreaView.as_view(), name="facilitator_area"),
    path("kelompok/tambah/", views.KubeCreateView.as_view(), name="kube_create"),
    path("kelompok/<int:pk>/ubah/", views.KubeUpdateView.as_view(), name="kube_update"),
    path("kelompok/<int:pk>/anggota/tambah/", views.MemberAddView.as_view(), name="member_add"),
    path(
        "kelompok/<int:pk>/anggota/<int:membership_pk>/jabatan/",
        views.MemberRoleView.as_view(),
        name="member_role",
    ),
    path(
        "kelompok/<int:pk>/anggota/<int:membership_pk>/keluar/",
        views.MemberLeaveView.as_view(),
        name="member_leave",
    ),
    path(
        "kelompok/<int:pk>/anggota/<int:membership_pk>/data/",
        views.PersonUpdateView.as_view(),
        name="person_update",
    ),
]
