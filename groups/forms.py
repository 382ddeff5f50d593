"""Forms for groups and members. Rules live in services; forms clean and label."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .areas import Area
from .filters import facilitators
from .models import Kelurahan, Kube, LeaveReason, Role, Sex
from .services import KUBE_FIELDS, kube_fields_check


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FacilitatorField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class KelurahanField(forms.ModelChoiceField):
    """Each kelurahan labelled with its kecamatan, so the choice says where it lies."""

    def __init__(self, **kwargs):
        # The form narrows it to the user's area.
        super().__init__(queryset=Kelurahan.objects.none(), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.kecamatan.name}"


class KubeForm(forms.ModelForm):
    kelurahan = KelurahanField(label=_("Kelurahan"))
    facilitator = FacilitatorField(label=_("Pendamping"), queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = Kube
        fields = KUBE_FIELDS
        widgets = {
            "founded_on": DateInput(),
            "financial_institution_on": DateInput(),
            "business_description": forms.Textarea(attrs={"rows": 3}),
            "vision": forms.Textarea(attrs={"rows": 3}),
            "plan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, area: Area, can_assign: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's city's kelurahan and facilitators are offered (or accepted).
        self.fields["kelurahan"].queryset = (
            Kelurahan.objects.in_area(area).select_related("kecamatan").order_by("kecamatan__name", "name")
        )
        self.fields["facilitator"].queryset = facilitators(area)
        if not can_assign:
            # Assignment and status are the office's decisions, not the facilitator's.
            del self.fields["facilitator"]
            del self.fields["status"]

    def clean(self):
        cleaned = super().clean()
        try:
            kube_fields_check(cleaned)
        except ValidationError as exc:
            self.add_error(None, exc)  # a dict of field -> message lands on each field
        return cleaned

    def _get_validation_exclusions(self):
        # kube_fields_check names the field; the model's check would only say "form".
        return super()._get_validation_exclusions() | {"financial_institution", "financial_institution_on"}


class MemberAddForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=25, help_text=_("16 digit; spasi dan titik boleh."))
    name = forms.CharField(label=_("Nama"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_on = forms.DateField(
        label=_("Tanggal lahir"), required=False, widget=DateInput(), help_text=_("Kosongkan untuk mengambil dari NIK.")
    )
    kk = forms.CharField(label=_("Nomor KK"), max_length=25, required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    role = forms.ChoiceField(label=_("Jabatan"), choices=Role.choices, initial=Role.ANGGOTA)
    joined_on = forms.DateField(label=_("Tanggal masuk"), required=False, widget=DateInput())
    is_dtks = forms.BooleanField(label=_("Terdaftar di DTKS"), required=False, initial=True)
    is_pkh = forms.BooleanField(label=_("Penerima PKH"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].initial = timezone.localdate()


MSG_BIRTH_NEEDS_NIK = _("Ketik ulang NIK untuk mengubah tanggal lahir (NIK memuat tanggal lahir).")


class MaskedIdentityMixin:
    """Identity fields for a user who may not read them (kube_registry.masking).

    They are shown empty, never pre-filled, and left empty mean "unchanged". A new birth
    date needs the NIK typed with it: checked against the stored NIK alone, each try
    would tell whether a guessed date is the one the NIK holds.
    """

    MASKED_FIELDS = ("nik", "kk", "birth_on", "phone")

    def mask_identity_fields(self) -> None:
        self.masked = True
        for name in self.MASKED_FIELDS:
            self.fields[name].required = False
            self.fields[name].help_text = _("Kosongkan jika tidak berubah.")

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "masked", False) and cleaned.get("birth_on") and not cleaned.get("nik"):
            self.add_error("birth_on", MSG_BIRTH_NEEDS_NIK)
        return cleaned


class PersonForm(MaskedIdentityMixin, forms.Form):
    """Corrections to a member's personal data; the NIK checks run again."""

    nik = forms.CharField(label=_("NIK"), max_length=25, help_text=_("16 digit; spasi dan titik boleh."))
    name = forms.CharField(label=_("Nama"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_on = forms.DateField(label=_("Tanggal lahir"), required=False, widget=DateInput())
    kk = forms.CharField(label=_("Nomor KK"), max_length=25, required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    is_dtks = forms.BooleanField(label=_("Terdaftar di DTKS"), required=False)
    is_pkh = forms.BooleanField(label=_("Penerima PKH"), required=False)

    def __init__(self, *args, masked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if masked:
            # Users who may not read them may still correct them, typing them anew.
            self.mask_identity_fields()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Jabatan"), choices=Role.choices)


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Tanggal keluar"), widget=DateInput())
    leave_reason = forms.ChoiceField(label=_("Alasan keluar"), choices=LeaveReason.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()
