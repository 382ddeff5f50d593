"""The data tables of partnerships' demo builders (`partnerships/demo.py`)."""

import datetime as dt
from dataclasses import dataclass

from .models import PartnerKind

KT, KO, PD, PM, PS = "konsultasi_teknis", "koordinasi", "pendampingan", "permodalan", "pemasaran"
K = PartnerKind


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    kind: str
    notes: str = ""


# BRIEF.md, Mekar Sari's network by form, with the month each began (2014-2016): the
# office and the kelurahan at founding, the cleanliness and environment agencies and
# the company CSR programme in the first months, the forums and media as it grew known.
MEKAR_SARI_NETWORK: tuple[tuple[PartnerSpec, tuple[str, ...], dt.date], ...] = (
    (PartnerSpec("Dinas Sosial dan Pemberdayaan Masyarakat", K.PEMERINTAH), (KT, KO, PD), dt.date(2014, 4, 14)),
    (
        PartnerSpec("PT Pupuk Kaltim", K.SWASTA, "Program CSR (tanggung jawab sosial perusahaan)."),
        (KT, KO, PD),
        dt.date(2014, 6, 2),
    ),
    (PartnerSpec("Disperindagkop Kota Bontang", K.PEMERINTAH), (KT, KO), dt.date(2014, 9, 15)),
    (PartnerSpec("Dinas Perikanan Kelautan dan Pertanian", K.PEMERINTAH), (KO,), dt.date(2015, 3, 10)),
    (PartnerSpec("Dinas Kebersihan dan Pertamanan", K.PEMERINTAH), (KT, KO), dt.date(2014, 5, 20)),
    (PartnerSpec("Badan Lingkungan Hidup", K.PEMERINTAH), (KT, KO), dt.date(2014, 8, 11)),
    (PartnerSpec("Yayasan Bikal Karya Lestari", K.LSM), (KT, KO, PD), dt.date(2014, 11, 3)),
    (PartnerSpec("Forum Kota Sehat", K.MASYARAKAT), (KO,), dt.date(2015, 5, 18)),
    (PartnerSpec("Forum Bontang Hijau", K.MASYARAKAT), (KO,), dt.date(2015, 8, 24)),
    (PartnerSpec("PKK Kelurahan Guntung", K.MASYARAKAT), (KT, KO), dt.date(2014, 4, 14)),
    (PartnerSpec("LPM Kelurahan Guntung", K.MASYARAKAT), (KT, KO), dt.date(2014, 7, 7)),
    (PartnerSpec("LP2K", K.LSM), (KT, KO), dt.date(2015, 10, 12)),
    (PartnerSpec("PKTV", K.MEDIA, "Televisi lokal Bontang."), (KO,), dt.date(2016, 2, 15)),
    (PartnerSpec("Media lokal dan nasional", K.MEDIA), (KO,), dt.date(2016, 4, 4)),
)

# City-wide partners of the synthetic groups, with how often a group works with each.
CITY_PARTNERS: tuple[tuple[PartnerSpec, int], ...] = (
    (MEKAR_SARI_NETWORK[0][0], 40),  # the office itself
    (MEKAR_SARI_NETWORK[2][0], 14),
    (MEKAR_SARI_NETWORK[1][0], 8),
    (MEKAR_SARI_NETWORK[6][0], 4),
    (MEKAR_SARI_NETWORK[3][0], 4),
    (MEKAR_SARI_NETWORK[4][0], 2),
    (MEKAR_SARI_NETWORK[5][0], 2),
    (MEKAR_SARI_NETWORK[12][0], 2),
    (PartnerSpec("Dinas Ketahanan Pangan Kota Bontang", K.PEMERINTAH), 3),
    (PartnerSpec("Dekranasda Kota Bontang", K.PEMERINTAH, "Pameran dan gerai produk kerajinan."), 4),
    (PartnerSpec("Dinas Pariwisata Kota Bontang", K.PEMERINTAH), 2),
    (PartnerSpec("PT Badak NGL", K.SWASTA, "Program CSR."), 5),
    (PartnerSpec("PT Indominco Mandiri", K.SWASTA, "Program CSR."), 2),
    (PartnerSpec("Hotel Bintang Sintuk", K.SWASTA, "Pembeli tetap produk katering dan kue."), 1),
    (PartnerSpec("Bank Kaltimtara Cabang Bontang", K.LEMBAGA_KEUANGAN), 5),
    (PartnerSpec("BRI Unit Bontang Utara", K.LEMBAGA_KEUANGAN, "Kredit Usaha Rakyat (KUR) mikro."), 5),
    (PartnerSpec("BNI Cabang Bontang", K.LEMBAGA_KEUANGAN), 2),
    (PartnerSpec("Pegadaian Cabang Bontang", K.LEMBAGA_KEUANGAN), 2),
    (PartnerSpec("PNM Mekaar Bontang", K.LEMBAGA_KEUANGAN), 3),
    (PartnerSpec("Koperasi Karyawan Pupuk Kaltim", K.LEMBAGA_KEUANGAN), 2),
    (PartnerSpec("Baznas Kota Bontang", K.LSM), 3),
    (PartnerSpec("Rumah Zakat Bontang", K.LSM), 2),
    (PartnerSpec("Bontang Post", K.MEDIA), 2),
    (PartnerSpec("Universitas Trunajaya Bontang", K.PERGURUAN_TINGGI), 2),
    (PartnerSpec("STITEK Bontang", K.PERGURUAN_TINGGI), 1),
)
# Per kelurahan: its PKK and LPM (name pattern, kind, weight).
KELURAHAN_PARTNERS = (("PKK Kelurahan {}", K.MASYARAKAT, 14), ("LPM Kelurahan {}", K.MASYARAKAT, 6))

# How likely each form is for a partner of each kind.
FORM_ODDS: dict[str, dict[str, float]] = {
    K.PEMERINTAH: {KO: 0.8, KT: 0.5, PD: 0.3, PS: 0.05},
    K.SWASTA: {PD: 0.4, PM: 0.4, PS: 0.35, KT: 0.3},
    K.LEMBAGA_KEUANGAN: {PM: 0.95, KT: 0.2},
    K.LSM: {PD: 0.6, KT: 0.5, PM: 0.15},
    K.MEDIA: {PS: 0.8, KO: 0.3},
    K.MASYARAKAT: {KO: 0.9, PS: 0.2},
    K.PERGURUAN_TINGGI: {KT: 0.8, PD: 0.4},
}
MARKETING_PARTNERS = {"Dekranasda Kota Bontang", "Dinas Pariwisata Kota Bontang", "Hotel Bintang Sintuk"}

# Partners per group: most have none or one, few have many.
NETWORK_SIZES = (0, 1, 2, 3, 4, 5, 6, 8)
NETWORK_WEIGHTS = (42, 30, 13, 7, 4, 2, 1, 1)
ENDED_SHARE = 0.18
