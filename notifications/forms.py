from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Kirim juga lewat surel"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Semua pemberitahuan selalu ada di kotak masuk aplikasi; yang dicentang juga dikirim ke surel Anda."
        ),
    )
    daily_digest = forms.BooleanField(
        label=_("Satu ringkasan harian"),
        required=False,
        help_text=_(
            "Kirim pemberitahuan yang dicentang dalam satu surel per hari, bukan satu surel per pemberitahuan."
        ),
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = kinds
