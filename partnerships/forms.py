"""Forms for partners and partnerships. Rules live in services; forms clean and label."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.areas import Area
from groups.forms import DateInput
from groups.models import Kecamatan
from kube_registry.values import MSG_DATE_IN_FUTURE

from .models import Partner, PartnerKind, Partnership, PartnershipForm
from .selectors import partner_choices

MSG_PICK_ONE = _("Pilih mitra dari daftar, atau tulis nama mitra baru — salah satu saja.")
MSG_PICK = _("Pilih mitra dari daftar.")
MSG_NEW_KIND = _("Pilih jenis mitra baru.")


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class FormsField(forms.MultipleChoiceField):
    """The forms of a partnership as checkboxes."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Bentuk kemitraan"),
            choices=PartnershipForm.choices,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


class PartnershipAddForm(forms.Form):
    """Pick a registered partner, or (for those who may register partners) name a new one."""

    partner = PartnerChoiceField(label=_("Mitra terdaftar"), queryset=Partner.objects.none(), required=False)
    new_partner_name = forms.CharField(
        label=_("atau mitra baru: nama"), max_length=200, required=False, help_text=_("Bila belum ada di daftar.")
    )
    new_partner_kind = forms.ChoiceField(
        label=_("Jenis mitra baru"), choices=[("", "---------"), *PartnerKind.choices], required=False
    )
    started_on = forms.DateField(label=_("Tanggal mulai"), widget=DateInput())
    ended_on = forms.DateField(
        label=_("Tanggal selesai"), widget=DateInput(), required=False, help_text=_("Kosongkan bila masih berjalan.")
    )
    # Named like the service's keyword so its errors land here; declared last, as the
    # name hides the `forms` module for the rest of the class body.
    forms = FormsField()

    field_order = ("partner", "new_partner_name", "new_partner_kind", "forms", "started_on", "ended_on")

    def __init__(self, *args, city_id: int, can_add_partner: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The group's city's partners only: another city's partner is not a valid choice.
        self.fields["partner"].queryset = partner_choices(city_id=city_id)
        self.fields["started_on"].initial = timezone.localdate()
        self.can_add_partner = can_add_partner
        if not can_add_partner:
            # Partners are the office's list; a facilitator picks from it.
            del self.fields["new_partner_name"]
            del self.fields["new_partner_kind"]
            self.fields["partner"].required = True
            self.fields["partner"].help_text = _("Mitra yang belum terdaftar didaftarkan oleh petugas Dinas Sosial.")

    def clean(self):
        cleaned = super().clean()
        if not self.can_add_partner:
            return cleaned
        name = (cleaned.get("new_partner_name") or "").strip()
        partner = cleaned.get("partner")
        if bool(partner) == bool(name) and "partner" not in self.errors:
            self.add_error("partner", MSG_PICK_ONE if name else MSG_PICK)
        if name and not cleaned.get("new_partner_kind"):
            self.add_error("new_partner_kind", MSG_NEW_KIND)
        return cleaned


class PartnershipEditForm(forms.Form):
    started_on = forms.DateField(label=_("Tanggal mulai"), widget=DateInput())
    ended_on = forms.DateField(
        label=_("Tanggal selesai"), widget=DateInput(), required=False, help_text=_("Kosongkan bila masih berjalan.")
    )
    forms = FormsField()  # last: see PartnershipAddForm

    field_order = ("forms", "started_on", "ended_on")

    @staticmethod
    def initial_for(partnership: Partnership) -> dict:
        return {
            "forms": partnership.forms,
            "started_on": partnership.started_on,
            "ended_on": partnership.ended_on,
        }


class PartnershipEndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Tanggal selesai"),
        widget=DateInput(),
        help_text=_(
            "Hari terakhir kemitraan. Kemitraan yang berakhir tetap tercatat dan tampil terpisah di profil KUBE."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ("name", "kind", "contact", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class PartnerMergeForm(forms.Form):
    remove = PartnerChoiceField(
        label=_("Mitra ganda yang digabungkan ke mitra ini"),
        queryset=Partner.objects.none(),
        help_text=_("Semua kemitraannya pindah ke mitra ini, lalu mitra ganda itu dihapus. Riwayat tetap tersimpan."),
    )
    confirm = forms.BooleanField(label=_("Saya yakin kedua mitra ini adalah lembaga yang sama."))

    def __init__(self, *args, keep: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        # Merges stay within one city's list.
        self.fields["remove"].queryset = partner_choices(city_id=keep.city_id).exclude(pk=keep.pk)


class CityFilterForm(forms.Form):
    """The city view's filters: partner kind, kecamatan, and the date partnerships are active at."""

    kind = forms.ChoiceField(label=_("Jenis mitra"), choices=[("", _("Semua")), *PartnerKind.choices], required=False)
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.none(), required=False, empty_label=_("Semua")
    )
    day = forms.DateField(label=_("Aktif pada tanggal"), widget=DateInput(), required=False)

    def __init__(self, *args, area: Area, **kwargs):
        super().__init__(*args, **kwargs)
        # The kecamatan of the reader's area only: no other city's names in the choices.
        self.fields["kecamatan"].queryset = Kecamatan.objects.filter(area.q("city"))

    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day and day > timezone.localdate():
            raise ValidationError(_(MSG_DATE_IN_FUTURE))
        return day
