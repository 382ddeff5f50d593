"""The training form and its participant filter (monitoring.training_views).

Every choice is of the training's city (issue 19): the kelurahan and groups to filter
by, the partners that may organise it, the members who may take part. A choice of
another city posted anyway is refused as one that does not exist.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.areas import KELURAHAN_CITY, KUBE_CITY
from groups.models import Kelurahan, Kube
from partnerships.selectors import partner_choices

from .models import Training, TrainingKind
from .trainings import city_members


class ParticipantFilterForm(forms.Form):
    """Narrow the members offered: a kelurahan, or one KUBE (GET; a large city needs it)."""

    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Kelurahan.objects.none(), required=False, empty_label=_("Semua")
    )
    kube = forms.ModelChoiceField(label=_("KUBE"), queryset=Kube.objects.none(), required=False, empty_label=_("Semua"))

    def __init__(self, *args, city_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = Kelurahan.objects.filter(**{f"{KELURAHAN_CITY}_id": city_id}).order_by(
            "name"
        )
        self.fields["kube"].queryset = Kube.objects.filter(**{f"{KUBE_CITY}_id": city_id}).order_by("name")


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=Training._meta.get_field("title").max_length)
    held_on = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Jenis"), choices=TrainingKind.choices)
    organiser = forms.ModelChoiceField(
        label=_("Penyelenggara"),
        queryset=partner_choices(city_id=0),
        required=False,
        empty_label=_("Dinas Sosial"),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Peserta"),
        queryset=city_members(0),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Anggota aktif, menurut KUBE. Saring menurut kelurahan atau KUBE di atas."),
    )

    def __init__(self, *args, city_id: int, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = partner_choices(city_id=city_id)
        self.fields["participants"].queryset = city_members(city_id).select_related("person")
        self.fields["participants"].widget.choices = choices
