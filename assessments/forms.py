"""The officer's judgement on an assessment (the rules, a reason for another category, live in the
service) and the thresholds form (every number of the rubric, for admins; officers read it)."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import rubric
from .models import DYNAMICS_ASPECTS, INDEPENDENCE_FACTORS, JUDGEMENT_FIELDS, Assessment, Category
from .thresholds import GROUPS, SPECS, WEIGHT_FIELDS, WEIGHT_TOTAL

SCORE_CHOICES = [("", _("belum dinilai")), *((str(n), str(n)) for n in range(1, 6))]


def _score_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class JudgementForm(forms.Form):
    """Eleven 1-5 scores with notes, and the final category with its reason."""

    judgement_notes = forms.CharField(
        label=_("Catatan penilaian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pengamatan di lapangan yang mendasari skor di atas."),
    )
    final_category = forms.ChoiceField(label=_("Kategori akhir"), choices=Category.choices, widget=forms.RadioSelect)
    override_reason = forms.CharField(
        label=_("Alasan kategori akhir"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi bila kategori akhir berbeda dari hasil rubrik."),
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        stored = {name: getattr(assessment, name) for name in JUDGEMENT_FIELDS} | {
            "judgement_notes": assessment.judgement_notes,
            "final_category": assessment.final_category,
            "override_reason": assessment.override_reason,
        }
        kwargs["initial"] = stored | (kwargs.get("initial") or {})
        super().__init__(*args, **kwargs)
        for name, label in INDEPENDENCE_FACTORS + DYNAMICS_ASPECTS:
            self.fields[name] = _score_field(label)
        self.fields["final_category"].help_text = _("Hasil rubrik: %(category)s.") % {
            "category": assessment.get_computed_category_display().lower()
        }
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Enam faktor kemandirian (1 = sangat lemah, 5 = sangat kuat)"),
                *(InlineRadios(name) for name, _label in INDEPENDENCE_FACTORS),
            ),
            Fieldset(
                _("Lima aspek dinamika kelompok (1 = sangat lemah, 5 = sangat kuat)"),
                *(InlineRadios(name) for name, _label in DYNAMICS_ASPECTS),
            ),
            "judgement_notes",
            Fieldset(_("Keputusan petugas"), InlineRadios("final_category"), "override_reason"),
        )

    def scores(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name in JUDGEMENT_FIELDS}


class ThresholdsForm(forms.Form):
    """Every threshold of the rubric; `read_only` for those who may only look."""

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = rubric.Thresholds()
        for name, spec in SPECS.items():
            self.fields[name] = forms.IntegerField(
                label=spec.label,
                help_text=gettext("%(help)s Bawaan: %(default)s.")
                % {"help": spec.help, "default": getattr(defaults, name)},
                min_value=spec.min,
                max_value=spec.max,
                disabled=read_only,
                error_messages={
                    "required": gettext("Isi angka."),
                    "invalid": gettext("Isi bilangan bulat."),
                    "min_value": gettext("Paling kecil %(limit_value)s."),
                    "max_value": gettext("Paling besar %(limit_value)s."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self):
        data = super().clean()
        weights = {name: data[name] for name in WEIGHT_FIELDS if data.get(name) is not None}
        if len(weights) == len(WEIGHT_FIELDS) and sum(weights.values()) != WEIGHT_TOTAL:
            parts = " + ".join(f"{self.fields[name].label} {value}" for name, value in weights.items())
            raise ValidationError(
                gettext("Jumlah bobot skor harus tepat %(total)s, sekarang %(sum)s: %(parts)s."),
                code="weights",
                params={"total": WEIGHT_TOTAL, "sum": sum(weights.values()), "parts": parts},
            )
        return data

    def groups(self) -> list[tuple[str, str, list]]:
        """(key, title, bound fields) per group, for the template."""
        return [
            (key, title, [self[name] for name, spec in SPECS.items() if spec.group == key]) for key, title in GROUPS
        ]
