"""The group list's search, filters and sorting (django-filter): what `groups` itself knows.

The list page extends `KubeFilter` with the other apps' filters and sort orders in
`pages/group_list.py`.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kube_registry.roles import ROLE_FACILITATOR

from .areas import KELURAHAN_CITY, AreaLevel, area_of, home_area
from .models import BusinessField, City, Kecamatan, Kelurahan, Kube, KubeStatus
from .selectors import kube_search

KECAMATAN_CITY = "city"


def place_choices(user, data, kecamatans, kelurahans, people) -> tuple:
    """The kecamatan, kelurahan and facilitators (querysets, narrowed) a filter offers `user` (issue 19).

    A city's users choose among its kecamatan, kelurahan and facilitators. A province's
    or the country's readers choose a kecamatan first: the kelurahan and facilitators
    offered are then that kecamatan's and its city's (every one of a country would be
    tens of thousands of options on every page). `data`: the filter's query (its `kecamatan`).
    """
    area = area_of(user)
    kecamatans = kecamatans.filter(area.q(KECAMATAN_CITY))
    kelurahans = kelurahans.filter(area.q(KELURAHAN_CITY))
    if area.is_city:
        return kecamatans, kelurahans, people.filter(_users_in_city(area.code))
    kecamatan = str(data.get("kecamatan", "")) if data else ""
    chosen = Kecamatan.objects.filter(area.q(KECAMATAN_CITY), pk=int(kecamatan) if kecamatan.isdigit() else 0)
    cities = City.objects.filter(kecamatans__in=chosen)
    return kecamatans, kelurahans.filter(kecamatan__in=chosen), people.filter(area__city__in=cities)


def facilitators():
    return get_user_model().objects.filter(groups__name=ROLE_FACILITATOR).order_by("username")


def _users_in_city(code: str) -> Q:
    """Users working in the city `code`: theirs by their area, or the installation's for those without one."""
    in_city = Q(area__level=AreaLevel.KOTA, area__city__code=code)
    if code == home_area().code:
        in_city |= Q(area__isnull=True)
    return in_city


class FacilitatorChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class FacilitatorFilter(django_filters.ModelChoiceFilter):
    field_class = FacilitatorChoiceField


class IndonesianOrderingFilter(django_filters.OrderingFilter):
    """Sorting choices labelled in our words (django-filter has no Indonesian catalog).

    Fields in `nulls_last` put groups without a value last in both directions; ties
    fall back to the registration number, so pages do not shift.
    """

    def __init__(self, *args, nulls_last=(), **kwargs):
        self.nulls_last = set(nulls_last)
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        choices = []
        for field_name, param in fields.items():
            label = labels.get(field_name, param)
            choices += [(param, label), (f"-{param}", _("{label} (menurun)").format(label=label))]
        return choices

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.removeprefix("-")
        if name in self.nulls_last:
            return F(name).desc(nulls_last=True) if value.startswith("-") else F(name).asc(nulls_last=True)
        return value

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "no_registrasi") if value else qs


ORDERING_FIELDS = {
    "no_registrasi": "no_registrasi",
    "name": "name",
    "founded_on": "founded_on",
    "active_member_count": "members",
    "kelurahan__name": "kelurahan",
}
ORDERING_LABELS = {
    "no_registrasi": _("Nomor registrasi"),
    "name": _("Nama"),
    "founded_on": _("Tanggal berdiri"),
    "active_member_count": _("Jumlah anggota"),
    "kelurahan__name": _("Kelurahan"),
}


def ordering_filter(fields=ORDERING_FIELDS, labels=ORDERING_LABELS, nulls_last=()):
    return IndonesianOrderingFilter(
        label=_("Urutkan"), empty_label=_("Nomor registrasi"), fields=fields, field_labels=labels, nulls_last=nulls_last
    )


class KubeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari"), method="search", help_text=_("Nama atau nomor registrasi. NIK anggota: lewat Cari NIK.")
    )
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), field_name="kelurahan__kecamatan", queryset=Kecamatan.objects.all()
    )
    kelurahan = django_filters.ModelChoiceFilter(label=_("Kelurahan"), queryset=Kelurahan.objects.all())
    business_field = django_filters.ChoiceFilter(label=_("Jenis usaha"), choices=BusinessField.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=KubeStatus.choices)
    facilitator = FacilitatorFilter(label=_("Pendamping"), queryset=facilitators())
    o = ordering_filter()

    class Meta:
        model = Kube
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["facilitator"].queryset = facilitators()
        if user is not None:
            self._scope_choices(user)
        # A facilitator's list holds only their own groups: the filter would be noise.
        if user is not None and not user.has_perm("groups.view_all_kube"):
            del self.filters["facilitator"]

    def _scope_choices(self, user) -> None:
        kecamatans, kelurahans, people = place_choices(
            user,
            self.data,
            self.filters["kecamatan"].queryset,
            self.filters["kelurahan"].queryset,
            self.filters["facilitator"].queryset,
        )
        self.filters["kecamatan"].queryset = kecamatans
        self.filters["kelurahan"].queryset = kelurahans
        self.filters["facilitator"].queryset = people

    def search(self, queryset, name, value):
        return kube_search(queryset, value)
