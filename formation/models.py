"""Formation of new groups: candidate families, proposals (usulan) and program stages.

A proposal names a group to be formed and its candidate families; an officer approves
it (it becomes a KUBE in the register), returns it with a reason, or rejects it with a
reason. Every decision is a `ProposalDecision` row (who, when, why, and the checks
that failed at that moment); field changes are kept by django-simple-history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from finances.models import GrantSource
from groups.areas import KELURAHAN_CITY, area_of
from groups.models import AreaType, BusinessField, FacilitatorArea, Kelurahan, Kube, Role, Sex
from kube_registry.roles import is_facilitator
from kube_registry.versioning import version_field


class Willingness(models.TextChoices):
    BERSEDIA = "bersedia", _("Bersedia")
    BELUM = "belum", _("Belum ditanyakan")
    TIDAK = "tidak", _("Tidak bersedia")


class CandidateStatus(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu")
    DITEMPATKAN = "ditempatkan", _("Sudah menjadi anggota")
    MUNDUR = "mundur", _("Mundur")


class CandidateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CandidateQuerySet":
        """The office sees every family; a facilitator those living in their work area.

        The work area is the list of kelurahan the office assigned (`FacilitatorArea`);
        nothing a facilitator creates (a proposal, a family) widens it.
        """
        if not user.is_authenticated or not user.has_perm("formation.view_candidate"):
            return self.none()
        in_area = self.filter(area_of(user).q(f"kelurahan__{KELURAHAN_CITY}"))
        if user.has_perm("formation.view_all_proposal"):
            return in_area
        if not is_facilitator(user):
            return self.none()
        return in_area.filter(kelurahan_id__in=FacilitatorArea.objects.filter(facilitator=user).values("kelurahan_id"))


class Candidate(models.Model):
    """A poor family (counted by its head, or main earner) waiting for a place in a KUBE."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_on = models.DateField(_("tanggal lahir"), null=True, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("kelurahan tempat tinggal")
    )
    rt = models.CharField(_("RT"), max_length=10, blank=True)
    is_dtks = models.BooleanField(_("terdaftar di DTKS"), default=False)
    dtks_decile = models.PositiveSmallIntegerField(
        _("desil DTKS"), null=True, blank=True, help_text=_("1 = paling miskin; kosongkan bila tidak diketahui.")
    )
    is_pkh = models.BooleanField(_("penerima PKH"), default=False)
    is_head_of_family = models.BooleanField(_("kepala keluarga"), default=False)
    is_main_earner = models.BooleanField(_("pencari nafkah utama"), default=False)
    dependents = models.PositiveSmallIntegerField(_("jumlah tanggungan"), default=0)
    willingness = models.CharField(
        _("kesediaan"), max_length=10, choices=Willingness.choices, default=Willingness.BELUM
    )
    willingness_note = models.CharField(_("catatan kesediaan"), max_length=255, blank=True)
    willingness_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kesediaan dicatat oleh"),
    )
    willingness_on = models.DateField(_("kesediaan dicatat tanggal"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.MENUNGGU
    )
    placed_kube = models.ForeignKey(
        Kube,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placed_candidates",
        verbose_name=_("ditempatkan di KUBE"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_candidates",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()
    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("calon anggota")
        verbose_name_plural = _("calon anggota")
        constraints = [
            models.CheckConstraint(
                condition=Q(dtks_decile__isnull=True) | Q(dtks_decile__gte=1, dtks_decile__lte=10),
                name="candidate_dtks_decile_1_to_10",
                violation_error_message=_("Desil DTKS antara 1 dan 10."),
            ),
            models.CheckConstraint(
                condition=Q(status="ditempatkan") | Q(placed_kube__isnull=True),
                name="candidate_placed_kube_only_when_placed",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProposerKind(models.TextChoices):
    MASYARAKAT = "masyarakat", _("Masyarakat")
    KELURAHAN = "kelurahan", _("Kelurahan")
    ORSOS = "orsos", _("Organisasi sosial (LKS)")


class ProposalStatus(models.TextChoices):
    DRAF = "draf", _("Draf")
    DIAJUKAN = "diajukan", _("Diajukan")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")
    DISETUJUI = "disetujui", _("Disetujui")
    DITOLAK = "ditolak", _("Ditolak")


# A proposal is edited (header and candidates) only in these states.
EDITABLE_STATUSES = (ProposalStatus.DRAF, ProposalStatus.DIKEMBALIKAN)
# A candidate in a proposal in one of these states is reserved for it.
OPEN_STATUSES = (ProposalStatus.DRAF, ProposalStatus.DIAJUKAN, ProposalStatus.DIKEMBALIKAN)


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProposalQuerySet":
        """The office sees every proposal; a facilitator only the ones they accompany."""
        if not user.is_authenticated or not user.has_perm("formation.view_proposal"):
            return self.none()
        in_area = self.filter(area_of(user).q(f"kelurahan__{KELURAHAN_CITY}"))
        if user.has_perm("formation.view_all_proposal"):
            return in_area
        if is_facilitator(user):
            return in_area.filter(facilitator=user)
        return self.none()


class Proposal(models.Model):
    code = models.CharField(_("kode usulan"), max_length=30, unique=True)
    name = models.CharField(_("nama KUBE yang diusulkan"), max_length=150)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("kelurahan")
    )
    rt = models.CharField(_("RT"), max_length=10, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    business_field = models.CharField(_("jenis usaha"), max_length=20, choices=BusinessField.choices)
    business_description = models.TextField(_("gagasan usaha"), blank=True)
    area_type = models.CharField(_("wilayah"), max_length=20, choices=AreaType.choices, blank=True)
    proposer_kind = models.CharField(_("diusulkan oleh"), max_length=12, choices=ProposerKind.choices)
    proposer_name = models.CharField(_("nama pengusul"), max_length=150, blank=True)
    proposed_on = models.DateField(_("tanggal usulan"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="formation_proposals",
        verbose_name=_("pendamping"),
    )
    grant_source = models.CharField(_("sumber bantuan modal"), max_length=20, choices=GrantSource.choices, blank=True)
    grant_amount = models.BigIntegerField(_("jumlah bantuan modal"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.DRAF)
    kube = models.OneToOneField(
        Kube, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal", verbose_name=_("KUBE")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("usulan KUBE")
        verbose_name_plural = _("usulan KUBE")
        permissions = [
            ("view_all_proposal", _("Dapat melihat semua usulan dan calon anggota")),
            ("decide_proposal", _("Dapat menyetujui, mengembalikan atau menolak usulan")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grant_amount__isnull=True) | Q(grant_amount__gte=0),
                name="proposal_grant_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(grant_source="", grant_amount__isnull=True)
                | (~Q(grant_source="") & Q(grant_amount__isnull=False)),
                name="proposal_grant_source_with_amount",
                violation_error_message=_("Sumber dan jumlah bantuan modal diisi bersama."),
            ),
            models.CheckConstraint(
                condition=Q(status="disetujui") | Q(kube__isnull=True),
                name="proposal_kube_only_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("formation:proposal_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ProposalCandidate(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="entries", verbose_name=_("usulan"))
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="proposal_entries", verbose_name=_("calon anggota")
    )
    role = models.CharField(_("jabatan"), max_length=20, choices=Role.choices, default=Role.ANGGOTA)
    added_at = models.DateTimeField(_("ditambahkan"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "pk"]
        verbose_name = _("calon dalam usulan")
        verbose_name_plural = _("calon dalam usulan")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "candidate"], name="proposal_candidate_once"),
            models.UniqueConstraint(
                fields=["proposal", "role"],
                condition=Q(role__in=["ketua", "sekretaris", "bendahara"]),
                name="proposal_candidate_one_per_officer_role",
                violation_error_message=_("Usulan ini sudah memiliki calon dengan jabatan yang sama."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} — {self.proposal}"


class DecisionAction(models.TextChoices):
    DIBUAT = "dibuat", _("Dibuat")
    DIAJUKAN = "diajukan", _("Diajukan")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")
    DISETUJUI = "disetujui", _("Disetujui")
    DITOLAK = "ditolak", _("Ditolak")


class ProposalDecision(models.Model):
    """One step of a proposal's workflow: who, when, why, and the checks that failed then."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("usulan"))
    action = models.CharField(_("langkah"), max_length=12, choices=DecisionAction.choices)
    reason = models.TextField(_("alasan"), blank=True)
    # Approval past failed checks: the reason covers the whole proposal; the checks it
    # covered are kept here as they read at that moment ({"candidates": {name: [..]}, "group": [..]}).
    failed_checks = models.JSONField(_("pemeriksaan yang tidak terpenuhi"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("oleh")
    )
    decided_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("langkah usulan")
        verbose_name_plural = _("langkah usulan")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["dikembalikan", "ditolak"]) | ~Q(reason=""),
                name="proposal_decision_return_reject_has_reason",
                violation_error_message=_("Pengembalian dan penolakan harus disertai alasan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} {self.get_action_display()}"


class Stage(models.TextChoices):
    PERSIAPAN = "persiapan", _("Persiapan")
    PELAKSANAAN = "pelaksanaan", _("Pelaksanaan")
    PENGEMBANGAN_USAHA = "pengembangan_usaha", _("Pengembangan usaha")
    KEMITRAAN_USAHA = "kemitraan_usaha", _("Kemitraan usaha")
    MONEV = "monitoring_evaluasi", _("Monitoring dan evaluasi")


STAGE_ORDER = {stage.value: position for position, stage in enumerate(Stage, start=1)}


class KubeStage(models.Model):
    """The date a group began one of the program's stages; the latest begun is its current stage."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="stages", verbose_name=_("KUBE"))
    stage = models.CharField(_("tahap"), max_length=20, choices=Stage.choices)
    position = models.PositiveSmallIntegerField(_("urutan"))
    started_on = models.DateField(_("mulai"))
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kube", "position"]
        verbose_name = _("tahap program")
        verbose_name_plural = _("tahap program")
        constraints = [
            models.UniqueConstraint(fields=["kube", "stage"], name="kube_stage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kube} — {self.get_stage_display()}"
