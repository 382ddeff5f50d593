"""/api/ (contract 5): the read API, its OpenAPI 3 schema at /api/schema/, its documentation at /api/docs/.

Explicit paths rather than a router: the names and the `pk` parameters are the ones the
URL walker and the scope tests read.
"""

from django.urls import path

from . import views

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}


def _pair(route: str, viewset, name: str, param: str = "<int:pk>"):
    return [
        path(f"{route}/", viewset.as_view(LIST), name=f"{name}-list"),
        path(f"{route}/{param}/", viewset.as_view(DETAIL), name=f"{name}-detail"),
    ]


urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    *_pair("kelompok", views.KubeViewSet, "kube"),
    *_pair("anggota", views.MembershipViewSet, "membership"),
    *_pair("laporan-bulanan", views.ReportViewSet, "report"),
    *_pair("penilaian", views.AssessmentViewSet, "assessment"),
    *_pair("mitra", views.PartnerViewSet, "partner"),
    *_pair("kota", views.CityViewSet, "city", "<str:code>"),
    path("agregat/kategori/", views.CategoryAggregateView.as_view(), name="aggregate-categories"),
    path("agregat/kelengkapan-laporan/", views.CompletenessAggregateView.as_view(), name="aggregate-completeness"),
]
