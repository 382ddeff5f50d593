"""The thresholds page: every number of the rubric in one form, for admins; officers read it.

Saving goes through `services.update_thresholds`; the values apply to assessments run
from then on, since each stored assessment keeps the thresholds it was computed with.
"""

from dataclasses import dataclass, fields

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from kube_registry.form_views import ServiceFormMixin
from kube_registry.roles import RoleRequiredMixin

from . import rubric, services
from .models import ThresholdSetting

INDICATORS, FLAGS, WEIGHTS = "indikator", "tanda", "bobot"
GROUPS = (
    (INDICATORS, gettext_lazy("Indikator")),
    (FLAGS, gettext_lazy("Tanda tidak aktif dan berisiko")),
    (WEIGHTS, gettext_lazy("Bobot skor")),
)
WEIGHT_TOTAL = 100
MAX_MONTHS, MAX_DAYS, MAX_COUNT = 120, 3_650, 100


@dataclass(frozen=True)
class Spec:
    group: str
    label: str
    help: str
    min: int = 0
    max: int = MAX_MONTHS


def _percent(label, help_text) -> Spec:
    return Spec(INDICATORS, label, help_text, 0, 100)


def _weight(indicator_label) -> Spec:
    return Spec(
        WEIGHTS,
        indicator_label,
        gettext_lazy("Bagian indikator ini dalam skor 0–100: bobot × level ÷ 2."),
        0,
        WEIGHT_TOTAL,
    )


# One entry per field of rubric.Thresholds, in the form's order.
SPECS: dict[str, Spec] = {
    "young_group_months": Spec(
        INDICATORS,
        gettext_lazy("Umur kelompok baru (bulan)"),
        gettext_lazy("Administrasi level 1 walau belum ada laporan bulanan, selama kelompok lebih muda dari ini."),
    ),
    "report_months_per_12": Spec(
        INDICATORS,
        gettext_lazy("Bulan berlaporan per 12 bulan"),
        gettext_lazy("Administrasi level 2: ada laporan bulanan untuk sekurangnya sekian dari setiap 12 bulan."),
        0,
        12,
    ),
    "meeting_months_percent": _percent(
        gettext_lazy("Bulan dengan pertemuan (%)"),
        gettext_lazy("Organisasi level 2: ada pertemuan kelompok di sekurangnya sekian persen bulan yang dilaporkan."),
    ),
    "attendance_percent": _percent(
        gettext_lazy("Kehadiran rata-rata (%)"),
        gettext_lazy("Organisasi level 2: rata-rata kehadiran anggota di pertemuan sekurangnya sekian persen."),
    ),
    "kept_months_percent": _percent(
        gettext_lazy("Bulan dengan sisihan ke kas (%)"),
        gettext_lazy("Usaha level 2: ada hasil yang disisihkan ke kas di sekurangnya sekian persen bulan dilaporkan."),
    ),
    "iks_months_percent": _percent(
        gettext_lazy("Bulan dengan IKS (%)"),
        gettext_lazy(
            "Usaha level 2: IKS terkumpul di sekurangnya sekian persen bulan; di bawahnya kelompok juga berisiko."
        ),
    ),
    "income_growth_percent": _percent(
        gettext_lazy("Pertumbuhan pendapatan (%)"),
        gettext_lazy(
            "Pemasaran level 2 tanpa kemitraan pemasaran: pendapatan 12 bulan terakhir naik sekurangnya sekian persen."
        ),
    ),
    "many_partnerships": Spec(
        INDICATORS,
        gettext_lazy("Jumlah kemitraan aktif"),
        gettext_lazy("Akses sumber level 2: sekurangnya sekian kemitraan aktif, atau satu kemitraan permodalan."),
        1,
        MAX_COUNT,
    ),
    "min_age_months": Spec(
        INDICATORS,
        gettext_lazy("Umur minimal berkembang dan mandiri (bulan)"),
        gettext_lazy("Kelompok yang lebih muda dari ini tetap tumbuh, apa pun indikatornya."),
    ),
    "inactive_months": Spec(
        FLAGS,
        gettext_lazy("Bulan tanpa kegiatan (tidak aktif)"),
        gettext_lazy(
            "Tidak aktif: tanpa laporan dalam sekian bulan terakhir, atau pendapatan nol di sekian bulan terakhir "
            "yang dilaporkan."
        ),
        1,
        12,
    ),
    "falling_income_months": Spec(
        FLAGS,
        gettext_lazy("Bulan pendapatan turun (berisiko)"),
        gettext_lazy("Berisiko: pendapatan turun di setiap bulan dari sekian bulan terakhir yang dilaporkan."),
        1,
    ),
    "sharing_months": Spec(
        FLAGS,
        gettext_lazy("Bulan tanpa sisihan (berisiko)"),
        gettext_lazy(
            "Berisiko: dalam sekian bulan terakhir yang dilaporkan tidak ada yang disisihkan ke kas, "
            "sementara pendapatan dibagikan."
        ),
        1,
    ),
    "loan_overdue_days": Spec(
        FLAGS,
        gettext_lazy("Tunggakan pinjaman (hari)"),
        gettext_lazy("Berisiko: ada pinjaman anggota yang menunggak lebih dari sekian hari."),
        0,
        MAX_DAYS,
    ),
    "min_members": Spec(
        FLAGS,
        gettext_lazy("Anggota aktif minimal"),
        gettext_lazy("Berisiko: anggota aktif kurang dari sekian orang."),
        1,
        MAX_COUNT,
    ),
    "weight_administrasi": _weight(rubric.INDICATOR_LABELS[rubric.ADMINISTRASI]),
    "weight_organisasi": _weight(rubric.INDICATOR_LABELS[rubric.ORGANISASI]),
    "weight_usaha": _weight(rubric.INDICATOR_LABELS[rubric.USAHA]),
    "weight_pemasaran": _weight(rubric.INDICATOR_LABELS[rubric.PEMASARAN]),
    "weight_aset": _weight(rubric.INDICATOR_LABELS[rubric.ASET]),
    "weight_akses_sumber": _weight(rubric.INDICATOR_LABELS[rubric.AKSES_SUMBER]),
    "weight_lembaga_keuangan": _weight(rubric.INDICATOR_LABELS[rubric.LEMBAGA_KEUANGAN]),
}
WEIGHT_FIELDS = [name for name, spec in SPECS.items() if spec.group == WEIGHTS]

if set(SPECS) != {f.name for f in fields(rubric.Thresholds)}:  # pragma: no cover - a rubric change
    raise RuntimeError("assessments.thresholds.SPECS must name every field of rubric.Thresholds.")


class ThresholdsForm(forms.Form):
    """Every threshold of the rubric; `read_only` for those who may only look."""

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = rubric.Thresholds()
        for name, spec in SPECS.items():
            self.fields[name] = forms.IntegerField(
                label=spec.label,
                help_text=_("%(help)s Bawaan: %(default)s.") % {"help": spec.help, "default": getattr(defaults, name)},
                min_value=spec.min,
                max_value=spec.max,
                disabled=read_only,
                error_messages={
                    "required": _("Isi angka."),
                    "invalid": _("Isi bilangan bulat."),
                    "min_value": _("Paling kecil %(limit_value)s."),
                    "max_value": _("Paling besar %(limit_value)s."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self):
        data = super().clean()
        weights = {name: data[name] for name in WEIGHT_FIELDS if data.get(name) is not None}
        if len(weights) == len(WEIGHT_FIELDS) and sum(weights.values()) != WEIGHT_TOTAL:
            parts = " + ".join(f"{self.fields[name].label} {value}" for name, value in weights.items())
            raise ValidationError(
                _("Jumlah bobot skor harus tepat %(total)s, sekarang %(sum)s: %(parts)s."),
                code="weights",
                params={"total": WEIGHT_TOTAL, "sum": sum(weights.values()), "parts": parts},
            )
        return data

    def groups(self) -> list[tuple[str, str, list]]:
        """(key, title, bound fields) per group, for the template."""
        return [
            (key, title, [self[name] for name, spec in SPECS.items() if spec.group == key]) for key, title in GROUPS
        ]


def threshold_history(limit: int = 50) -> list[dict]:
    """The latest changes, newest first: when, by whom, and each value that changed. One query.

    Records that changed no value (the row's creation, a save of the same values) are left out.
    """
    records = list(ThresholdSetting.history.select_related("changed_by").order_by("history_date", "history_id"))
    labels = {name: spec.label for name, spec in SPECS.items()}
    before = rubric.Thresholds().as_dict()
    entries = []
    for record in records:
        after = rubric.Thresholds.from_dict(record.values).as_dict()
        changes = [(labels[name], before[name], after[name]) for name in SPECS if before[name] != after[name]]
        who = record.changed_by
        if changes:  # the row's creation stores the defaults it was created with
            entries.append(
                {
                    "at": record.history_date,
                    "user": (who.get_full_name() or who.username) if who else "",
                    "changes": changes,
                }
            )
        before = after
    return entries[::-1][:limit]


class ThresholdsView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """GET for whoever may view the thresholds (admins, officers); POST only for admins."""

    permission_required = "assessments.view_thresholdsetting"
    template_name = "assessments/thresholds.html"
    form_class = ThresholdsForm
    http_method_names = ["get", "head", "post"]

    @property
    def can_change(self) -> bool:
        return self.request.user.has_perm("assessments.change_thresholds")

    def post(self, request, *args, **kwargs):
        if not self.can_change:
            raise PermissionDenied(_("Hanya admin yang dapat mengubah ambang batas penilaian."))
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return services.current_thresholds().as_dict()

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"read_only": not self.can_change}

    @cached_property
    def setting(self) -> ThresholdSetting | None:
        return ThresholdSetting.objects.select_related("changed_by").filter(pk=1).first()

    def edited_object(self):
        return self.setting or ThresholdSetting(version=0)  # 0: nothing stored yet

    def perform(self, form):
        values = {name: form.cleaned_data[name] for name in SPECS}
        if values == services.current_thresholds().as_dict():
            messages.info(self.request, _("Tidak ada perubahan ambang batas."))
            self.success_message = ""
            return None
        services.update_thresholds(values, actor=self.request.user, version=self.form_version)
        self.success_message = _(
            "Ambang batas disimpan. Nilai baru berlaku untuk penilaian berikutnya; "
            "hasil penilaian yang sudah tersimpan tidak berubah."
        )
        return None

    def get_success_url(self, result=None):
        return reverse("assessments:thresholds")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "setting": self.setting,
            "history": threshold_history(),
            "can_change": self.can_change,
            "rubric_version": rubric.RUBRIC_VERSION,
            "weight_total": WEIGHT_TOTAL,
        }
