"""The API's filters: the group list's (search by name or number, status, business field,
category, kecamatan, kelurahan) with regions by their Kemendagri codes, not row ids.

No filter takes a NIK or another personal number: they must never travel in a URL
(server logs), as on the group list (groups.selectors.kube_search).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from assessments.listing import category_filter
from assessments.models import Category
from finances.models import REPORTED_STATUSES, ReportStatus
from groups.models import BusinessField, KubeStatus, Role
from groups.selectors import kube_search
from partnerships.models import PartnerKind

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]
MSG_MOMENT_OUT_OF_RANGE = _("Waktu di luar jangkauan; tulis mis. 2026-01-31T08:00:00+08:00.")


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC: Python accepts offsets up to ±23:59
    that PostgreSQL refuses ("time zone displacement out of range"), and a moment that does not
    exist in UTC (year 1 minus an offset) is a clear 400, never a server error."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(MSG_MOMENT_OUT_OF_RANGE, code="invalid") from exc


class UtcIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def _code(field_name: str, label: str) -> filters.CharFilter:
    return filters.CharFilter(field_name=field_name, label=label)


class KubeApiFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Cari nama atau nomor registrasi"), method="search")
    no_registrasi = filters.CharFilter(label=_("Nomor registrasi (persis)"))
    kota = _code("kelurahan__kecamatan__city__code", _("Kode kota, mis. 64.74"))
    kecamatan = _code("kelurahan__kecamatan__code", _("Kode kecamatan, mis. 64.74.01"))
    kelurahan = _code("kelurahan__code", _("Kode kelurahan, mis. 64.74.01.1004"))
    business_field = filters.ChoiceFilter(label=_("Jenis usaha"), choices=BusinessField.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=KubeStatus.choices)
    kategori = category_filter()  # the latest assessment's final category, as on the group list
    diubah_sejak = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Diubah sejak (ISO 8601)"))

    def search(self, queryset, name, value):
        return kube_search(queryset, value)


class _ByGroup(filters.FilterSet):
    """Filters of a group's records: the group by number, its city and kecamatan."""

    kelompok = filters.CharFilter(field_name="kube__no_registrasi", label=_("Nomor registrasi KUBE"))
    kota = _code("kube__kelurahan__kecamatan__city__code", _("Kode kota, mis. 64.74"))
    kecamatan = _code("kube__kelurahan__kecamatan__code", _("Kode kecamatan, mis. 64.74.01"))


class MembershipApiFilter(_ByGroup):
    aktif = filters.BooleanFilter(field_name="left_on", lookup_expr="isnull", label=_("Masih aktif"))
    jabatan = filters.ChoiceFilter(field_name="role", choices=Role.choices, label=_("Jabatan"))


class ReportApiFilter(_ByGroup):
    periode_dari = filters.DateFilter(
        field_name="period", lookup_expr="gte", input_formats=MONTH_FORMATS, label=_("Dari bulan (YYYY-MM)")
    )
    periode_sampai = filters.DateFilter(
        field_name="period", lookup_expr="lte", input_formats=MONTH_FORMATS, label=_("Sampai bulan (YYYY-MM)")
    )
    status = filters.ChoiceFilter(
        choices=[(value, label) for value, label in ReportStatus.choices if value in REPORTED_STATUSES],
        label=_("Status"),
    )


class AssessmentApiFilter(_ByGroup):
    kategori = filters.ChoiceFilter(field_name="final_category", choices=Category.choices, label=_("Kategori akhir"))
    tanggal_dari = filters.DateFilter(field_name="as_of", lookup_expr="gte", label=_("Dinilai per tanggal, dari"))
    tanggal_sampai = filters.DateFilter(field_name="as_of", lookup_expr="lte", label=_("Dinilai per tanggal, sampai"))
    terakhir = filters.BooleanFilter(
        method="latest", label=_("Hanya penilaian terakhir tiap KUBE (sampai tanggal_sampai bila ada)")
    )

    def latest(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.latest_per_kube(on=self.form.cleaned_data.get("tanggal_sampai"))


class PartnerApiFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Cari nama mitra"))
    jenis = filters.ChoiceFilter(field_name="kind", choices=PartnerKind.choices, label=_("Jenis mitra"))
    kota = _code("city__code", _("Kode kota, mis. 64.74"))
