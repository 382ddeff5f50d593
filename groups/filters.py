"""The group list's search, filters and sorting (django-filter)."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kube_registry.roles import ROLE_FACILITATOR

from .models import BusinessField, Kecamatan, Kelurahan, Kube, KubeStatus
from .selectors import kube_search


def facilitators():
    return get_user_model().objects.filter(groups__name=ROLE_FACILITATOR).order_by("username")


class FacilitatorChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class FacilitatorFilter(django_filters.ModelChoiceFilter):
    field_class = FacilitatorChoiceField


class IndonesianOrderingFilter(django_filters.OrderingFilter):
    """Sorting choices labelled in our words (django-filter has no Indonesian catalog)."""

    def build_choices(self, fields, labels):
        choices = []
        for field_name, param in fields.items():
            label = labels.get(field_name, param)
            choices += [(param, label), (f"-{param}", _("{label} (menurun)").format(label=label))]
        return choices


class KubeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari"), method="search", help_text=_("Nama, nomor registrasi, atau NIK anggota")
    )
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), field_name="kelurahan__kecamatan", queryset=Kecamatan.objects.all()
    )
    kelurahan = django_filters.ModelChoiceFilter(label=_("Kelurahan"), queryset=Kelurahan.objects.all())
    business_field = django_filters.ChoiceFilter(label=_("Jenis usaha"), choices=BusinessField.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=KubeStatus.choices)
    facilitator = FacilitatorFilter(label=_("Pendamping"), queryset=facilitators())
    o = IndonesianOrderingFilter(
        label=_("Urutkan"),
        empty_label=_("Nomor registrasi"),
        fields=(
            ("no_registrasi", "no_registrasi"),
            ("name", "name"),
            ("founded_on", "founded_on"),
            ("active_member_count", "members"),
            ("kelurahan__name", "kelurahan"),
        ),
        field_labels={
            "no_registrasi": _("Nomor registrasi"),
            "name": _("Nama"),
            "founded_on": _("Tanggal berdiri"),
            "active_member_count": _("Jumlah anggota"),
            "kelurahan__name": _("Kelurahan"),
        },
    )

    class Meta:
        model = Kube
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["facilitator"].queryset = facilitators()
        # A facilitator's list holds only their own groups: the filter would be noise.
        if user is not None and not user.has_perm("groups.view_all_kube"):
            del self.filters["facilitator"]

    def search(self, queryset, name, value):
        return kube_search(queryset, value)
