"""The demo city's data tables: names, streets, businesses, places, rates, and KUBE Mekar
Sari's real history (BRIEF.md). The builders that draw from them are in `groups/demo.py`."""

import datetime as dt
from dataclasses import dataclass

from .models import BusinessField, LeaveReason, Role, Sex

F, M = Sex.FEMALE, Sex.MALE

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

# Its members as (joined, sex, role, left, reason): the PKK women's group, a few men joining later.
MEKAR_SARI_MEMBERS = [
    (MEKAR_SARI_FOUNDED, F, Role.KETUA, None, ""),
    (MEKAR_SARI_FOUNDED, F, Role.SEKRETARIS, None, ""),
    (MEKAR_SARI_FOUNDED, F, Role.BENDAHARA, None, ""),
    *[(MEKAR_SARI_FOUNDED, F, Role.ANGGOTA, None, "")] * 4,
    (MEKAR_SARI_FOUNDED, F, Role.ANGGOTA, dt.date(2018, 3, 12), LeaveReason.PINDAH),
    (MEKAR_SARI_FOUNDED, F, Role.ANGGOTA, None, ""),
    (MEKAR_SARI_FOUNDED, F, Role.ANGGOTA, dt.date(2022, 2, 14), LeaveReason.MENGUNDURKAN_DIRI),
    *[(dt.date(2014, 8, 4), F, Role.ANGGOTA, None, "")] * 3,
    (dt.date(2015, 2, 9), F, Role.ANGGOTA, dt.date(2019, 11, 20), LeaveReason.MENINGGAL),
    (dt.date(2015, 2, 9), M, Role.ANGGOTA, None, ""),
    (dt.date(2015, 2, 9), F, Role.ANGGOTA, None, ""),
    (dt.date(2015, 9, 7), F, Role.ANGGOTA, dt.date(2021, 7, 5), LeaveReason.MAMPU),
    (dt.date(2015, 9, 7), F, Role.ANGGOTA, None, ""),
    (dt.date(2016, 5, 2), M, Role.ANGGOTA, None, ""),
    (dt.date(2016, 5, 2), F, Role.ANGGOTA, None, ""),
    # Replacements for those who left, then growth past the 20-family cap.
    (dt.date(2018, 6, 4), F, Role.ANGGOTA, None, ""),
    (dt.date(2020, 2, 3), F, Role.ANGGOTA, None, ""),
    (dt.date(2021, 9, 6), F, Role.ANGGOTA, None, ""),
    (dt.date(2022, 5, 9), F, Role.ANGGOTA, None, ""),
    (dt.date(2022, 11, 7), M, Role.ANGGOTA, None, ""),
    (dt.date(2023, 3, 6), F, Role.ANGGOTA, None, ""),
    (dt.date(2023, 8, 7), F, Role.ANGGOTA, None, ""),
]
# Members first registered elsewhere keep that NIK region (Makassar, Bone, Surabaya, Samarinda).
MEKAR_SARI_NIK_REGIONS = {3: "737101", 12: "730801", 15: "357801", 21: "737101", 24: "647201"}
MEKAR_SARI_PKH = {4, 6, 11, 13, 16, 19, 22, 25}
