"""The field: visits to a group, what was seen of its dynamics, what was agreed to fix,
and the trainings and study visits its members took part in (issue 16, BRIEF "Visits
and monitoring")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import City, Kube, Membership
from kube_registry.versioning import version_field
from partnerships.models import Partner

from .dynamics import ASPECT_FIELDS


class VisitKind(models.TextChoices):
    PENDAMPINGAN = "pendampingan", _("Pendampingan rutin")
    MONEV = "monev", _("Monitoring dan evaluasi (monev)")
    PERTEMUAN = "pertemuan", _("Pertemuan kelompok")
    PELATIHAN = "pelatihan", _("Pelatihan")


class ProblemArea(models.TextChoices):
    USAHA = "usaha", _("Usaha")
    KEUANGAN = "keuangan", _("Keuangan")
    ORGANISASI = "organisasi", _("Organisasi")
    PEMASARAN = "pemasaran", _("Pemasaran")
    HUBUNGAN = "hubungan", _("Hubungan antaranggota")


class CohesionReason(models.TextChoices):
    SHARED_NEED = "kebutuhan", _("Kebutuhan bersama")
    OUTSIDE_OBLIGATION = "kewajiban", _("Hanya kewajiban dari luar (mis. PKH)")


def _score_field(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True)


class Visit(models.Model):
    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="visits", verbose_name=_("KUBE"))
    visited_on = models.DateField(_("tanggal kunjungan"))
    kind = models.CharField(_("jenis kunjungan"), max_length=20, choices=VisitKind.choices)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("petugas yang berkunjung"),
    )
    attendees = models.ManyToManyField(
        Membership, blank=True, related_name="visits_attended", verbose_name=_("anggota yang hadir")
    )
    # When only a head count is known (an imported paper record): the ticks win when present.
    attendance_count = models.PositiveSmallIntegerField(_("jumlah yang hadir"), null=True, blank=True)
    activities = models.TextField(_("kegiatan"), blank=True)
    problem_areas = models.CharField(
        _("bidang masalah"), max_length=100, blank=True, help_text=_("Kode bidang dipisah koma.")
    )
    problems = models.TextField(_("masalah yang ditemukan"), blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    # The browser's location, only if the facilitator allowed it.
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(_("akurasi lokasi (m)"), null=True, blank=True)
    # Group dynamics observed at this visit, each 1-4 (monitoring.dynamics has the levels' words).
    communication = _score_field(_("komunikasi"))
    conflict = _score_field(_("konflik"))
    cohesion = _score_field(_("kohesi"))
    leadership = _score_field(_("kepemimpinan"))
    goal = _score_field(_("tujuan bersama"))
    task_structure = _score_field(_("struktur dan pembagian tugas"))
    participation = _score_field(_("partisipasi"))
    cohesion_reason = models.CharField(
        _("alasan anggota bertahan"), max_length=20, choices=CohesionReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    version = version_field()

    history = HistoricalRecords(excluded_fields=["latitude", "longitude", "location_accuracy_m"])

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("kunjungan")
        verbose_name_plural = _("kunjungan")
        constraints = [
            # The import's key (contract 4, kunjungan): one visit of a kind per group and day.
            models.UniqueConstraint(fields=["kube", "visited_on", "kind"], name="visit_one_per_kind_and_day"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 4}),
                    name=f"visit_{name}_on_scale",
                )
                for name in ASPECT_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="visit_latitude_valid",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="visit_longitude_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kube} {self.visited_on:%Y-%m-%d} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:visit_list", kwargs={"pk": self.kube_id})


class VisitPhoto(models.Model):
    """A photo of a visit, resized and stripped of metadata on the server; kept in the
    database (every app server sees it; served only through a scoped view)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("kunjungan"))
    content = models.BinaryField(_("isi"))
    thumbnail = models.BinaryField(_("gambar kecil"), default=b"")
    content_type = models.CharField(_("jenis berkas"), max_length=30, default="image/jpeg")
    width = models.PositiveIntegerField(_("lebar"))
    height = models.PositiveIntegerField(_("tinggi"))
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("foto kunjungan")
        verbose_name_plural = _("foto kunjungan")

    def __str__(self) -> str:
        return f"{self.visit} #{self.pk}"


class FollowUpOwner(models.TextChoices):
    ANGGOTA = "anggota", _("Anggota")
    PENDAMPING = "pendamping", _("Pendamping")
    DINAS = "dinas", _("Dinas Sosial")


class FollowUp(models.Model):
    """An action agreed at a visit: what, who, by when; closed at a later visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("kunjungan"))
    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("KUBE"))
    action = models.TextField(_("tindak lanjut"))
    owner = models.CharField(_("oleh"), max_length=20, choices=FollowUpOwner.choices)
    owner_membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("anggota yang bertanggung jawab"),
    )
    due_on = models.DateField(_("batas waktu"))
    closed_on = models.DateField(_("selesai pada"), null=True, blank=True)
    closed_at_visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closed_follow_ups",
        verbose_name=_("ditutup pada kunjungan"),
    )
    outcome = models.TextField(_("hasil"), blank=True)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    version = version_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(outcome=""),
                name="follow_up_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=Q(owner="anggota") | Q(owner_membership__isnull=True),
                name="follow_up_member_only_for_anggota",
            ),
        ]

    def __str__(self) -> str:
        return self.action[:60]


class TrainingKind(models.TextChoices):
    PELATIHAN = "pelatihan", _("Pelatihan")
    STUDI_BANDING = "studi_banding", _("Studi banding")
    PAMERAN = "pameran", _("Pameran")


class Training(models.Model):
    """A training, study visit or exhibition members of one or more groups took part in."""

    # A city's office records its trainings; participants and organiser are of that city (issue 19).
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("kota"))
    title = models.CharField(_("judul"), max_length=200)
    held_on = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis"), max_length=20, choices=TrainingKind.choices)
    # No partner: the office itself (Dinas Sosial) organised it.
    organiser = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("penyelenggara"),
    )
    participants = models.ManyToManyField(Membership, blank=True, related_name="trainings", verbose_name=_("peserta"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("dicatat oleh")
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    version = version_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("pelatihan")
        verbose_name_plural = _("pelatihan")
        constraints = [
            # The import's key (contract 4, pelatihan), within a city.
            models.UniqueConstraint(fields=["city", "title", "held_on"], name="training_one_per_city_title_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("trainings:training_detail", kwargs={"pk": self.pk})
