"""The demo's field notes: Mekar Sari's trainings and study visits (BRIEF.md), the city's
trainings, and what facilitators write at a visit."""

import datetime as dt

from .models import ProblemArea, TrainingKind

D = dt.date
P, S, X = TrainingKind.PELATIHAN, TrainingKind.STUDI_BANDING, TrainingKind.PAMERAN

# (title, date, kind, organiser partner name or None for the office, how many members took part;
#  None: every active member). BRIEF: composting, public speaking, study visits to other
#  towns; later Mekar Sari hosted study visits and socialisation for other KUBE.
MEKAR_SARI_TRAININGS = (
    ("Pelatihan pembuatan kompos padat", D(2014, 6, 16), P, "PT Pupuk Kaltim", None),
    ("Pelatihan pestisida nabati dan pupuk organik cair", D(2015, 4, 20), P, "Badan Lingkungan Hidup", 12),
    ("Pelatihan berbicara di depan umum (public speaking)", D(2015, 9, 7), P, "Yayasan Bikal Karya Lestari", 8),
    ("Studi banding bank sampah ke Kota Malang", D(2015, 11, 18), S, "PT Pupuk Kaltim", 5),
    ("Studi banding kampung hijau ke Surabaya (Jambangan)", D(2016, 5, 11), S, None, 5),
    ("Pameran produk KUBE tingkat nasional, Jakarta", D(2016, 10, 19), X, None, 3),
    ("Pelatihan pembukuan kelompok", D(2017, 2, 14), P, "Disperindagkop Kota Bontang", 4),
    ("Menerima studi banding KUBE dari Samarinda", D(2018, 3, 22), S, None, 10),
    ("Sosialisasi pengolahan sampah untuk KUBE Kota Bontang (tuan rumah)", D(2019, 7, 9), S, None, 10),
    ("Pameran Bontang Expo", D(2023, 8, 17), X, "Dekranasda Kota Bontang", 6),
)

# The office's trainings for the city's groups: (title, month, day, kind, organiser,
# groups invited); each year of the demo's history, for the ketua and bendahara.
CITY_TRAININGS = (
    ("Pelatihan pembukuan sederhana KUBE {year}", 3, 12, P, None, 12),
    ("Pelatihan pemasaran dan kemasan produk {year}", 8, 6, P, "Dekranasda Kota Bontang", 8),
    ("Studi banding KUBE ke Mekar Sari {year}", 10, 15, S, None, 6),
)

ACTIVITIES = (
    "Memeriksa buku kas dan buku iuran.",
    "Membahas rencana usaha bulan depan.",
    "Mendampingi pertemuan rutin kelompok.",
    "Memeriksa jadwal piket dan stok barang.",
    "Membantu menyusun laporan bulanan.",
    "Membahas pembagian keuntungan dan IKS.",
)
PROBLEMS = {
    ProblemArea.USAHA: "Penjualan turun; bahan baku mahal.",
    ProblemArea.KEUANGAN: "Buku kas belum diisi dua bulan.",
    ProblemArea.ORGANISASI: "Sekretaris jarang hadir; jadwal piket tidak jalan.",
    ProblemArea.PEMASARAN: "Belum ada pembeli tetap.",
    ProblemArea.HUBUNGAN: "Dua anggota berselisih soal pembagian hasil.",
}
FOLLOW_UPS = {
    ProblemArea.USAHA: "Mencari pemasok bahan baku yang lebih murah.",
    ProblemArea.KEUANGAN: "Bendahara melengkapi buku kas sebelum kunjungan berikut.",
    ProblemArea.ORGANISASI: "Menyusun ulang jadwal piket tertulis.",
    ProblemArea.PEMASARAN: "Menawarkan produk ke warung dan kantor kelurahan.",
    ProblemArea.HUBUNGAN: "Musyawarah anggota dipimpin ketua.",
}
OUTCOMES = ("Sudah dilaksanakan.", "Selesai; dicatat di buku kelompok.", "Sebagian selesai, dilanjutkan ketua.")
