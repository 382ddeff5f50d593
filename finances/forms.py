"""Forms for reports, grants, assets, loans and products. Rules live in services;
forms read what people type (`1.500.000`, `Rp 1.500.000`, `2024-03`) and label it.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.forms import DateInput
from groups.models import Membership
from kube_registry.values import parse_money, parse_period

from .models import GrantSource, ProductKind
from .services import MAX_MEETINGS, REPORT_FIELDS, line_key


def format_money_input(value) -> str:
    """1500000 -> `1.500.000`, the way the amount is typed back into the field."""
    if value in (None, ""):
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


class MoneyInput(forms.TextInput):
    """A text box (not type=number) so `1.500.000` and `Rp 1,5 juta` can be typed; numeric keypad on phones."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        return format_money_input(value) or None


class MoneyField(forms.Field):
    """Whole Rupiah from `1500000`, `1.500.000`, `Rp 1.500.000` or `Rp 1,5 juta`."""

    widget = MoneyInput

    def prepare_value(self, value):
        return format_money_input(value) if isinstance(value, int) else value

    def to_python(self, value):
        try:
            return parse_money(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def clean(self, value):
        value = super().clean(value)
        return 0 if value is None and not self.required else value


class MonthInput(forms.TextInput):
    """`<input type="month">` where the browser has one; a text box reading `2024-03` elsewhere."""

    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value or None


class MonthField(forms.Field):
    widget = MonthInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Tahun-bulan, misalnya 2024-03."))
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return parse_period(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class MonthlyReportForm(forms.Form):
    """One page for the whole month: the group's figures and a line per active member."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    income = MoneyField(label=_("Pendapatan (omzet)"), help_text=_("Semua uang masuk dari usaha bulan ini."))
    expenses = MoneyField(label=_("Pengeluaran"), help_text=_("Bahan, sewa, transport dan biaya usaha lain."))
    kept_in_cash = MoneyField(label=_("Disisihkan ke kas kelompok"), required=False)
    shared_to_members = MoneyField(label=_("Dibagikan ke anggota"), required=False)
    cash_in_hand = MoneyField(label=_("Saldo kas akhir bulan"), required=False)
    cash_in_bank = MoneyField(label=_("Saldo bank akhir bulan"), required=False)
    meetings_held = forms.IntegerField(
        label=_("Jumlah pertemuan kelompok"), min_value=0, max_value=MAX_MEETINGS, initial=0, required=False
    )
    iks_collected = MoneyField(label=_("IKS terkumpul"), required=False)
    attendance_percent = forms.IntegerField(label=_("Kehadiran rata-rata (%)"), min_value=0, required=False)
    notes = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    problems = forms.CharField(
        label=_("Masalah dan kebutuhan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, memberships: list[Membership] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        self.fields["meetings_held"].widget.attrs["inputmode"] = "numeric"
        if self.memberships:
            # With member lines, IKS and attendance are computed from them.
            del self.fields["iks_collected"]
            del self.fields["attendance_percent"]
        for membership in self.memberships:
            name = membership.person.name
            self.fields[line_key(membership.pk, "iks_paid")] = MoneyField(
                label=_("IKS {name}").format(name=name), required=False
            )
            self.fields[line_key(membership.pk, "meetings_attended")] = forms.IntegerField(
                label=_("Kehadiran {name}").format(name=name),
                min_value=0,
                max_value=MAX_MEETINGS,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def member_rows(self):
        """(membership, IKS bound field, attendance bound field) for the template's table."""
        return [
            (m, self[line_key(m.pk, "iks_paid")], self[line_key(m.pk, "meetings_attended")]) for m in self.memberships
        ]

    def report_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in REPORT_FIELDS if name != "meetings_held" and name in self.fields}
        values["meetings_held"] = data.get("meetings_held") or 0
        return values

    def report_lines(self) -> dict[int, dict[str, int]] | None:
        if not self.memberships:
            return None
        data = self.cleaned_data
        return {
            m.pk: {
                "iks_paid": data.get(line_key(m.pk, "iks_paid")) or 0,
                "meetings_attended": data.get(line_key(m.pk, "meetings_attended")) or 0,
            }
            for m in self.memberships
        }


def report_initial(report, memberships) -> dict:
    """Initial form values from a stored report (or an empty one) and its lines."""
    if report is None:
        return {"version": 0, "meetings_held": 0}
    initial = {name: getattr(report, name) for name in REPORT_FIELDS}
    initial["version"] = report.version
    lines = {line.membership_id: line for line in report.member_lines.all()}
    for membership in memberships:
        line = lines.get(membership.pk)
        if line is not None:
            initial[line_key(membership.pk, "iks_paid")] = line.iks_paid
            initial[line_key(membership.pk, "meetings_attended")] = line.meetings_attended
    return initial


class GrantForm(forms.Form):
    source = forms.ChoiceField(label=_("Sumber"), choices=GrantSource.choices)
    amount = MoneyField(label=_("Jumlah"))
    received_on = forms.DateField(label=_("Tanggal diterima"), widget=DateInput())
    description = forms.CharField(label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssetForm(forms.Form):
    name = forms.CharField(label=_("Nama aset"), max_length=150)
    value = MoneyField(label=_("Nilai"))
    acquired_on = forms.DateField(label=_("Tanggal perolehan"), widget=DateInput())
    disposed_on = forms.DateField(
        label=_("Tanggal dilepas"),
        required=False,
        widget=DateInput(),
        help_text=_("Isi bila aset dijual, rusak atau hilang."),
    )


class LoanForm(forms.Form):
    membership = forms.ModelChoiceField(label=_("Peminjam"), queryset=Membership.objects.none())
    amount = MoneyField(label=_("Jumlah pinjaman"))
    lent_on = forms.DateField(label=_("Tanggal pinjam"), widget=DateInput())
    due_on = forms.DateField(
        label=_("Jatuh tempo"),
        required=False,
        widget=DateInput(),
        help_text=_("Kosongkan untuk tiga bulan setelah tanggal pinjam."),
    )
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False)

    def __init__(self, *args, kube=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lent_on"].initial = timezone.localdate()
        if kube is not None:
            self.fields["membership"].queryset = (
                Membership.objects.active().filter(kube=kube).select_related("person").order_by("person__name")
            )
        self.fields["membership"].label_from_instance = lambda m: m.person.name


class LoanChangeForm(LoanForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["membership"]


class RepaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Tanggal bayar"), widget=DateInput())
    amount = MoneyField(label=_("Jumlah angsuran"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class ProductForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=ProductKind.choices, initial=ProductKind.PRODUK)
    name = forms.CharField(label=_("Nama produk atau kegiatan"), max_length=150)
    description = forms.CharField(label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    started_on = MonthField(label=_("Mulai (bulan)"))
    ended_on = MonthField(
        label=_("Berhenti (bulan)"), required=False, help_text=_("Kosongkan bila masih berjalan. Contoh: 2024-03.")
    )
