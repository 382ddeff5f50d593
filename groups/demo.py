"""The demo city behind `seed_demo` (CONTRACTS.md, 2): regions, users, KUBE Mekar Sari
and synthetic groups with their members.

One plain function per kind of data. Every random choice comes from a
`random.Random` seeded from the command's seed, one stream per kind of data, so the
same seed gives the same city, and Mekar Sari does not change with the group count.
Dates are drawn relative to the fixed `REFERENCE_DATE`, never the wall clock; the
clock only caps them so nothing is dated in the future.

Later data (monthly reports, grants, partners, assets, loans) comes from builders the
other apps register with `kube_registry.demo_hooks`; they run after the groups exist.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kube_registry.demo_hooks import DemoContext, demo_builders
from kube_registry.roles import ROLE_ADMIN, ROLE_FACILITATOR, ROLE_OFFICER

from .models import (
    OFFICER_ROLES,
    AreaType,
    BusinessField,
    FinancialInstitution,
    Initiative,
    Kecamatan,
    Kelurahan,
    Kube,
    KubeStatus,
    LeaveReason,
    Membership,
    Person,
    Role,
    Sex,
)
from .regions import load_regions
from .services import city_code_digits, facilitator_area_set

DEFAULT_PASSWORD = "kube-demo"
DEFAULT_GROUPS = 280
DEFAULT_YEARS = 3
DEFAULT_SEED = 2014

# The demo's "today": synthetic groups are founded 2012-2025 and their histories end here.
REFERENCE_DATE = dt.date(2025, 12, 31)
FIRST_FOUNDED = dt.date(2012, 1, 1)

MEKAR_SARI_KELURAHAN = "64.74.01.1004"  # Guntung, Bontang Utara
MEKAR_SARI_CITY = "64.74"
MEKAR_SARI_NUMBER = "6474-2014-001"
MEKAR_SARI_FOUNDED = dt.date(2014, 4, 14)

GROUPS_PER_FACILITATOR = 10

FEMALE_FIRST = (
    "Siti Sri Nur Dewi Rina Hasnah Nurhayati Suryani Rosmini Rahmawati Murni Jumiati Sulastri Kartini "
    "Fatimah Aminah Halimah Rukmini Yuliana Ernawati Hartini Marlina Sumarni Nurlela Hadijah Asmawati "
    "Darmawati Mardiana Sitti Indah Ratna Rosdiana Nurjannah Masita Suriani Herlina Yusniar Megawati "
    "Erni Mulyani Wartini Salmah Syamsiah Musdalifah Hasmawati Juwita Rahmah Sunarti Ningsih Wahidah "
    "Heni Eka Yanti Sukmawati Endang Tuti Rusmini Maryam Jamilah Nuraeni Riska Andi"
).split()
FEMALE_LAST = (
    "Aminah Wahyuni Rahayu Lestari Handayani Purnamasari Safitri Anggraini Yulianti Hasanah Fitriani "
    "Susanti Mulyani Kurniawati Rahmawati Nurhasanah Sari Wulandari Nurlaila Hamid Suryani Ramlah "
    "Marwah Jumriah Hastuti Kasmawati Hasniati Sumiati Astuti Haryati Mardiah Pratiwi Saodah"
).split()
MALE_FIRST = (
    "Ahmad Muhammad Abdul Andi Budi Agus Bambang Slamet Joko Rahmat Syamsul Hasanuddin Ismail Hendra "
    "Rudi Yusuf Arifin Darmawan Samsuddin Sudirman Suparman Herman Irwan Ridwan Fadli Syahrir "
    "Jamaluddin Baharuddin Muslimin Nasrullah Wahyu Eko Dedi Heri Sugianto Mulyadi Syarifuddin "
    "Muhlis Amiruddin Hamka Kamaruddin Sultan Darwis Asri Rusdi Supriadi Gusti Taufik"
).split()
MALE_LAST = (
    "Hidayat Saputra Santoso Setiawan Prasetyo Kurniawan Wijaya Nugroho Gunawan Hakim Syamsuddin Rahman "
    "Hamzah Amir Salim Ramli Sulaiman Firmansyah Hasan Ibrahim Mansyur Tahir Nurdin Said Rauf Basri "
    "Jufri Latif Sutrisno Purnomo Haris Malik"
).split()

STREETS = (
    "Jl. Ahmad Yani",
    "Jl. MT Haryono",
    "Jl. Brigjend Katamso",
    "Jl. Imam Bonjol",
    "Jl. Cut Nyak Dien",
    "Jl. Pattimura",
    "Jl. Sultan Hasanuddin",
    "Jl. Selat Makassar",
    "Jl. Pelabuhan",
    "Jl. Pupuk Raya",
    "Jl. Sutomo",
    "Jl. Kapten Tendean",
    "Jl. Gajah Mada",
    "Jl. Mulawarman",
    "Jl. Awang Long",
)

# Group names: a word pair ("Mekar Jaya"), a single word ("Melati"), or the business's own names.
NAME_FIRST = (
    "Mekar Maju Sumber Karya Bina Cahaya Sinar Berkah Mitra Harapan Usaha Rukun Setia Putri Bintang "
    "Bunga Tunas Fajar Mutiara Permata Citra Insan Bumi"
).split()
NAME_SECOND = (
    "Jaya Bersama Sejahtera Mandiri Makmur Lestari Sentosa Abadi Rezeki Indah Baru Sari Utama "
    "Bahagia Permai Kencana Mulia Etam Bersatu"
).split()
NAME_SINGLE = (
    "Melati Anggrek Kenanga Cempaka Flamboyan Teratai Mawar Kartini Srikandi Sakinah Barokah Amanah Al-Ikhlas "
    "Al-Hidayah Sehati Pelangi Matahari Lestari Seroja Dahlia Nusa-Indah"
).split()


@dataclass(frozen=True)
class Business:
    field: str
    descriptions: tuple[str, ...]
    names: tuple[str, ...]
    female_share: float
    weight: int
    coastal: bool = False  # more common in coastal kelurahan
    lends: bool = False  # savings and loans: the likeliest to form an LKM or cooperative


BUSINESSES = (
    Business(
        BusinessField.JASA,
        (
            "Penyewaan tenda, kursi dan perlengkapan hajatan.",
            "Sewa tenda, pelaminan dan dekorasi untuk pesta pernikahan dan acara warga.",
        ),
        ("Tenda Biru", "Tenda Mas", "Pesta Jaya"),
        0.35,
        9,
    ),
    Business(
        BusinessField.JASA,
        (
            "Menjahit pakaian, seragam sekolah dan permak.",
            "Jahit busana muslim dan seragam kantor pesanan.",
        ),
        ("Benang Emas", "Jarum Mas", "Busana Ayu"),
        0.9,
        8,
    ),
    Business(
        BusinessField.JASA,
        (
            "Katering nasi kotak dan kue untuk acara.",
            "Menerima pesanan nasi kotak, tumpeng dan kue basah.",
        ),
        ("Dapur Bunda", "Rasa Sayang", "Selera Bunda"),
        0.9,
        7,
    ),
    Business(
        BusinessField.JASA,
        (
            "Tata rias pengantin dan penyewaan busana pengantin adat Bugis, Jawa dan Banjar.",
            "Rias pengantin, sewa baju adat dan dekorasi pelaminan.",
        ),
        ("Rias Ayu", "Puspita Sari", "Cantika"),
        0.95,
        4,
    ),
    Business(
        BusinessField.JASA,
        (
            "Simpan pinjam anggota dengan modal bergulir.",
            "Usaha simpan pinjam tanpa bunga untuk anggota dan arisan produktif.",
        ),
        ("Dana Bersama", "Mitra Sejahtera", "Modal Bergulir"),
        0.65,
        6,
        lends=True,
    ),
    Business(BusinessField.JASA, ("Jasa cuci dan setrika pakaian kiloan.",), ("Bersih Wangi",), 0.8, 3),
    Business(BusinessField.JASA, ("Bengkel dan servis sepeda motor.",), ("Motor Jaya", "Roda Berkah"), 0.05, 3),
    Business(
        BusinessField.PERDAGANGAN,
        (
            "Warung makan nasi kuning dan soto Banjar.",
            "Warung kopi, gorengan dan nasi bungkus.",
            "Warung makan coto Makassar dan es buah.",
        ),
        ("Warung Bunda", "Sederhana", "Selera Kita"),
        0.75,
        10,
    ),
    Business(
        BusinessField.PERDAGANGAN,
        ("Warung sembako dan kebutuhan rumah tangga.", "Kios pulsa, gas elpiji dan kebutuhan pokok."),
        ("Toko Berkah", "Sembako Murah"),
        0.6,
        9,
    ),
    Business(
        BusinessField.PERDAGANGAN,
        ("Jual beli ikan segar dari nelayan ke Pasar Rawa Indah.",),
        ("Bahari", "Nelayan Sejahtera"),
        0.5,
        5,
        coastal=True,
    ),
    Business(BusinessField.PERDAGANGAN, ("Kantin sekolah dan jajanan anak.",), ("Kantin Ceria",), 0.9, 3),
    Business(
        BusinessField.PRODUKSI,
        ("Produksi amplang dan kerupuk ikan.", "Kerupuk udang dan stik rumput laut."),
        ("Amplang Bahari", "Kerupuk Bunda", "Rasa Laut"),
        0.85,
        8,
        coastal=True,
    ),
    Business(
        BusinessField.PRODUKSI,
        ("Budidaya ikan lele di kolam terpal.", "Budidaya ikan nila dan lele."),
        ("Lele Makmur", "Mina Sejahtera"),
        0.25,
        6,
    ),
    Business(
        BusinessField.PRODUKSI,
        ("Keramba jaring apung ikan kerapu dan kakap.", "Budidaya dan pengeringan rumput laut."),
        ("Mina Bahari", "Laut Biru", "Pesisir Jaya"),
        0.35,
        5,
        coastal=True,
    ),
    Business(
        BusinessField.PRODUKSI,
        ("Pengolahan sampah organik menjadi pupuk kompos.", "Bank sampah dan pembuatan kompos."),
        ("Hijau Lestari", "Bumi Hijau"),
        0.7,
        3,
    ),
    Business(
        BusinessField.PRODUKSI,
        ("Kerajinan cincin perak dan batu akik.",),
        ("Perak Indah", "Batu Permata"),
        0.2,
        2,
    ),
    Business(
        BusinessField.PRODUKSI,
        ("Kue kering, kue basah dan keripik pisang.", "Produksi abon ikan dan keripik singkong."),
        ("Kue Bunda", "Manis Legit"),
        0.9,
        6,
    ),
    Business(
        BusinessField.PRODUKSI,
        ("Pengolahan ikan asin dan terasi.",),
        ("Asin Bahari",),
        0.6,
        3,
        coastal=True,
    ),
    Business(
        BusinessField.PRODUKSI,
        ("Kerajinan anyaman dan manik-manik khas Kalimantan.",),
        ("Manik Borneo", "Anyaman Etam"),
        0.9,
        2,
    ),
)

# Kelurahan by Kemendagri code, for the area type a group there usually has.
COASTAL_KELURAHAN = {
    "64.74.01.1001",  # Bontang Kuala
    "64.74.01.1003",  # Lok Tuan
    "64.74.02.1001",  # Tanjung Laut
    "64.74.02.1003",  # Berbas Pantai
    "64.74.02.1006",  # Tanjung Laut Indah
}
RURAL_KELURAHAN = {"64.74.02.1005", "64.74.03.1003"}  # Bontang Lestari, Kanaan

# NIK regions of members first registered elsewhere: a Bontang resident keeps them.
MIGRANT_REGIONS = (
    ("737101", 6),  # Kota Makassar
    ("730801", 4),  # Kab. Bone
    ("731301", 3),  # Kab. Wajo
    ("737201", 2),  # Kota Parepare
    ("647201", 3),  # Kota Samarinda
    ("647101", 2),  # Kota Balikpapan
    ("640201", 3),  # Kab. Kutai Kartanegara
    ("637101", 2),  # Kota Banjarmasin
    ("357801", 2),  # Kota Surabaya
    ("352401", 1),  # Kab. Lamongan
    ("350901", 1),  # Kab. Jember
    ("530601", 1),  # Kab. Flores Timur
)

LEAVE_REASONS = (
    (LeaveReason.MENGUNDURKAN_DIRI, 35),
    (LeaveReason.PINDAH, 25),
    (LeaveReason.MAMPU, 15),
    (LeaveReason.MENINGGAL, 10),
    (LeaveReason.LAINNYA, 15),
)

MEKAR_SARI_VISION = (
    "Kemandirian kelompok: mengolah sampah RT 07 Guntung menjadi produk bernilai ekonomi, "
    "meningkatkan pendapatan anggota, dan menjaga lingkungan tetap bersih dan hijau."
)
MEKAR_SARI_PLAN = (
    "RENSTRA 2015–2019 (rencana strategis lima tahun):\n"
    "2015 – produksi kompos padat; pembukuan dan administrasi kelompok lengkap.\n"
    "2016 – diversifikasi produk: pestisida nabati dan pupuk organik cair.\n"
    "2017 – media tanam dan sekam bakar; perluasan pemasaran dan jaringan mitra.\n"
    "2018–2019 – penguatan permodalan dan iuran IKS rutin; kelompok mandiri."
)
MEKAR_SARI_DESCRIPTION = (
    "Pengolahan sampah organik rumah tangga menjadi pupuk kompos padat (2014–2015), kemudian "
    "pestisida nabati, pupuk organik cair, media tanam dan sekam bakar."
)


class DemoError(Exception):
    """The demo city cannot be built here; the message is for the user."""


@dataclass(frozen=True)
class DemoUsers:
    admin: object
    officer: object
    facilitators: list

    @property
    def count(self) -> int:
        return 2 + len(self.facilitators)


@dataclass
class DemoGroup:
    """A group and its memberships (each holding its unsaved person), before saving."""

    kube: Kube
    memberships: list[Membership] = field(default_factory=list)


@dataclass(frozen=True)
class SeedSummary:
    kubes: int
    persons: int
    memberships: int
    users: int
    extra: dict[str, int] = field(default_factory=dict)  # label -> count, from demo builders


def demo_today() -> dt.date:
    """The last date demo data may carry: the reference date, or today if earlier."""
    return min(REFERENCE_DATE, timezone.localdate())


def stream(seed: int, kind: str) -> random.Random:
    """An independent random stream per kind of data (str seeds hash deterministically)."""
    return random.Random(f"{seed}:{kind}")


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def person_name(rng: random.Random, sex: str) -> str:
    first, last = (FEMALE_FIRST, FEMALE_LAST) if sex == Sex.FEMALE else (MALE_FIRST, MALE_LAST)
    if rng.random() < 0.12:  # many Indonesians carry a single name
        return rng.choice(last)
    return f"{rng.choice(first)} {rng.choice(last)}"


def phone_number(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return ""
    prefix = rng.choice(("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0896"))
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((7, 8))))


class IdentityNumbers:
    """Hands out NIK and KK numbers that are valid and unique across the demo city."""

    def __init__(self, taken_niks=()):
        self.niks: set[str] = set(taken_niks)
        self.kks: set[str] = set()

    def nik(self, rng: random.Random, *, region: str, sex: str, birth_on: dt.date) -> str:
        day = birth_on.day + (40 if sex == Sex.FEMALE else 0)
        stem = f"{region}{day:02d}{birth_on.month:02d}{birth_on.year % 100:02d}"
        while True:
            # Serials per region and birth date run from 0001; most are low.
            nik = f"{stem}{min(int(rng.expovariate(1 / 120)) + 1, 9999):04d}"
            if nik not in self.niks:
                self.niks.add(nik)
                return nik

    def kk(self, rng: random.Random, *, region: str, registered_on: dt.date) -> str:
        stem = f"{region}{registered_on:%d%m%y}"
        while True:
            kk = f"{stem}{rng.randint(1, 9999):04d}"
            if kk not in self.kks:
                self.kks.add(kk)
                return kk


def make_person(
    rng: random.Random,
    ids: IdentityNumbers,
    *,
    home_region: str,
    sex: str,
    joined_on: dt.date,
    nik_region: str | None = None,
    is_pkh: bool | None = None,
    is_dtks: bool | None = None,
    names_in_group: set[str] | None = None,
) -> Person:
    """A head of family of working age when joining, with NIK and KK that agree with them."""
    birth_on = add_years(joined_on, -rng.randint(21, 56)) - dt.timedelta(days=rng.randint(0, 364))
    if nik_region is None:
        roll = rng.random()
        if roll < 0.72:
            nik_region = home_region
        elif roll < 0.82:
            nik_region = home_region[:4] + rng.choice(("01", "02", "03"))  # another kecamatan of the city
        elif roll < 0.997:
            nik_region = rng.choices(*zip(*MIGRANT_REGIONS, strict=True))[0]
        else:
            nik_region = home_region[:4] + "00"  # an old NIK without a district: shows the warning
    registered_on = random_date(rng, max(dt.date(2005, 1, 1), add_years(birth_on, 18)), joined_on)
    kk = "" if rng.random() < 0.03 else ids.kk(rng, region=home_region, registered_on=registered_on)
    name = person_name(rng, sex)
    while names_in_group is not None and name in names_in_group:  # namesakes do occur, but not in one group
        name = person_name(rng, sex)
    if names_in_group is not None:
        names_in_group.add(name)
    return Person(
        nik=ids.nik(rng, region=nik_region, sex=sex, birth_on=birth_on),
        kk=kk,
        name=name,
        sex=sex,
        birth_on=birth_on,
        phone=phone_number(rng),
        is_dtks=rng.random() < 0.96 if is_dtks is None else is_dtks,
        is_pkh=rng.random() < 0.4 if is_pkh is None else is_pkh,
    )


def seed_regions() -> list[Kelurahan]:
    """The configured city's kelurahan (and Guntung, Mekar Sari's home, wherever the city)."""
    load_regions(settings.KUBE_CITY_CODE, Kecamatan, Kelurahan)
    if not Kelurahan.objects.filter(code=MEKAR_SARI_KELURAHAN).exists():
        load_regions(MEKAR_SARI_CITY, Kecamatan, Kelurahan)
    return list(
        Kelurahan.objects.filter(code__startswith=f"{settings.KUBE_CITY_CODE}.")
        .select_related("kecamatan")
        .order_by("code")
    )


def seed_users(*, rng: random.Random, password: str, facilitator_count: int) -> DemoUsers:
    """admin, petugas and pendamping1..N; existing users keep their rows and get the password."""
    # One hash for all: the demo password is shared anyway, and hashing it 30 times costs seconds.
    hashed = make_password(password)
    roles = {
        group.name: group for group in AuthGroup.objects.filter(name__in=[ROLE_ADMIN, ROLE_OFFICER, ROLE_FACILITATOR])
    }

    def upsert(username: str, role: str, sex: str, **extra):
        first, _space, last = person_name(rng, sex).partition(" ")
        user, _created = get_user_model().objects.update_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "password": hashed, "is_active": True, **extra},
        )
        user.groups.add(roles[role])
        return user

    admin = upsert("admin", ROLE_ADMIN, Sex.MALE, is_staff=True, is_superuser=True)
    officer = upsert("petugas", ROLE_OFFICER, Sex.FEMALE)
    facilitators = [
        upsert(f"pendamping{n}", ROLE_FACILITATOR, rng.choice((Sex.FEMALE, Sex.MALE)))
        for n in range(1, facilitator_count + 1)
    ]
    return DemoUsers(admin=admin, officer=officer, facilitators=facilitators)


def facilitator_count_for(groups: int) -> int:
    """About one facilitator per ten groups, Mekar Sari included; at least one."""
    return max(1, round((groups + 1) / GROUPS_PER_FACILITATOR))


def build_mekar_sari(*, rng: random.Random, ids: IdentityNumbers, facilitator, today: dt.date) -> DemoGroup:
    """KUBE Mekar Sari as in BRIEF.md: 10 founders in April 2014, 20 by 2016, 23 active by 2023.

    Under a clock set before those dates (frozen-time tests) the history stops at `today`.
    """
    kelurahan = Kelurahan.objects.select_related("kecamatan").get(code=MEKAR_SARI_KELURAHAN)
    kube = Kube(
        no_registrasi=MEKAR_SARI_NUMBER,
        name="KUBE Mekar Sari",
        kelurahan=kelurahan,
        rt="07",
        address="Jl. Cumi-Cumi",
        founded_on=MEKAR_SARI_FOUNDED,
        business_field=BusinessField.PRODUKSI,
        business_description=MEKAR_SARI_DESCRIPTION,
        area_type=AreaType.PERKOTAAN,
        initiative=Initiative.MASYARAKAT,
        facilitator=facilitator,
        status=KubeStatus.AKTIF,
        vision=MEKAR_SARI_VISION,
        plan=MEKAR_SARI_PLAN,
    )
    group = DemoGroup(kube)
    d = dt.date
    # (joined, sex, role, left, reason): the PKK women's group, a few men joining later.
    F, M = Sex.FEMALE, Sex.MALE
    plan = [
        (MEKAR_SARI_FOUNDED, F, Role.KETUA, None, ""),
        (MEKAR_SARI_FOUNDED, F, Role.SEKRETARIS, None, ""),
        (MEKAR_SARI_FOUNDED, F, Role.BENDAHARA, None, ""),
        *[(MEKAR_SARI_FOUNDED, F, Role.ANGGOTA, None, "")] * 4,
        (MEKAR_SARI_FOUNDED, F, Role.ANGGOTA, d(2018, 3, 12), LeaveReason.PINDAH),
        (MEKAR_SARI_FOUNDED, F, Role.ANGGOTA, None, ""),
        (MEKAR_SARI_FOUNDED, F, Role.ANGGOTA, d(2022, 2, 14), LeaveReason.MENGUNDURKAN_DIRI),
        *[(d(2014, 8, 4), F, Role.ANGGOTA, None, "")] * 3,
        (d(2015, 2, 9), F, Role.ANGGOTA, d(2019, 11, 20), LeaveReason.MENINGGAL),
        (d(2015, 2, 9), M, Role.ANGGOTA, None, ""),
        (d(2015, 2, 9), F, Role.ANGGOTA, None, ""),
        (d(2015, 9, 7), F, Role.ANGGOTA, d(2021, 7, 5), LeaveReason.MAMPU),
        (d(2015, 9, 7), F, Role.ANGGOTA, None, ""),
        (d(2016, 5, 2), M, Role.ANGGOTA, None, ""),
        (d(2016, 5, 2), F, Role.ANGGOTA, None, ""),
        # Replacements for those who left, then growth past the 20-family cap.
        (d(2018, 6, 4), F, Role.ANGGOTA, None, ""),
        (d(2020, 2, 3), F, Role.ANGGOTA, None, ""),
        (d(2021, 9, 6), F, Role.ANGGOTA, None, ""),
        (d(2022, 5, 9), F, Role.ANGGOTA, None, ""),
        (d(2022, 11, 7), M, Role.ANGGOTA, None, ""),
        (d(2023, 3, 6), F, Role.ANGGOTA, None, ""),
        (d(2023, 8, 7), F, Role.ANGGOTA, None, ""),
    ]
    # Members first registered elsewhere keep that NIK region (Makassar, Bone, Surabaya, Samarinda).
    other_regions = {3: "737101", 12: "730801", 15: "357801", 21: "737101", 24: "647201"}
    pkh_members = {4, 6, 11, 13, 16, 19, 22, 25}
    names: set[str] = set()
    for index, (joined_on, sex, role, left_on, reason) in enumerate(plan):
        person = make_person(
            rng,
            ids,
            home_region="647401",
            sex=sex,
            joined_on=joined_on,
            nik_region=other_regions.get(index, "647401"),
            is_dtks=True,
            is_pkh=index in pkh_members,
            names_in_group=names,
        )
        if joined_on > today:
            continue
        if left_on and left_on > today:
            left_on, reason = None, ""
        group.memberships.append(
            Membership(person=person, kube=kube, role=role, joined_on=joined_on, left_on=left_on, leave_reason=reason)
        )
    return group


def _area_type(rng: random.Random, kelurahan: Kelurahan) -> str:
    roll = rng.random()
    if roll < 0.05:
        return ""
    if kelurahan.code in COASTAL_KELURAHAN and roll < 0.7:
        return AreaType.PESISIR
    if kelurahan.code in RURAL_KELURAHAN and roll < 0.6:
        return AreaType.PERDESAAN
    return AreaType.PERKOTAAN


def _status(rng: random.Random, *, founded_on: dt.date, initiative: str, today: dt.date) -> str:
    # Older groups have had longer to fail; self-initiated groups fail less often.
    age = (today - founded_on).days / 365
    risk = min(0.06 * age, 0.55) * (0.6 if initiative == Initiative.MASYARAKAT else 1.0)
    roll = rng.random()
    if roll < risk * 0.35:
        return KubeStatus.BUBAR
    if roll < risk:
        return KubeStatus.TIDAK_AKTIF
    return KubeStatus.AKTIF


def _active_target(rng: random.Random) -> int:
    """Active members at the end: mostly 5-20 around ten, a few outside the band."""
    roll = rng.random()
    if roll < 0.05:
        return rng.randint(3, 4)
    if roll < 0.10:
        return rng.randint(21, 25)
    return max(5, min(20, round(rng.triangular(5, 20, 10))))


def _group_name(rng: random.Random, business: Business, used: set[str]) -> str:
    for _attempt in range(4):
        roll = rng.random()
        if roll < 0.3:
            base = rng.choice(business.names)
        elif roll < 0.45:
            base = rng.choice(NAME_SINGLE).replace("-", " ")
        else:
            base = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)}"
        if f"KUBE {base}" not in used:
            break
    name, n = f"KUBE {base}", 1
    while name in used:  # real registries number their namesakes
        n += 1
        name = f"KUBE {base} {_roman(n)}"
    used.add(name)
    return name


def _roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def build_members(
    rng: random.Random, ids: IdentityNumbers, group: DemoGroup, business: Business, *, end: dt.date
) -> None:
    """Founders, later joiners and leavers of one synthetic group, up to `end`."""
    kube = group.kube
    home_region = kube.kelurahan.kecamatan.code.replace(".", "")
    age_years = (end - kube.founded_on).days / 365
    active = _active_target(rng)
    leavers = min(int(rng.random() * age_years * 0.6), 8)
    total = active + leavers
    founders = min(total, 10 if rng.random() < 0.55 else rng.randint(5, 15))
    # Some early paper records have no join dates: "since founding".
    undated = kube.founded_on.year <= 2014 and rng.random() < 0.15

    people, names = [], set()
    for index in range(total):
        if index < founders:
            joined_on = kube.founded_on
        else:
            joined_on = random_date(rng, kube.founded_on + dt.timedelta(days=30), end)
        sex = Sex.FEMALE if rng.random() < business.female_share else Sex.MALE
        person = make_person(
            rng, ids, home_region=home_region, sex=sex, joined_on=min(joined_on, end), names_in_group=names
        )
        people.append([person, min(joined_on, end), None, ""])

    # Who left, when and why; a leaver needs two months in the group.
    candidates = [p for p in people if (end - p[1]).days > 60]
    for entry in rng.sample(candidates, min(leavers, len(candidates))):
        entry[2] = random_date(rng, entry[1] + dt.timedelta(days=60), end)
        entry[3] = rng.choices(*zip(*LEAVE_REASONS, strict=True))[0]

    still_active = [p for p in people if p[2] is None]
    roles = list(OFFICER_ROLES)
    if rng.random() < 0.08:  # a few groups have not chosen one of their officers
        roles.remove(rng.choice(roles))
    # Officers come from the founders when they can: musyawarah picks known faces.
    officers = sorted(still_active, key=lambda p: (p[1], rng.random()))[: len(roles)]
    role_of = {id(p): role for p, role in zip(officers, roles, strict=False)}
    for entry in people:
        person, joined_on, left_on, reason = entry
        role = role_of.get(id(entry), Role.ANGGOTA)
        if left_on and joined_on == kube.founded_on and rng.random() < 0.15:
            role = rng.choice(OFFICER_ROLES)  # a former officer, since replaced
        if kube.status == KubeStatus.BUBAR and left_on is None:
            left_on, reason = end, LeaveReason.LAINNYA  # the group dissolved
        group.memberships.append(
            Membership(
                person=person,
                kube=kube,
                role=role,
                joined_on=None if undated and joined_on == kube.founded_on else joined_on,
                left_on=left_on,
                leave_reason=reason,
            )
        )


def build_groups(
    *,
    rng: random.Random,
    ids: IdentityNumbers,
    count: int,
    kelurahans: list[Kelurahan],
    facilitators: list,
    today: dt.date,
    taken_numbers: set[str],
) -> list[DemoGroup]:
    """`count` synthetic groups over every kelurahan, founded 2012 to the reference date."""
    if not count:
        return []
    city = city_code_digits()
    used_names = {"KUBE Mekar Sari"}
    last_founded = min(REFERENCE_DATE, today)
    groups = []
    for index in range(count):
        # Every kelurahan first, then anywhere.
        kelurahan = kelurahans[index] if index < len(kelurahans) else rng.choice(kelurahans)
        coastal = kelurahan.code in COASTAL_KELURAHAN
        weights = [b.weight * (3 if b.coastal and coastal else 1) for b in BUSINESSES]
        business = rng.choices(BUSINESSES, weights)[0]
        founded_on = random_date(rng, FIRST_FOUNDED, last_founded)
        initiative = rng.choices((Initiative.MASYARAKAT, Initiative.PEMERINTAH, ""), (35, 60, 5))[0]
        status = _status(rng, founded_on=founded_on, initiative=initiative, today=last_founded)
        kube = Kube(
            name=_group_name(rng, business, used_names),
            kelurahan=kelurahan,
            rt=f"{rng.randint(1, 40):02d}",
            address=f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}" if rng.random() < 0.7 else "",
            founded_on=founded_on,
            business_field=business.field,
            business_description=rng.choice(business.descriptions),
            area_type=_area_type(rng, kelurahan),
            initiative=initiative,
            status=status,
        )
        if rng.random() < 0.6:
            kube.vision = "Meningkatkan pendapatan dan kesejahteraan keluarga anggota melalui usaha bersama."
        fi_chance = 0.3 if business.lends else 0.04
        if status == KubeStatus.AKTIF and founded_on.year <= 2021 and rng.random() < fi_chance:
            kube.financial_institution = rng.choice((FinancialInstitution.LKM, FinancialInstitution.KOPERASI))
            kube.financial_institution_on = random_date(
                rng, add_years(founded_on, 2), min(add_years(founded_on, 6), last_founded)
            )
        end = last_founded
        if status == KubeStatus.BUBAR:
            end = random_date(rng, add_years(founded_on, 1), last_founded)
        group = DemoGroup(kube)
        build_members(rng, ids, group, business, end=min(end, last_founded))
        groups.append(group)

    # Registration numbers run per founding year in founding order (contract 4).
    groups.sort(key=lambda g: (g.kube.founded_on, g.kube.name))
    sequences: dict[int, int] = {}
    for group in groups:
        year = group.kube.founded_on.year
        while True:
            sequences[year] = sequences.get(year, 0) + 1
            number = f"{city}-{year}-{sequences[year]:03d}"
            if number not in taken_numbers:
                break
        taken_numbers.add(number)
        group.kube.no_registrasi = number

    # Each facilitator covers a neighbourhood: groups ordered by kelurahan, cut in runs.
    by_area = sorted(groups, key=lambda g: (g.kube.kelurahan.code, g.kube.no_registrasi))
    for index, group in enumerate(by_area):
        facilitator = facilitators[index * len(facilitators) // len(by_area)]
        if group.kube.status == KubeStatus.BUBAR and rng.random() < 0.5:
            facilitator = None  # nobody follows a dissolved group any more
        group.kube.facilitator = facilitator
    return groups


def save_groups(groups: list[DemoGroup], *, actor) -> tuple[int, int, int]:
    """Bulk-insert groups, persons and memberships, each with its creation history entry."""
    kubes = bulk_create_with_history([g.kube for g in groups], Kube, default_user=actor)
    memberships = [m for g in groups for m in g.memberships]
    persons = bulk_create_with_history([m.person for m in memberships], Person, default_user=actor)
    # bulk_create fills person_id and kube_id from the now-saved objects the memberships hold.
    bulk_create_with_history(memberships, Membership, default_user=actor)
    return len(kubes), len(persons), len(memberships)


def seed_work_areas(facilitators: list, *, actor) -> None:
    """Each facilitator works where their groups are, as the office would have set it."""
    for facilitator in facilitators:
        kelurahans = Kelurahan.objects.filter(kubes__facilitator=facilitator).distinct()
        facilitator_area_set(actor=actor, facilitator=facilitator, kelurahans=list(kelurahans))


@transaction.atomic
def seed_demo(
    *,
    groups: int = DEFAULT_GROUPS,
    years: int = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    password: str = DEFAULT_PASSWORD,
) -> SeedSummary:
    """Build the demo city into a database without groups; see CONTRACTS.md, 2.

    `years` of monthly reports will be generated once reports exist as a model.
    """
    if Kube.objects.exists():
        raise DemoError(
            "Basis data sudah berisi KUBE; data demo hanya dibuat di basis data tanpa KUBE. "
            "Pakai --if-empty untuk melewati, atau kosongkan basis data terlebih dahulu."
        )
    today = demo_today()
    kelurahans = seed_regions()
    if groups and not kelurahans:
        raise DemoError(f"Tidak ada data wilayah untuk kode kota {settings.KUBE_CITY_CODE} di fixtures/wilayah/.")
    users = seed_users(rng=stream(seed, "users"), password=password, facilitator_count=facilitator_count_for(groups))
    ids = IdentityNumbers(Person.objects.values_list("nik", flat=True))
    mekar_sari = build_mekar_sari(
        rng=stream(seed, "mekar-sari"), ids=ids, facilitator=users.facilitators[0], today=today
    )
    synthetic = build_groups(
        rng=stream(seed, "groups"),
        ids=ids,
        count=groups,
        kelurahans=kelurahans,
        facilitators=users.facilitators,
        today=today,
        taken_numbers={MEKAR_SARI_NUMBER},
    )
    kubes, persons, memberships = save_groups([mekar_sari, *synthetic], actor=users.admin)
    seed_work_areas(users.facilitators, actor=users.officer)
    context = DemoContext(
        seed=seed,
        years=years,
        # Reports and other dated facts run to the last complete month, so the demo
        # stays current (the same seed gives the same city within a month).
        today=timezone.localdate().replace(day=1) - dt.timedelta(days=1),
        admin=users.admin,
        officer=users.officer,
        facilitators=users.facilitators,
        mekar_sari=mekar_sari.kube,
    )
    extra: dict[str, int] = {}
    for builder in demo_builders():  # reports, grants, partners... from the other apps
        extra |= builder.build(context)
    return SeedSummary(kubes=kubes, persons=persons, memberships=memberships, users=users.count, extra=extra)
