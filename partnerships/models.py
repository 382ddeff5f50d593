"""Partner institutions, the partnerships of each group with them, and partner merges."""

import datetime as dt
import operator
import re
import unicodedata
from functools import reduce

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.areas import KUBE_CITY
from groups.models import City, Kube
from kube_registry.versioning import version_field

from .rules import same_city_problem


def partner_name_key(name: str) -> str:
    """The name as matched: case, spacing and punctuation do not count.

    "PT. Pupuk Kaltim", "pt pupuk  kaltim" and "PT Pupuk-Kaltim" all read `ptpupukkaltim`.
    Only letters and digits are kept, so "P.T." and "PT" agree too.
    """
    text = unicodedata.normalize("NFKD", name or "").casefold()
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def partner_name_clean(name: str) -> str:
    """The name as shown: surrounding spaces removed, runs of spaces made one."""
    return re.sub(r"\s+", " ", name or "").strip()


class PartnerKind(models.TextChoices):
    PEMERINTAH = "pemerintah", _("Pemerintah")
    SWASTA = "swasta", _("Swasta")
    LSM = "lsm", _("LSM/yayasan")
    LEMBAGA_KEUANGAN = "lembaga_keuangan", _("Lembaga keuangan")
    MEDIA = "media", _("Media")
    MASYARAKAT = "masyarakat", _("Organisasi masyarakat")
    PERGURUAN_TINGGI = "perguruan_tinggi", _("Perguruan tinggi")


class PartnershipForm(models.TextChoices):
    KONSULTASI_TEKNIS = "konsultasi_teknis", _("Konsultasi teknis")
    KOORDINASI = "koordinasi", _("Koordinasi")
    PENDAMPINGAN = "pendampingan", _("Pendampingan")
    PERMODALAN = "permodalan", _("Permodalan")
    PEMASARAN = "pemasaran", _("Pemasaran")


# Each form is one boolean column on Partnership (form value -> field name).
#
# Why booleans and not a related table: the forms are a short, fixed list from the
# domain, and the questions asked of them ("active in form X at date D", "groups per
# partner by form") then stay single-table filters and conditional counts:
# `filter(has_permodalan=True, ...)` and `Count("kube", filter=Q(has_pemasaran=True))`
# in one values().annotate() — no join, no DISTINCT, no extra query to prefetch the
# forms of each row, and "at least one form" is a plain CHECK constraint.
FORM_FIELDS: dict[str, str] = {form.value: f"has_{form.value}" for form in PartnershipForm}


class Partner(models.Model):
    """A partner institution of one city's office: each city keeps its own list (issue 19),
    so the same bank may be a partner in two cities, as two rows."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="partners", verbose_name=_("kota"))
    name = models.CharField(_("nama mitra"), max_length=200)
    # partner_name_key(name): the unique constraint stops the same institution twice in a city.
    name_key = models.CharField(_("kunci nama"), max_length=200, editable=False)
    kind = models.CharField(_("jenis mitra"), max_length=20, choices=PartnerKind.choices)
    contact = models.CharField(_("kontak"), max_length=255, blank=True, help_text=_("Nama petugas, telepon, alamat."))
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("mitra")
        verbose_name_plural = _("mitra")
        permissions = [("merge_partner", _("Dapat menggabungkan mitra ganda"))]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name_key"],
                name="partner_one_name_per_city",
                violation_error_message=_("Mitra dengan nama ini sudah terdaftar di kota ini."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partner_detail", kwargs={"pk": self.pk})


class PartnershipQuerySet(models.QuerySet):
    def open(self) -> "PartnershipQuerySet":
        return self.filter(ended_on__isnull=True)

    def active_on(self, day: dt.date) -> "PartnershipQuerySet":
        """Partnerships in force on `day`: started by then, and not ended before it.

        The end date is the last day of the partnership (inclusive), as on an agreement.
        """
        return self.filter(Q(started_on__lte=day), Q(ended_on__isnull=True) | Q(ended_on__gte=day))

    def in_form(self, form: str) -> "PartnershipQuerySet":
        return self.filter(**{FORM_FIELDS[form]: True})


class Partnership(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("KUBE"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("mitra"))
    has_konsultasi_teknis = models.BooleanField(_("konsultasi teknis"), default=False)
    has_koordinasi = models.BooleanField(_("koordinasi"), default=False)
    has_pendampingan = models.BooleanField(_("pendampingan"), default=False)
    has_permodalan = models.BooleanField(_("permodalan"), default=False)
    has_pemasaran = models.BooleanField(_("pemasaran"), default=False)
    started_on = models.DateField(_("tanggal mulai"))
    ended_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("kemitraan")
        verbose_name_plural = _("kemitraan")
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "partner"],
                condition=Q(ended_on__isnull=True),
                name="partnership_one_open_per_kube_partner",
                violation_error_message=_("KUBE ini sudah memiliki kemitraan berjalan dengan mitra ini."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="partnership_ended_after_started",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
            models.CheckConstraint(
                condition=reduce(operator.or_, (Q(**{field: True}) for field in FORM_FIELDS.values())),
                name="partnership_has_a_form",
                violation_error_message=_("Pilih minimal satu bentuk kemitraan."),
            ),
        ]
        indexes = [models.Index(fields=["started_on", "ended_on"], name="partnership_period")]

    def __str__(self) -> str:
        return f"{self.partner} — {self.kube.name}"

    def clean(self):
        """A group works only with its own city's partners (the services check it too)."""
        if self.kube_id and self.partner_id:
            kube_city_id = Kube.objects.filter(pk=self.kube_id).values_list(f"{KUBE_CITY}_id", flat=True)
            problem = same_city_problem(kube_city_id.first(), self.partner.city_id)
            if problem:
                raise ValidationError({"partner": problem})

    @property
    def forms(self) -> list[str]:
        """The form values this partnership takes, in the fixed order of PartnershipForm."""
        return [form for form, field in FORM_FIELDS.items() if getattr(self, field)]

    @property
    def forms_display(self) -> str:
        return ", ".join(str(PartnershipForm(form).label).lower() for form in self.forms)

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def is_active_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class PartnerMerge(models.Model):
    """A duplicate partner folded into another: who did it, when, and the name it had.

    The removed partner's name stays findable here, so a later import or form that
    writes the old spelling finds the partner it was merged into.
    """

    kept = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="merges", verbose_name=_("mitra tetap"))
    removed_partner_id = models.BigIntegerField(_("ID mitra yang digabung"))
    removed_name = models.CharField(_("nama mitra yang digabung"), max_length=200)
    removed_name_key = models.CharField(_("kunci nama"), max_length=200, db_index=True)
    removed_kind = models.CharField(_("jenis mitra"), max_length=20, choices=PartnerKind.choices)
    partnerships_moved = models.PositiveIntegerField(_("kemitraan dipindahkan"), default=0)
    partnerships_combined = models.PositiveIntegerField(_("kemitraan disatukan"), default=0)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("digabung oleh"),
    )
    merged_at = models.DateTimeField(_("waktu penggabungan"), auto_now_add=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("penggabungan mitra")
        verbose_name_plural = _("penggabungan mitra")

    def __str__(self) -> str:
        return f"{self.removed_name} → {self.kept}"
