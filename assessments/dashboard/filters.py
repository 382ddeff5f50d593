"""The dashboard's filters: where (kecamatan, kelurahan, business field, facilitator)
and when (a year's end or a date, and the start of the movements).

The parameter names are the group list's (`kecamatan`, `kelurahan`, `business_field`,
`facilitator`), so the same query string filters both pages the same way.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from finances.periods import add_months, last_complete_month, month_end, month_start
from groups.areas import Area
from groups.filters import MSG_CHOOSE_CITY_FIRST, FacilitatorChoiceField, facilitators, wide_area_choices
from groups.forms import DateInput
from groups.models import BusinessField, City, Kecamatan, Kelurahan, Kube

PLACE_FIELDS = ("kota", "kecamatan", "kelurahan", "business_field", "facilitator")
PLACE_LOOKUPS = {"kota": "kelurahan__kecamatan__city", "kecamatan": "kelurahan__kecamatan"}


class DashboardFilterForm(forms.Form):
    # Every place choice is of the user's area (set in __init__); `kota` only for a province or the country.
    kota = forms.ModelChoiceField(
        label=_("Kota"),
        queryset=City.objects.none(),
        required=False,
        empty_label=_("Semua"),
        help_text=MSG_CHOOSE_CITY_FIRST,
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.none(), required=False, empty_label=_("Semua")
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Kelurahan.objects.none(), required=False, empty_label=_("Semua")
    )
    business_field = forms.ChoiceField(
        label=_("Jenis usaha"), choices=[("", _("Semua")), *BusinessField.choices], required=False
    )
    facilitator = FacilitatorChoiceField(
        label=_("Pendamping"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Semua")
    )
    tahun = forms.TypedChoiceField(label=_("Tahun"), coerce=int, required=False, empty_value=None)
    tanggal = forms.DateField(
        label=_("Per tanggal"), required=False, widget=DateInput(), help_text=_("Mengganti tahun bila diisi.")
    )
    dari = forms.DateField(
        label=_("Perpindahan sejak"),
        required=False,
        widget=DateInput(),
        help_text=_("Kosong: setahun sebelum tanggal penilaian."),
    )

    def __init__(self, *args, years: list[int], today: dt.date, area: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.area = area
        choices = sorted({*years, today.year}, reverse=True)
        self.fields["tahun"].choices = [("", _("Hari ini"))] + [(year, str(year)) for year in choices]
        self.fields["kecamatan"].queryset = Kecamatan.objects.in_area(area).order_by("name")
        self.fields["kelurahan"].queryset = Kelurahan.objects.in_area(area).order_by("name")
        self.fields["facilitator"].queryset = facilitators(area)
        if area.is_city:
            del self.fields["kota"]
        else:
            self.fields["kota"].queryset = City.objects.in_area(area).order_by("name")
            # A province's or the country's places: those of the chosen city (groups.filters).
            fields = [self.fields[name] for name in ("kecamatan", "kelurahan", "facilitator")]
            for field, queryset in zip(
                fields, wide_area_choices(area, self.data, *(field.queryset for field in fields)), strict=True
            ):
                field.queryset = queryset
        for bound in self.fields.values():
            css = "form-select" if isinstance(bound.widget, forms.Select) else "form-control"
            bound.widget.attrs["class"] = f"{css} {css}-sm"

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("tanggal")
        if day and day > self.today:
            self.add_error("tanggal", _("Tanggal tidak boleh melewati hari ini."))
        start = cleaned.get("dari")
        if start and start >= self.as_of_from(cleaned):
            self.add_error("dari", _("Tanggal awal perpindahan harus sebelum tanggal penilaian."))
        return cleaned

    def as_of_from(self, cleaned: dict) -> dt.date:
        if cleaned.get("tanggal"):
            return min(cleaned["tanggal"], self.today)
        if cleaned.get("tahun"):
            return min(dt.date(cleaned["tahun"], 12, 31), self.today)
        return self.today


@dataclass(frozen=True)
class DashboardParams:
    """What every block reads: the groups in the filter and the dates."""

    kubes: QuerySet[Kube]
    as_of: dt.date
    year_before: dt.date
    movement_from: dt.date
    last_month: dt.date  # the latest complete month on `as_of`
    query: str  # the filter as a query string, for export links and the group list
    several_cities: bool = False  # a province's or the country's dashboard: the breakdown by city


def dashboard_params(form: DashboardFilterForm, kubes: QuerySet[Kube]) -> DashboardParams:
    """The filtered groups and the dates; an invalid field is ignored (the form shows why)."""
    cleaned = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    today = form.today
    for name in PLACE_FIELDS:
        value = cleaned.get(name)
        if value:
            lookup = PLACE_LOOKUPS.get(name, name)
            kubes = kubes.filter(**{lookup: value})
    as_of = form.as_of_from(cleaned) if cleaned else today
    year_before = add_months(as_of, -12)
    movement_from = cleaned.get("dari") or year_before
    if movement_from >= as_of:
        movement_from = year_before
    last_month = month_start(as_of) if month_end(as_of) == as_of else last_complete_month(as_of)
    query = {}
    for name in (*PLACE_FIELDS, "tahun", "tanggal", "dari"):
        value = form.data.get(name) if form.is_bound and name not in form.errors else None
        if value:
            query[name] = value
    return DashboardParams(
        kubes=kubes,
        as_of=as_of,
        year_before=year_before,
        movement_from=movement_from,
        last_month=last_month,
        query=urlencode(query),
        several_cities=not form.area.is_city and not cleaned.get("kota"),
    )
