"""The API's answers. Field names follow the import workbook's columns (contract 4) where
one exists; values are the stored codes (`tidak_aktif`, `produksi`), dates ISO 8601.

Masking: a client without `personal_data` gets NIK, KK and phone masked by the one rule
(kube_registry.masking.present_personal), never a birth date (the age in years, as the
pages show it), and every free text with any NIK-, KK- or phone-like number masked.
No user account, token, upload, photo or history row is ever serialized; a facilitator
is a display name (never a username or an id), for personal-data clients only.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import DYNAMICS_ASPECTS, INDEPENDENCE_FACTORS, Assessment, Category
from finances.models import MonthlyReport
from groups.models import City, Kube, Membership
from kube_registry.masking import age_years, mask_text, present_personal
from partnerships.models import Partner, Partnership


def _can_see(serializer) -> bool:
    client = serializer.context.get("client")
    return bool(client is not None and client.personal_data)


def mask_json(value):
    """Every string inside a JSON value with NIK-, KK- and phone-like numbers masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_json(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_json(item) for key, item in value.items()}
    return value


class FreeTextField(serializers.CharField):
    """Text people typed (notes, problems, reasons, addresses): masked for masked clients."""

    def to_representation(self, value):
        text = super().to_representation(value)
        return text if _can_see(self) else mask_text(text)


@extend_schema_field(OpenApiTypes.OBJECT)
class EvidenceField(serializers.JSONField):
    def to_representation(self, value):
        value = super().to_representation(value)
        return value if _can_see(self) else mask_json(value)


class RegionSerializer(serializers.Serializer):
    kode = serializers.CharField(source="code")
    nama = serializers.CharField(source="name")


class CitySerializer(serializers.ModelSerializer):
    kode = serializers.CharField(source="code")
    nama = serializers.CharField(source="name")
    kode_provinsi = serializers.CharField(source="province_code")
    provinsi = serializers.CharField(source="province_name")

    class Meta:
        model = City
        fields = ["kode", "nama", "kode_provinsi", "provinsi"]


class KubeSerializer(serializers.ModelSerializer):
    no_registrasi = serializers.CharField()
    nama_kube = serializers.CharField(source="name")
    kota = RegionSerializer(source="kelurahan.kecamatan.city")
    kecamatan = RegionSerializer(source="kelurahan.kecamatan")
    kelurahan = RegionSerializer()
    alamat = FreeTextField(source="address")
    tanggal_berdiri = serializers.DateField(source="founded_on")
    jenis_usaha = serializers.CharField(source="business_field")
    uraian_usaha = FreeTextField(source="business_description")
    wilayah = serializers.CharField(source="area_type")
    prakarsa = serializers.CharField(source="initiative")
    lkm_koperasi = serializers.CharField(source="financial_institution")
    tanggal_lkm_koperasi = serializers.DateField(source="financial_institution_on", allow_null=True)
    jumlah_anggota = serializers.IntegerField(source="active_member_count", help_text="Anggota aktif.")
    kategori = serializers.ChoiceField(
        source="latest_final_category",
        choices=Category.choices,
        allow_null=True,
        help_text="Kategori akhir penilaian terakhir (null: belum dinilai).",
    )
    skor = serializers.DecimalField(source="latest_score", max_digits=4, decimal_places=1, allow_null=True)
    tanggal_penilaian = serializers.DateField(source="latest_as_of", allow_null=True)
    pendamping = serializers.SerializerMethodField(
        help_text="Nama pendamping, hanya untuk klien dengan izin data pribadi; null bila tidak."
    )
    ada_pendamping = serializers.SerializerMethodField()
    diubah = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Kube
        fields = [
            "id",
            "no_registrasi",
            "nama_kube",
            "kota",
            "kecamatan",
            "kelurahan",
            "rt",
            "alamat",
            "tanggal_berdiri",
            "jenis_usaha",
            "uraian_usaha",
            "wilayah",
            "prakarsa",
            "status",
            "lkm_koperasi",
            "tanggal_lkm_koperasi",
            "jumlah_anggota",
            "kategori",
            "skor",
            "tanggal_penilaian",
            "ada_pendamping",
            "pendamping",
            "diubah",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_pendamping(self, kube) -> str | None:
        if kube.facilitator is None or not _can_see(self):
            return None
        return kube.facilitator.get_full_name() or None

    def get_ada_pendamping(self, kube) -> bool:
        return kube.facilitator_id is not None


class MembershipSerializer(serializers.ModelSerializer):
    kelompok = serializers.IntegerField(source="kube_id", help_text="id KUBE")
    no_registrasi = serializers.CharField(source="kube.no_registrasi")
    id_orang = serializers.IntegerField(source="person_id", help_text="Orang yang sama di keanggotaan lain.")
    nama = serializers.CharField(source="person.name")
    jenis_kelamin = serializers.CharField(source="person.sex")
    nik = serializers.SerializerMethodField(help_text="Disamarkan (6474 •••• •••• ••••) tanpa izin data pribadi.")
    no_kk = serializers.SerializerMethodField()
    telepon = serializers.SerializerMethodField()
    tanggal_lahir = serializers.SerializerMethodField(help_text="null tanpa izin data pribadi: lihat umur.")
    umur = serializers.SerializerMethodField(help_text="Usia dalam tahun penuh hari ini.")
    jabatan = serializers.CharField(source="role")
    tanggal_masuk = serializers.DateField(source="joined_on", allow_null=True)
    tanggal_keluar = serializers.DateField(source="left_on", allow_null=True)
    alasan_keluar = serializers.CharField(source="leave_reason")
    dtks = serializers.BooleanField(source="person.is_dtks")
    pkh = serializers.BooleanField(source="person.is_pkh")

    class Meta:
        model = Membership
        fields = [
            "id",
            "kelompok",
            "no_registrasi",
            "id_orang",
            "nama",
            "jenis_kelamin",
            "nik",
            "no_kk",
            "telepon",
            "tanggal_lahir",
            "umur",
            "jabatan",
            "tanggal_masuk",
            "tanggal_keluar",
            "alasan_keluar",
            "dtks",
            "pkh",
        ]

    def _personal(self, membership):
        # One decision per row, by the one masking rule (export form: full values as stored).
        person = membership.person
        return present_personal(
            can_see=_can_see(self), nik=person.nik, kk=person.kk, phone=person.phone, birth_on=None, export=True
        )

    def get_nik(self, membership) -> str:
        return self._personal(membership).nik

    def get_no_kk(self, membership) -> str:
        return self._personal(membership).kk

    def get_telepon(self, membership) -> str:
        return self._personal(membership).phone

    @extend_schema_field(OpenApiTypes.DATE)
    def get_tanggal_lahir(self, membership):
        return membership.person.birth_on if _can_see(self) else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_umur(self, membership) -> int | None:
        birth_on = membership.person.birth_on
        return None if birth_on is None else age_years(birth_on, timezone.localdate())


class ReportSerializer(serializers.ModelSerializer):
    kelompok = serializers.IntegerField(source="kube_id", help_text="id KUBE")
    no_registrasi = serializers.CharField(source="kube.no_registrasi")
    periode = serializers.DateField(source="period", format="%Y-%m", help_text="YYYY-MM")
    pendapatan = serializers.IntegerField(source="income")
    pengeluaran = serializers.IntegerField(source="expenses")
    disisihkan_kas = serializers.IntegerField(source="kept_in_cash")
    dibagikan_anggota = serializers.IntegerField(source="shared_to_members")
    iks_terkumpul = serializers.IntegerField(source="iks_collected")
    saldo_kas = serializers.IntegerField(source="cash_in_hand")
    saldo_bank = serializers.IntegerField(source="cash_in_bank")
    jumlah_pertemuan = serializers.IntegerField(source="meetings_held")
    kehadiran_persen = serializers.IntegerField(source="attendance_percent", allow_null=True)
    catatan = FreeTextField(source="notes")
    masalah = FreeTextField(source="problems")
    diimpor = serializers.BooleanField(source="is_imported")
    pertama_diajukan = serializers.DateTimeField(source="first_submitted_at", allow_null=True)
    diverifikasi = serializers.DateTimeField(source="verified_at", allow_null=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "kelompok",
            "no_registrasi",
            "periode",
            "status",
            "pendapatan",
            "pengeluaran",
            "disisihkan_kas",
            "dibagikan_anggota",
            "iks_terkumpul",
            "saldo_kas",
            "saldo_bank",
            "jumlah_pertemuan",
            "kehadiran_persen",
            "catatan",
            "masalah",
            "diimpor",
            "pertama_diajukan",
            "diverifikasi",
        ]


class AssessmentSerializer(serializers.ModelSerializer):
    kelompok = serializers.IntegerField(source="kube_id", help_text="id KUBE")
    no_registrasi = serializers.CharField(source="kube.no_registrasi")
    tanggal = serializers.DateField(source="as_of")
    kategori = serializers.CharField(source="final_category", help_text="Kategori akhir.")
    kategori_rubrik = serializers.CharField(source="computed_category")
    alasan_kategori = FreeTextField(source="override_reason")
    skor = serializers.DecimalField(source="score", max_digits=4, decimal_places=1)
    rincian_skor = EvidenceField(source="score_breakdown")
    indikator = EvidenceField(source="indicators", help_text="Tiap indikator: tingkat dan buktinya.")
    tanda = EvidenceField(source="flags")
    kekurangan = EvidenceField(source="missing", help_text="Yang masih kurang untuk kategori berikutnya.")
    versi_rubrik = serializers.CharField(source="rubric_version")
    ambang_batas = EvidenceField(source="thresholds")
    tidak_aktif = serializers.BooleanField(source="is_inactive")
    berisiko = serializers.BooleanField(source="is_at_risk")
    dinilai_pada = serializers.DateTimeField(source="assessed_at")
    faktor_kemandirian = serializers.SerializerMethodField()
    dinamika_kelompok = serializers.SerializerMethodField()
    catatan_petugas = FreeTextField(source="judgement_notes")
    dinilai_petugas_pada = serializers.DateTimeField(source="judged_at", allow_null=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "kelompok",
            "no_registrasi",
            "tanggal",
            "kategori",
            "kategori_rubrik",
            "alasan_kategori",
            "skor",
            "rincian_skor",
            "indikator",
            "tanda",
            "kekurangan",
            "versi_rubrik",
            "ambang_batas",
            "tidak_aktif",
            "berisiko",
            "dinilai_pada",
            "faktor_kemandirian",
            "dinamika_kelompok",
            "catatan_petugas",
            "dinilai_petugas_pada",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_faktor_kemandirian(self, assessment) -> dict:
        """An officer's scores 1-5 (null: not judged)."""
        return {name.removeprefix("factor_"): getattr(assessment, name) for name, _label in INDEPENDENCE_FACTORS}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_dinamika_kelompok(self, assessment) -> dict:
        return {name.removeprefix("dynamics_"): getattr(assessment, name) for name, _label in DYNAMICS_ASPECTS}


class PartnershipSerializer(serializers.ModelSerializer):
    kelompok = serializers.IntegerField(source="kube_id", help_text="id KUBE")
    no_registrasi = serializers.CharField(source="kube.no_registrasi")
    bentuk = serializers.ListField(source="forms", child=serializers.CharField())
    mulai = serializers.DateField(source="started_on")
    selesai = serializers.DateField(source="ended_on", allow_null=True)

    class Meta:
        model = Partnership
        fields = ["kelompok", "no_registrasi", "bentuk", "mulai", "selesai"]


class PartnerSerializer(serializers.ModelSerializer):
    kota = serializers.CharField(source="city.code", help_text="Kota yang mencatat mitra ini.")
    nama = serializers.CharField(source="name")
    jenis = serializers.CharField(source="kind")
    kontak = FreeTextField(source="contact")
    catatan = FreeTextField(source="notes")
    kemitraan = PartnershipSerializer(
        source="partnerships", many=True, help_text="Kemitraan dengan KUBE di wilayah klien."
    )

    class Meta:
        model = Partner
        fields = ["id", "kota", "nama", "jenis", "kontak", "catatan", "kemitraan"]


# --- Aggregates --------------------------------------------------------------------------


class CategoryRowSerializer(serializers.Serializer):
    kode = serializers.CharField(source="code")
    nama = serializers.CharField(source="name")
    kode_kota = serializers.CharField(source="city_code")
    tumbuh = serializers.IntegerField(source="counts.tumbuh")
    berkembang = serializers.IntegerField(source="counts.berkembang")
    mandiri = serializers.IntegerField(source="counts.mandiri")
    belum_dinilai = serializers.SerializerMethodField()
    jumlah = serializers.IntegerField(source="total")

    def get_belum_dinilai(self, row) -> int:
        return row.counts[""]


class CategoryAggregateSerializer(serializers.Serializer):
    wilayah = serializers.CharField(help_text="Wilayah klien.")
    tanggal = serializers.DateField()
    per = serializers.CharField()
    baris = CategoryRowSerializer(many=True)


class CompletenessRowSerializer(serializers.Serializer):
    periode = serializers.DateField(source="period", format="%Y-%m")
    diharapkan = serializers.IntegerField(source="expected", help_text="KUBE aktif yang wajib melapor.")
    masuk = serializers.IntegerField(source="submitted", help_text="Laporan yang sampai ke dinas.")
    terverifikasi = serializers.IntegerField(source="verified")
    tepat_waktu = serializers.IntegerField(source="on_time")
    kelengkapan_persen = serializers.IntegerField(source="completeness", allow_null=True)
    ketepatan_persen = serializers.IntegerField(source="timeliness", allow_null=True)


class CompletenessAggregateSerializer(serializers.Serializer):
    wilayah = serializers.CharField()
    baris = CompletenessRowSerializer(many=True)
