"""Regions, KUBE groups, persons and their memberships over time."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kube_registry.roles import is_facilitator
from kube_registry.versioning import version_field

from .areas import KELURAHAN_CITY, KUBE_CITY, Area, AreaLevel, area_for, area_of, level_matches_q


class CityQuerySet(models.QuerySet):
    def in_area(self, area: Area) -> "CityQuerySet":
        return self.filter(area.q(""))


class City(models.Model):
    """A kota or kabupaten: the unit one Dinas Sosial keeps its register for (issue 19).

    Its regions come from fixtures/wilayah/ (`load_regions --city`); its registration
    numbers start with its code's digits (contract 4).
    """

    code = models.CharField(_("kode Kemendagri"), max_length=5, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    province_code = models.CharField(_("kode provinsi"), max_length=2, db_index=True)
    province_name = models.CharField(_("provinsi"), max_length=100)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kota")
        verbose_name_plural = _("kota")

    def __str__(self) -> str:
        return self.name

    @property
    def code_digits(self) -> str:
        return self.code.replace(".", "")


class KecamatanQuerySet(models.QuerySet):
    def in_area(self, area: Area) -> "KecamatanQuerySet":
        return self.filter(area.q("city"))


class Kecamatan(models.Model):
    code = models.CharField(_("kode Kemendagri"), max_length=8, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="kecamatans", verbose_name=_("kota"))

    objects = KecamatanQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name


class KelurahanQuerySet(models.QuerySet):
    def in_area(self, area: Area) -> "KelurahanQuerySet":
        return self.filter(area.q(KELURAHAN_CITY))


class Kelurahan(models.Model):
    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahans", verbose_name=_("kecamatan")
    )

    objects = KelurahanQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")

    def __str__(self) -> str:
        return self.name

    @property
    def city_code(self) -> str:
        """Its city's code without a query: Kemendagri's kelurahan codes start with it (64.74.01.1004)."""
        return self.code[:5]


class BusinessField(models.TextChoices):
    JASA = "jasa", _("Jasa")
    PERDAGANGAN = "perdagangan", _("Perdagangan")
    PRODUKSI = "produksi", _("Produksi")


class AreaType(models.TextChoices):
    PERKOTAAN = "perkotaan", _("Perkotaan")
    PERDESAAN = "perdesaan", _("Perdesaan")
    PESISIR = "pesisir", _("Pesisir")


class Initiative(models.TextChoices):
    MASYARAKAT = "masyarakat", _("Masyarakat")
    PEMERINTAH = "pemerintah", _("Pemerintah")


class KubeStatus(models.TextChoices):
    AKTIF = "aktif", _("Aktif")
    TIDAK_AKTIF = "tidak_aktif", _("Tidak aktif")
    BUBAR = "bubar", _("Bubar")


class FinancialInstitution(models.TextChoices):
    LKM = "lkm", _("LKM")
    KOPERASI = "koperasi", _("Koperasi")


class KubeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "KubeQuerySet":
        """Every group read starts here: the office sees its area's groups (one city, or
        a province's or the country's for their readers), a facilitator only their own."""
        if not user.is_authenticated:
            return self.none()
        in_area = self.in_area(area_of(user))
        if user.has_perm("groups.view_all_kube"):
            return in_area
        if is_facilitator(user) and user.has_perm("groups.view_kube"):
            return in_area.filter(facilitator=user)
        return self.none()

    def in_area(self, area: Area) -> "KubeQuerySet":
        return self.filter(area.q(KUBE_CITY))

    def with_member_count(self) -> "KubeQuerySet":
        """Each group's active members, as a subquery per group: a page of 25 counts 25 groups'
        members, and the pager's count needs no join (a joined Count grouped every group in view
        before the page was cut: seconds at national size)."""
        active = (
            Membership.objects.filter(kube=OuterRef("pk"), left_on__isnull=True)
            .order_by()
            .values("kube")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(active_member_count=Coalesce(Subquery(active, output_field=IntegerField()), 0))


class Kube(models.Model):
    no_registrasi = models.CharField(_("nomor registrasi"), max_length=20, unique=True)
    name = models.CharField(_("nama KUBE"), max_length=150)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="kubes", verbose_name=_("kelurahan")
    )
    rt = models.CharField(_("RT"), max_length=10, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    founded_on = models.DateField(_("tanggal berdiri"))
    business_field = models.CharField(_("jenis usaha"), max_length=20, choices=BusinessField.choices)
    business_description = models.TextField(_("uraian usaha"), blank=True)
    area_type = models.CharField(_("wilayah"), max_length=20, choices=AreaType.choices, blank=True)
    initiative = models.CharField(_("prakarsa"), max_length=20, choices=Initiative.choices, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_kubes",
        verbose_name=_("pendamping"),
    )
    status = models.CharField(_("status"), max_length=20, choices=KubeStatus.choices, default=KubeStatus.AKTIF)
    financial_institution = models.CharField(
        _("LKM/koperasi"), max_length=10, choices=FinancialInstitution.choices, blank=True
    )
    financial_institution_on = models.DateField(_("tanggal LKM/koperasi"), null=True, blank=True)
    vision = models.TextField(_("visi dan tujuan"), blank=True)
    plan = models.TextField(_("rencana usaha"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()
    objects = KubeQuerySet.as_manager()

    class Meta:
        ordering = ["no_registrasi"]
        verbose_name = _("KUBE")
        verbose_name_plural = _("KUBE")
        permissions = [
            ("view_all_kube", _("Dapat melihat semua KUBE")),
            ("import_registry", _("Dapat mengimpor dan mengekspor registri")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(financial_institution="", financial_institution_on__isnull=True)
                | (~Q(financial_institution="") & Q(financial_institution_on__isnull=False)),
                name="kube_financial_institution_has_date",
                violation_error_message=_("LKM/koperasi dan tanggal pembentukannya harus diisi bersama."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.no_registrasi})"

    def get_absolute_url(self) -> str:
        return reverse("groups:kube_detail", kwargs={"pk": self.pk})

    @property
    def kecamatan(self) -> Kecamatan:
        return self.kelurahan.kecamatan


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Person(models.Model):
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_on = models.DateField(_("tanggal lahir"), null=True, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    is_dtks = models.BooleanField(_("terdaftar di DTKS"), default=False)
    is_pkh = models.BooleanField(_("penerima PKH"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        permissions = [("view_personal_data", _("Dapat melihat NIK dan nomor KK lengkap"))]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("nik"), 16), name="person_nik_16_digits"),
            models.CheckConstraint(condition=Q(kk="") | Q(Exact(Length("kk"), 16)), name="person_kk_16_digits"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    KETUA = "ketua", _("Ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    BENDAHARA = "bendahara", _("Bendahara")
    ANGGOTA = "anggota", _("Anggota")


# Roles a group holds at most once at any time.
OFFICER_ROLES = (Role.KETUA, Role.SEKRETARIS, Role.BENDAHARA)


class LeaveReason(models.TextChoices):
    PINDAH = "pindah", _("Pindah")
    MENINGGAL = "meninggal", _("Meninggal")
    MENGUNDURKAN_DIRI = "mengundurkan_diri", _("Mengundurkan diri")
    MAMPU = "mampu", _("Mampu (lulus)")
    LAINNYA = "lainnya", _("Lainnya")


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(left_on__isnull=True)

    def visible_to(self, user) -> "MembershipQuerySet":
        """Every read of a member starts here: the office sees every membership; a
        facilitator only the active ones of their own groups. A person who moved on is
        reached through their current group, never through the old one's URL."""
        memberships = self.filter(kube__in=Kube.objects.visible_to(user))
        if user.is_authenticated and user.has_perm("groups.view_all_kube"):
            return memberships
        return memberships.active()

    def active_on(self, day: dt.date) -> "MembershipQuerySet":
        """Memberships as they stood at the end of `day` (no join date: since founding)."""
        return self.filter(
            Q(joined_on__lte=day) | Q(joined_on__isnull=True, kube__founded_on__lte=day),
            Q(left_on__isnull=True) | Q(left_on__gt=day),
        )


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("orang"))
    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("KUBE"))
    role = models.CharField(_("jabatan"), max_length=20, choices=Role.choices, default=Role.ANGGOTA)
    joined_on = models.DateField(_("tanggal masuk"), null=True, blank=True)
    left_on = models.DateField(_("tanggal keluar"), null=True, blank=True)
    leave_reason = models.CharField(_("alasan keluar"), max_length=20, choices=LeaveReason.choices, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    version = version_field()  # optimistic locking: kube_registry.versioning
    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["kube", "role", "person__name"]
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(left_on__isnull=True), name="membership_one_active_per_person"
            ),
            models.UniqueConstraint(
                fields=["kube", "role"],
                condition=Q(left_on__isnull=True, role__in=[r.value for r in OFFICER_ROLES]),
                name="membership_one_active_officer_per_role",
                violation_error_message=_("KUBE ini sudah memiliki pengurus aktif dengan jabatan yang sama."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
                violation_error_message=_("Tanggal keluar tidak boleh sebelum tanggal masuk."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, leave_reason="") | Q(left_on__isnull=False) & ~Q(leave_reason=""),
                name="membership_left_has_reason",
                violation_error_message=_("Tanggal keluar dan alasan keluar harus diisi bersama."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} {self.kube.name}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class FacilitatorArea(models.Model):
    """One kelurahan of a facilitator's work area, set by the office.

    A facilitator sees and records waiting families only in their work area and drafts
    proposals only there; nothing a facilitator creates widens it.
    """

    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_areas", verbose_name=_("pendamping")
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="facilitator_areas", verbose_name=_("kelurahan")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditetapkan oleh"),
    )
    created_at = models.DateTimeField(_("ditetapkan"), auto_now_add=True)

    class Meta:
        ordering = ["facilitator", "kelurahan"]
        verbose_name = _("wilayah kerja pendamping")
        verbose_name_plural = _("wilayah kerja pendamping")
        constraints = [
            models.UniqueConstraint(fields=["facilitator", "kelurahan"], name="facilitator_area_once"),
        ]

    def __str__(self) -> str:
        return f"{self.facilitator} — {self.kelurahan}"


class UserArea(models.Model):
    """The area a user works in, set by the office (without one: the installation's city).

    Officers and facilitators work in one city; a province's or the Ministry's readers
    read every city of their province or of the country.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area", verbose_name=_("pengguna")
    )
    level = models.CharField(_("tingkat"), max_length=10, choices=AreaLevel.choices, default=AreaLevel.KOTA)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kota")
    )
    province_code = models.CharField(_("kode provinsi"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("wilayah pengguna")
        verbose_name_plural = _("wilayah pengguna")
        constraints = [
            models.CheckConstraint(
                condition=level_matches_q(),
                name="user_area_matches_level",
                violation_error_message=_("Kota wajib untuk tingkat kota, kode provinsi untuk tingkat provinsi."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.as_area().code or self.get_level_display()}"

    def as_area(self) -> Area:
        return area_for(self.level, self.city, self.province_code)


def work_area(user) -> models.QuerySet:
    """The kelurahan where `user` may work with waiting families and proposals.

    The office works everywhere; a facilitator in the kelurahan the office assigned.
    """
    if not user.is_authenticated:
        return Kelurahan.objects.none()
    in_area = Kelurahan.objects.in_area(area_of(user))
    if user.has_perm("groups.view_all_kube"):
        return in_area
    if not is_facilitator(user):
        return Kelurahan.objects.none()
    return in_area.filter(facilitator_areas__facilitator=user)


class ImportUploadStatus(models.TextChoices):
    CHECKED = "checked", _("Diperiksa")
    APPLIED = "applied", _("Diterapkan")
    REJECTED = "rejected", _("Ada kesalahan")


class ImportUpload(models.Model):
    """An uploaded workbook between its preview and its confirmation.

    Kept in the database (not on an app server's disk) so any server can apply it;
    it also records who imported what, when.
    """

    filename = models.CharField(_("nama berkas"), max_length=255)
    content = models.BinaryField(_("isi berkas"))
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    status = models.CharField(_("status"), max_length=10, choices=ImportUploadStatus.choices)
    summary = models.TextField(_("ringkasan"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_uploads", verbose_name=_("pengunggah")
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    applied_at = models.DateTimeField(_("diterapkan"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("unggahan impor")
        verbose_name_plural = _("unggahan impor")

    def __str__(self) -> str:
        return self.filename
