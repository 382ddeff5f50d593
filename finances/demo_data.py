"""The data tables of finances' demo builders (`finances/demo.py`)."""

import datetime as dt

from groups.models import BusinessField

from .models import GrantSource

# BRIEF.md: Mekar Sari's group income per year; later years grow from 2017's.
MEKAR_SARI_INCOME = {2015: 1_416_000, 2016: 11_405_000, 2017: 12_155_000}
MEKAR_SARI_GROWTH = 0.08
MEKAR_SARI_FIRST_REPORT = dt.date(2015, 1, 1)
# Compost sells best when planting starts with the rains (October to March).
MEKAR_SARI_SEASON = (1.2, 1.1, 1.1, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 1.1, 1.3, 1.4)
MEKAR_SARI_PRODUCTS = (
    ("Pupuk kompos padat", "Dari sampah organik rumah tangga RT 07.", dt.date(2014, 4, 1)),
    ("Pestisida nabati", "", dt.date(2016, 1, 1)),
    ("Pupuk organik cair", "", dt.date(2016, 6, 1)),
    ("Media tanam", "Campuran kompos, tanah dan sekam.", dt.date(2017, 2, 1)),
    ("Sekam bakar", "", dt.date(2017, 8, 1)),
)
MEKAR_SARI_GRANTS = (
    (GrantSource.KEMENSOS, 20_000_000, dt.date(2014, 9, 22), "Bantuan UEP Kemensos: modal usaha untuk 10 KK."),
    (GrantSource.CSR, 25_000_000, dt.date(2016, 3, 14), "CSR PT Pupuk Kaltim: mesin pencacah dan rumah kompos."),
    (GrantSource.APBD, 10_000_000, dt.date(2017, 5, 8), "Bantuan pengembangan usaha dari APBD Kota Bontang."),
)
MEKAR_SARI_ASSETS = (
    ("Gerobak sampah", 1_500_000, dt.date(2014, 10, 6), None),
    ("Timbangan duduk", 850_000, dt.date(2015, 2, 16), None),
    ("Mesin pencacah kompos", 18_500_000, dt.date(2016, 4, 11), None),
    ("Rumah kompos", 6_000_000, dt.date(2016, 5, 23), None),
    ("Drum fermentasi pupuk cair", 1_200_000, dt.date(2016, 7, 4), dt.date(2021, 8, 2)),
)

# Assets and products by business field: (name, low value, high value).
ASSETS = {
    BusinessField.JASA: (
        ("Tenda pesta", 4_000_000, 12_000_000),
        ("Kursi plastik 100 buah", 2_500_000, 4_500_000),
        ("Mesin jahit", 1_800_000, 4_000_000),
        ("Peralatan masak besar", 1_500_000, 5_000_000),
        ("Kompresor", 2_000_000, 3_500_000),
    ),
    BusinessField.PERDAGANGAN: (
        ("Etalase", 1_200_000, 3_000_000),
        ("Lemari pendingin", 3_000_000, 6_500_000),
        ("Gerobak dagang", 1_000_000, 2_500_000),
        ("Timbangan", 400_000, 1_200_000),
    ),
    BusinessField.PRODUKSI: (
        ("Kompor dan wajan besar", 1_000_000, 3_000_000),
        ("Mesin pengemas", 2_500_000, 7_000_000),
        ("Kolam terpal", 1_500_000, 4_000_000),
        ("Mesin penggiling", 3_000_000, 9_000_000),
        ("Perahu kecil", 5_000_000, 15_000_000),
    ),
}

RETURN_COMMENTS = (
    "Saldo kas tidak sesuai dengan buku kas; mohon dicek kembali.",
    "Kehadiran anggota belum diisi lengkap.",
    "Pengeluaran bulan ini belum dirinci di catatan.",
)
PROBLEMS = (
    "Penjualan sepi, pembeli berkurang.",
    "Beberapa anggota jarang hadir pertemuan.",
    "Harga bahan baku naik.",
    "Butuh pelatihan pembukuan.",
    "Modal kurang untuk menambah stok.",
)
