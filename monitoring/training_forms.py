"""The training form and its participant filter (monitoring.training_views)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Kelurahan, Kube, Membership
from partnerships.models import Partner

from .models import Training, TrainingKind


class ParticipantFilterForm(forms.Form):
    """Narrow the members offered: a kelurahan, or one KUBE (GET; a large city needs it)."""

    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Kelurahan.objects.order_by("name"), required=False, empty_label=_("Semua")
    )
    kube = forms.ModelChoiceField(
        label=_("KUBE"), queryset=Kube.objects.order_by("name"), required=False, empty_label=_("Semua")
    )


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=Training._meta.get_field("title").max_length)
    held_on = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Jenis"), choices=TrainingKind.choices)
    organiser = forms.ModelChoiceField(
        label=_("Penyelenggara"),
        queryset=Partner.objects.order_by("name"),
        required=False,
        empty_label=_("Dinas Sosial"),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Peserta"),
        queryset=Membership.objects.select_related("person"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Anggota aktif, menurut KUBE. Saring menurut kelurahan atau KUBE di atas."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].widget.choices = choices
