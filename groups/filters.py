"""The group list's search, filters and sorting (django-filter): what `groups` itself knows.

The list page extends `KubeFilter` with the other apps' filters and sort orders in
`pages/group_list.py`.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kube_registry.roles import ROLE_FACILITATOR

from .areas import Area, AreaLevel, area_of, home_area, users_q
from .models import BusinessField, City, Kecamatan, Kelurahan, Kube, KubeStatus
from .selectors import kube_search


def facilitators(area: Area):
    """The facilitators who work in `area`: the choices of every facilitator field."""
    return get_user_model().objects.filter(users_q(area), groups__name=ROLE_FACILITATOR).order_by("username")


# A province's or the country's reader picks a city before its places and people are offered.
MSG_CHOOSE_CITY_FIRST = _("Pilih kota dahulu: kecamatan, kelurahan dan pendamping kota itu lalu dapat dipilih.")


def wide_area_choices(area: Area, data, kecamatans, kelurahans, people) -> tuple:
    """For a province's or the country's readers: the kecamatan, kelurahan and facilitators of the
    city they chose (`kota`, or the chosen `kecamatan`'s city), none before (issue 19, part 3).

    Every one of a country's would be thousands of options on every page (Indonesia has some
    7,000 kecamatan and 83,000 kelurahan): at 2,000 kelurahan and 5,000 facilitators they were
    most of the national list's and dashboard's time. `data`: the filter's query.
    """

    def chosen(name: str) -> int:
        value = str(data.get(name, "")) if data else ""
        return int(value) if value.isdigit() else 0

    kota, kecamatan = chosen("kota"), chosen("kecamatan")
    cities = (
        list(City.objects.in_area(area).filter(Q(pk=kota) | Q(kecamatans__pk=kecamatan)).distinct())
        if kota or kecamatan
        else []
    )
    if not cities:
        return kecamatans.none(), kelurahans.none(), people.none()
    in_cities = Q()
    for city in cities:
        in_cities |= users_q(Area(AreaLevel.KOTA, city.code, city.name))
    return (
        kecamatans.filter(city__in=cities),
        kelurahans.filter(kecamatan__city__in=cities),
        people.filter(in_cities),
    )


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
    kota = django_filters.ModelChoiceFilter(
        label=_("Kota"),
        field_name="kelurahan__kecamatan__city",
        queryset=City.objects.none(),
        help_text=MSG_CHOOSE_CITY_FIRST,
    )
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), field_name="kelurahan__kecamatan", queryset=Kecamatan.objects.none()
    )
    kelurahan = django_filters.ModelChoiceFilter(label=_("Kelurahan"), queryset=Kelurahan.objects.none())
    business_field = django_filters.ChoiceFilter(label=_("Jenis usaha"), choices=BusinessField.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=KubeStatus.choices)
    facilitator = FacilitatorFilter(label=_("Pendamping"), queryset=get_user_model().objects.none())
    o = ordering_filter()

    class Meta:
        model = Kube
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Every choice is of the user's area: another city's regions and people are not offered.
        area = area_of(user) if user is not None else home_area()
        self.filters["kecamatan"].queryset = Kecamatan.objects.in_area(area)
        self.filters["kelurahan"].queryset = Kelurahan.objects.in_area(area)
        self.filters["facilitator"].queryset = facilitators(area)
        if area.is_city:
            del self.filters["kota"]
        else:
            self.filters["kota"].queryset = City.objects.in_area(area).order_by("name")
            for name, queryset in zip(
                ("kecamatan", "kelurahan", "facilitator"),
                wide_area_choices(
                    area, self.data, *(self.filters[n].queryset for n in ("kecamatan", "kelurahan", "facilitator"))
                ),
                strict=True,
            ):
                self.filters[name].queryset = queryset
        # A facilitator's list holds only their own groups: the filter would be noise.
        if user is not None and not user.has_perm("groups.view_all_kube"):
            del self.filters["facilitator"]

    def search(self, queryset, name, value):
        return kube_search(queryset, value)
