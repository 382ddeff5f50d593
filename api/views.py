"""The read API's views: every list and detail starts from the client's area.

Order of answers (DRF's): no or a wrong token → 401; then the rate limit → 429; then
an object outside the area → 404 (it is not in the queryset); a method other than GET,
HEAD or OPTIONS → 405, whatever the object. Every call of a known client is recorded
(one insert), refused ones included.
"""

import datetime as dt
import re
import time

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from finances.periods import last_complete_month
from groups.areas import NOWHERE, Area
from kube_registry.masking import mask_personal_data

from . import selectors
from .filters import AssessmentApiFilter, KubeApiFilter, MembershipApiFilter, PartnerApiFilter, ReportApiFilter
from .models import ApiCall
from .serializers import (
    AssessmentSerializer,
    CategoryAggregateSerializer,
    CitySerializer,
    CompletenessAggregateSerializer,
    KubeSerializer,
    MembershipSerializer,
    PartnerSerializer,
    ReportSerializer,
)
from .throttling import Throttled

CITY_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}")


def _printable(text: str) -> str:
    # A NUL byte in a decoded path cannot be stored in PostgreSQL: keep it visible instead.
    return text.replace("\x00", "\\x00")


def record_call(request, response, started: float) -> None:
    """One row per call of a known client; the query string masked like a log line."""
    client = getattr(request, "api_client", None)
    if client is None:
        return
    ApiCall.objects.create(
        client=client,
        method=_printable(request.method)[:10],
        path=_printable(request.path)[:500],
        query_string=_printable(mask_personal_data(request.META.get("QUERY_STRING", "")))[:2000],
        status_code=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000),
        at=timezone.now(),
    )


class ClientApiMixin:
    """The client's area, its masking flag for the serializers, our 429, and the call log."""

    def dispatch(self, request, *args, **kwargs):
        started = time.perf_counter()
        response = super().dispatch(request, *args, **kwargs)
        record_call(request, response, started)
        return response

    @property
    def client(self):
        return self.request.auth

    @property
    def area(self) -> Area:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the views: no client
            return NOWHERE
        return self.client.as_area()

    def get_serializer_context(self):
        return super().get_serializer_context() | {"client": self.request.auth}

    def throttled(self, request, wait):
        raise Throttled(wait)


class ReadOnlyViewSet(ClientApiMixin, viewsets.ReadOnlyModelViewSet):
    pass


@extend_schema(tags=["kelompok"])
class KubeViewSet(ReadOnlyViewSet):
    """KUBE di wilayah klien, dengan jumlah anggota aktif dan penilaian terakhirnya."""

    serializer_class = KubeSerializer
    filterset_class = KubeApiFilter

    def get_queryset(self):
        return selectors.kube_list(self.area)


@extend_schema(tags=["anggota"])
class MembershipViewSet(ReadOnlyViewSet):
    """Keanggotaan (juga yang sudah keluar); data pribadi disamarkan tanpa izin klien."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipApiFilter

    def get_queryset(self):
        return selectors.membership_list(self.area)


@extend_schema(tags=["laporan bulanan"])
class ReportViewSet(ReadOnlyViewSet):
    """Laporan bulanan yang diajukan dan terverifikasi."""

    serializer_class = ReportSerializer
    filterset_class = ReportApiFilter

    def get_queryset(self):
        return selectors.report_list(self.area)


@extend_schema(tags=["penilaian"])
class AssessmentViewSet(ReadOnlyViewSet):
    """Penilaian kemandirian dengan indikator dan buktinya."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentApiFilter

    def get_queryset(self):
        return selectors.assessment_list(self.area)


@extend_schema(tags=["mitra"])
class PartnerViewSet(ReadOnlyViewSet):
    """Mitra kota-kota di wilayah klien, dengan kemitraannya dengan KUBE."""

    serializer_class = PartnerSerializer
    filterset_class = PartnerApiFilter

    def get_queryset(self):
        return selectors.partner_list(self.area)


@extend_schema(tags=["wilayah"])
class CityViewSet(ReadOnlyViewSet):
    """Kota di wilayah klien (kode untuk filter `kota`)."""

    serializer_class = CitySerializer
    pagination_class = None
    lookup_field = "code"

    def get_queryset(self):
        return selectors.city_list(self.area)

    def get_object(self):
        # Only a city code reaches the database (a NUL byte in the path would be a 500 on PostgreSQL).
        if not CITY_CODE.fullmatch(self.kwargs["code"]):
            raise Http404
        return super().get_object()


# --- Aggregates ----------------------------------------------------------------------------

REGION_FILTERS = {"kota": "kelurahan__kecamatan__city__code", "kecamatan": "kelurahan__kecamatan__code"}


class _AreaQuery(serializers.Serializer):
    kota = serializers.CharField(required=False, max_length=5, help_text=_("Hanya kota ini, mis. 64.72"))
    kecamatan = serializers.CharField(required=False, max_length=8, help_text=_("Hanya kecamatan ini, mis. 64.74.01"))


class CategoryQuery(_AreaQuery):
    tanggal = serializers.DateField(required=False, help_text=_("Kategori per tanggal ini (bawaan: hari ini)."))
    per = serializers.ChoiceField(
        choices=[("kota", "kota"), ("kecamatan", "kecamatan")],
        default="kota",
        help_text=_("Rincian per kota atau kecamatan."),
    )


class CompletenessQuery(_AreaQuery):
    bulan = serializers.DateField(
        required=False,
        input_formats=["%Y-%m"],
        help_text=_("Bulan terakhir, YYYY-MM (bawaan: bulan lalu)."),
    )
    jumlah_bulan = serializers.IntegerField(required=False, default=12, min_value=1, max_value=36)

    def validate_bulan(self, value: dt.date) -> dt.date:
        if not 1990 <= value.year <= 2100:
            raise serializers.ValidationError(_("Bulan di luar 1990–2100."))
        return value


class AggregateView(ClientApiMixin, APIView):
    query_serializer: type[serializers.Serializer]

    def query(self) -> dict:
        query = self.query_serializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data

    def kubes(self, query: dict):
        kubes = selectors.kubes_in(self.area)
        for name, path in REGION_FILTERS.items():
            if query.get(name):
                kubes = kubes.filter(**{path: query[name]})
        return kubes


@extend_schema(tags=["agregat"], parameters=[CategoryQuery], responses=CategoryAggregateSerializer)
class CategoryAggregateView(AggregateView):
    """KUBE (kecuali yang bubar) per kategori akhir penilaian terakhirnya pada tanggal itu, per kota atau kecamatan."""

    query_serializer = CategoryQuery

    def get(self, request):
        query = self.query()
        day = query.get("tanggal") or timezone.localdate()
        rows = selectors.categories_by_area(self.kubes(query), day, query["per"])
        data = {"wilayah": self.area.name, "tanggal": day, "per": query["per"], "baris": rows}
        return Response(CategoryAggregateSerializer(data).data)


@extend_schema(tags=["agregat"], parameters=[CompletenessQuery], responses=CompletenessAggregateSerializer)
class CompletenessAggregateView(AggregateView):
    """Kelengkapan laporan bulanan per bulan: KUBE aktif yang wajib melapor, laporan masuk,
    terverifikasi, tepat waktu."""

    query_serializer = CompletenessQuery

    def get(self, request):
        query = self.query()
        last = query.get("bulan") or last_complete_month(timezone.localdate())
        rows = selectors.completeness_by_month(self.kubes(query), last, query["jumlah_bulan"])
        return Response(CompletenessAggregateSerializer({"wilayah": self.area.name, "baris": rows}).data)


# --- The index and the documentation ---------------------------------------------------------


class IndexView(APIView):
    """Where everything is: public, no data."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(exclude=True)
    def get(self, request):
        names = {
            "kelompok": "api:kube-list",
            "anggota": "api:membership-list",
            "laporan_bulanan": "api:report-list",
            "penilaian": "api:assessment-list",
            "mitra": "api:partner-list",
            "kota": "api:city-list",
            "agregat_kategori": "api:aggregate-categories",
            "agregat_kelengkapan_laporan": "api:aggregate-completeness",
            "skema": "api:schema",
            "dokumentasi": "api:docs",
        }
        return Response({key: reverse(name, request=request) for key, name in names.items()})


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the app's own static files (drf-spectacular-sidecar); its set-up
    script is a separate request and its page has no inline style: the site's CSP holds."""

    url_name = "api:schema"
    template_name = "api/swagger_ui.html"
    title = "API Registri KUBE"


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, shown rather than offered as a file: it describes the API and
    holds no data, so it is not an export (kube_registry.downloads audits every file response)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if "Content-Disposition" in response:
            del response["Content-Disposition"]
        return response
