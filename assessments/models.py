"""Stored assessments, the thresholds they were computed with, and officers' judgement."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import Kube
from kube_registry.versioning import version_field

from . import rubric


class Category(models.TextChoices):
    TUMBUH = rubric.TUMBUH, _("Tumbuh")
    BERKEMBANG = rubric.BERKEMBANG, _("Berkembang")
    MANDIRI = rubric.MANDIRI, _("Mandiri")


# Categories in their order of independence: tumbuh 0, berkembang 1, mandiri 2.
CATEGORY_RANK = {category: rank for rank, category in enumerate(rubric.CATEGORIES)}


def category_rank(field: str) -> models.Case:
    """The rank of the category in `field` (a column or an annotation); None for none."""
    return models.Case(
        *(models.When(**{field: category}, then=models.Value(rank)) for category, rank in CATEGORY_RANK.items()),
        default=models.Value(None),
        output_field=models.IntegerField(),
    )


def latest_assessment(column: str = "pk", *, kube_ref: str = "pk", on: dt.date | None = None) -> models.Subquery:
    """`column` of the latest assessment (by as-of date, on or before `on`) of the group at OuterRef(`kube_ref`).

    The one way every page reads "a group's latest assessment": the (kube, as_of) unique
    index answers it per group.
    """
    newest = Assessment.objects.filter(kube=models.OuterRef(kube_ref))
    if on is not None:
        newest = newest.filter(as_of__lte=on)
    return models.Subquery(newest.order_by("-as_of").values(column)[:1])


class ThresholdSetting(models.Model):
    """The rubric's thresholds as admins set them: one row, read at the start of every run.

    Each assessment copies the values it used, so a change here touches new results only.
    """

    values = models.JSONField(_("ambang batas"), default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("diubah"), auto_now=True)
    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ambang batas penilaian")
        verbose_name_plural = _("ambang batas penilaian")
        permissions = [("change_thresholds", _("Dapat mengubah ambang batas penilaian"))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def thresholds(self) -> rubric.Thresholds:
        return rubric.Thresholds.from_dict(self.values)


class AssessmentQuerySet(models.QuerySet):
    def latest_per_kube(self, on: dt.date | None = None) -> "AssessmentQuerySet":
        """Each group's assessment with the latest as-of date (on or before `on`)."""
        return self.filter(pk=latest_assessment(kube_ref="kube", on=on))


JUDGEMENT_SCORE = [MinValueValidator(1), MaxValueValidator(5)]

# The six factors of independence and the five aspects of group dynamics (ASSESSMENT.md).
INDEPENDENCE_FACTORS = (
    ("factor_facilitator", _("Peran pendamping")),
    ("factor_network", _("Jaringan mitra")),
    ("factor_cohesion", _("Kekompakan")),
    ("factor_management", _("Pengelolaan terencana")),
    ("factor_leadership", _("Kepemimpinan ketua")),
    ("factor_innovation", _("Inovasi usaha")),
)
DYNAMICS_ASPECTS = (
    ("dynamics_communication", _("Komunikasi")),
    ("dynamics_conflict", _("Pengelolaan konflik")),
    ("dynamics_cohesion", _("Kohesi")),
    ("dynamics_power", _("Kekuasaan dan pemecahan masalah")),
    ("dynamics_structure", _("Tujuan, struktur dan pembagian tugas")),
)
JUDGEMENT_FIELDS = tuple(name for name, _label in INDEPENDENCE_FACTORS + DYNAMICS_ASPECTS)


class Assessment(models.Model):
    """A group's category as of a date: the computed result and, apart, an officer's judgement.

    Re-running the rubric for the same date replaces the computed fields only; the
    judgement fields and an officer's final category stay.
    """

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("KUBE"))
    as_of = models.DateField(_("tanggal penilaian"))
    # Computed by the rubric
    computed_category = models.CharField(_("kategori hasil rubrik"), max_length=12, choices=Category.choices)
    score = models.DecimalField(_("skor"), max_digits=4, decimal_places=1)
    score_breakdown = models.JSONField(_("rincian skor"), default=dict, blank=True)
    indicators = models.JSONField(_("indikator"), default=list, blank=True)
    flags = models.JSONField(_("tanda"), default=list, blank=True)
    missing = models.JSONField(_("yang masih kurang"), default=list, blank=True)
    rubric_version = models.CharField(_("versi rubrik"), max_length=10)
    thresholds = models.JSONField(_("ambang batas yang dipakai"), default=dict, blank=True)
    is_inactive = models.BooleanField(_("tidak aktif"), default=False)
    is_at_risk = models.BooleanField(_("berisiko"), default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dinilai oleh"),
    )
    assessed_at = models.DateTimeField(_("dinilai pada"))
    # The final category: the computed one unless an officer set another, with a reason.
    final_category = models.CharField(_("kategori akhir"), max_length=12, choices=Category.choices)
    override_reason = models.TextField(_("alasan kategori akhir"), blank=True)
    # Officers' judgement, 1-5 each, with notes
    factor_facilitator = models.PositiveSmallIntegerField(
        _("peran pendamping"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    factor_network = models.PositiveSmallIntegerField(
        _("jaringan mitra"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    factor_cohesion = models.PositiveSmallIntegerField(
        _("kekompakan"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    factor_management = models.PositiveSmallIntegerField(
        _("pengelolaan terencana"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    factor_leadership = models.PositiveSmallIntegerField(
        _("kepemimpinan ketua"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    factor_innovation = models.PositiveSmallIntegerField(
        _("inovasi usaha"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    dynamics_communication = models.PositiveSmallIntegerField(
        _("komunikasi"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    dynamics_conflict = models.PositiveSmallIntegerField(
        _("pengelolaan konflik"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    dynamics_cohesion = models.PositiveSmallIntegerField(_("kohesi"), null=True, blank=True, validators=JUDGEMENT_SCORE)
    dynamics_power = models.PositiveSmallIntegerField(
        _("kekuasaan dan pemecahan masalah"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    dynamics_structure = models.PositiveSmallIntegerField(
        _("tujuan, struktur dan pembagian tugas"), null=True, blank=True, validators=JUDGEMENT_SCORE
    )
    judgement_notes = models.TextField(_("catatan penilaian petugas"), blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dinilai petugas"),
    )
    judged_at = models.DateTimeField(_("penilaian petugas pada"), null=True, blank=True)
    # The judgement in force: this assessment itself once an officer judged it, else the group's
    # latest judged assessment before it, whose final category and reason are copied here so every
    # page reads `final_category` alone (services.py, "Decisions stand until revisited").
    # None: no officer has judged the group up to this date.
    judgement_from = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,  # a judgement in force is not deleted alone; with its group, it is
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("penilaian petugas yang berlaku"),
    )

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["kube", "-as_of"]
        verbose_name = _("penilaian")
        verbose_name_plural = _("penilaian")
        permissions = [("judge_assessment", _("Dapat memberi penilaian petugas dan menetapkan kategori akhir"))]
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "as_of"],
                name="assessment_one_per_kube_date",
                violation_error_message=_("KUBE ini sudah dinilai untuk tanggal tersebut."),
            ),
            # Another category than the rubric's has a reason, or is an officer's judgement (made
            # on this date or carried): one that agreed with the rubric then needs none later.
            models.CheckConstraint(
                condition=Q(final_category=models.F("computed_category"))
                | ~Q(override_reason="")
                | Q(judgement_from__isnull=False),
                name="assessment_override_has_reason",
                violation_error_message=_("Kategori akhir yang berbeda dari hasil rubrik wajib disertai alasan."),
            ),
            models.CheckConstraint(
                condition=Q(judged_at__isnull=True) | Q(judgement_from__isnull=False, judgement_from=models.F("pk")),
                name="assessment_judged_is_in_force",
                violation_error_message=_("Penilaian petugas yang tersimpan adalah penilaian yang berlaku."),
            ),
        ]
        indexes = [
            models.Index(fields=["as_of", "final_category"], name="assessment_date_category"),
            # The judgement in force for a date: the group's latest judged assessment (few rows).
            models.Index(fields=["kube", "as_of"], condition=Q(judged_at__isnull=False), name="assessment_judged"),
            # "A group's latest assessment on or before D" (latest_assessment) read from the index alone:
            # the dashboard asks it of every group in view, the list of each group on its page. With
            # the evidence JSON a row fills a fifth of a page; at national size this is 3x faster.
            models.Index(
                fields=["kube", "-as_of"],
                include=["final_category", "score", "is_at_risk", "is_inactive", "id"],
                name="assessment_latest_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kube} {self.as_of:%Y-%m-%d} {self.final_category}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", kwargs={"pk": self.pk})

    @property
    def is_overridden(self) -> bool:
        return self.final_category != self.computed_category

    @property
    def is_carried(self) -> bool:
        """The final category and reason are an earlier assessment's judgement, carried to this one."""
        return self.judgement_from_id is not None and self.judgement_from_id != self.pk

    @property
    def has_judgement(self) -> bool:
        return any(getattr(self, name) is not None for name in JUDGEMENT_FIELDS) or bool(self.judgement_notes)

    def used_thresholds(self) -> rubric.Thresholds:
        return rubric.Thresholds.from_dict(self.thresholds)
