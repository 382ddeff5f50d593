"""The rubric's thresholds as people see them: each field of `rubric.Thresholds` with its
label, explanation, bounds and group, in the order of the thresholds page.

The page's form is `forms.ThresholdsForm`, its history `selectors.threshold_history`, the
view `views.ThresholdsView`; saving goes through `services.thresholds_update`, and the
values apply to assessments run from then on (each stored assessment keeps its thresholds).
"""

from dataclasses import dataclass, fields

from django.utils.translation import gettext_lazy

from . import rubric

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
