"""Forms for proposals, candidate families and stages. Rules live in services; forms clean and label."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finances.forms import MoneyField
from groups.areas import Area
from groups.filters import facilitators
from groups.forms import DateInput, FacilitatorField, KelurahanField, MaskedIdentityMixin
from groups.models import Kelurahan, Role, Sex

from .models import Proposal, ProposalStatus, Stage, Willingness
from .services import MSG_OUTSIDE_WORK_AREA, PROPOSAL_FIELDS, proposal_values_check


def limit_to_work_area(field, kelurahans) -> None:
    """Offer only the kelurahan of the user's work area (`groups.models.work_area`, within
    their city); another is refused on the field with the service's message."""
    kelurahans = Kelurahan.objects.none() if kelurahans is None else kelurahans
    field.queryset = (
        Kelurahan.objects.filter(pk__in=kelurahans.values("pk"))
        .select_related("kecamatan")
        .order_by("kecamatan__name", "name")
    )
    field.error_messages["invalid_choice"] = _(MSG_OUTSIDE_WORK_AREA)


class ProposalForm(forms.ModelForm):
    kelurahan = KelurahanField(label=_("Kelurahan"))
    facilitator = FacilitatorField(label=_("Pendamping"), queryset=get_user_model().objects.none(), required=False)
    grant_amount = MoneyField(
        label=_("Jumlah bantuan modal"),
        required=False,
        help_text=_("Rupiah, mis. 20.000.000; kosongkan bila belum ada."),
    )

    class Meta:
        model = Proposal
        fields = PROPOSAL_FIELDS
        widgets = {"proposed_on": DateInput(), "business_description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, area: Area, can_assign: bool = True, kelurahans=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_work_area(self.fields["kelurahan"], kelurahans)
        self.fields["facilitator"].queryset = facilitators(area)
        if not self.instance.pk:
            self.fields["proposed_on"].initial = timezone.localdate()
        if not can_assign:
            # A facilitator's proposal is theirs to accompany.
            del self.fields["facilitator"]

    def clean_grant_amount(self):
        # An empty box is "no grant", not Rp 0.
        raw = self.data.get(self.add_prefix("grant_amount"), "")
        return None if not str(raw).strip() else self.cleaned_data["grant_amount"]

    def clean(self):
        cleaned = super().clean()
        try:
            proposal_values_check(cleaned)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned

    def _post_clean(self):
        # The services save; the model's checks would repeat proposal_values_check
        # without naming the field.
        pass


class CandidateForm(MaskedIdentityMixin, forms.Form):
    """A family: who they are, where they live, and what ranks them on the waiting list."""

    nik = forms.CharField(label=_("NIK"), max_length=25, help_text=_("16 digit; spasi dan titik boleh."))
    name = forms.CharField(label=_("Nama kepala keluarga / pencari nafkah"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_on = forms.DateField(
        label=_("Tanggal lahir"), required=False, widget=DateInput(), help_text=_("Kosongkan untuk mengambil dari NIK.")
    )
    kk = forms.CharField(label=_("Nomor KK"), max_length=25, required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    kelurahan = KelurahanField(label=_("Kelurahan tempat tinggal"))
    rt = forms.CharField(label=_("RT"), max_length=10, required=False)
    is_head_of_family = forms.BooleanField(label=_("Kepala keluarga"), required=False)
    is_main_earner = forms.BooleanField(label=_("Pencari nafkah utama"), required=False)
    is_dtks = forms.BooleanField(label=_("Terdaftar di DTKS"), required=False)
    dtks_decile = forms.IntegerField(
        label=_("Desil DTKS"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("1 = paling miskin; kosongkan bila tidak diketahui."),
    )
    is_pkh = forms.BooleanField(label=_("Penerima PKH"), required=False)
    dependents = forms.IntegerField(label=_("Jumlah tanggungan"), min_value=0, max_value=30, initial=0)
    willingness = forms.ChoiceField(
        label=_("Kesediaan menjadi anggota"), choices=Willingness.choices, initial=Willingness.BELUM
    )
    willingness_note = forms.CharField(label=_("Catatan kesediaan"), max_length=255, required=False)

    def __init__(self, *args, kelurahan: Kelurahan | None = None, masked: bool = False, kelurahans=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_work_area(self.fields["kelurahan"], kelurahans)
        if kelurahan is not None:
            self.fields["kelurahan"].initial = kelurahan.pk
        if masked:
            # Users who may not read them may still correct them, typing them anew.
            self.mask_identity_fields()


class ProposalCandidateForm(CandidateForm):
    role = forms.ChoiceField(label=_("Jabatan yang diusulkan"), choices=Role.choices, initial=Role.ANGGOTA)

    field_order = ["nik", "name", "sex", "role"]


class PickCandidatesForm(forms.Form):
    """Families from the waiting list to put on a proposal, all as members."""

    candidates = forms.ModelMultipleChoiceField(
        label=_("Calon dari daftar tunggu"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = queryset
        self.fields["candidates"].label_from_instance = lambda c: c.name


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    exception_reason = forms.CharField(
        label=_("Alasan pengecualian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib bila ada pemeriksaan yang tidak terpenuhi; berlaku untuk seluruh usulan."),
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Tahap"), choices=Stage.choices)
    started_on = forms.DateField(label=_("Tanggal mulai"), widget=DateInput())
    note = forms.CharField(label=_("Catatan"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Semua status")), *ProposalStatus.choices], required=False
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.none(),
        required=False,
        empty_label=_("Semua kelurahan"),
    )

    def __init__(self, *args, area: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = Kelurahan.objects.in_area(area).order_by("name")


class WaitingListForm(forms.Form):
    kelurahan = KelurahanField(label=_("Kelurahan"), required=False, empty_label=_("Pilih kelurahan"))

    def __init__(self, *args, kelurahans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = kelurahans.select_related("kecamatan").order_by("kecamatan__name", "name")
