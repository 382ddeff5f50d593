"""The data tables of formation' demo builders (`formation/demo.py`)."""

import datetime as dt

from groups.models import BusinessField

from .models import Stage

FAMILIES_PER_KELURAHAN = 12
MEKAR_SARI_STAGES = (
    (Stage.PERSIAPAN, dt.date(2013, 11, 4)),
    (Stage.PELAKSANAAN, dt.date(2014, 4, 14)),
    (Stage.PENGEMBANGAN_USAHA, dt.date(2015, 3, 2)),
    (Stage.KEMITRAAN_USAHA, dt.date(2015, 8, 24)),
    (Stage.MONEV, dt.date(2017, 1, 2)),
)
# (name, business, families, kind of failure, final state, reason)
PROPOSALS = (
    ("KUBE Warung Berkah", BusinessField.PERDAGANGAN, 6, "dtks", "diajukan", ""),
    ("KUBE Kerupuk Amplang Bahari", BusinessField.PRODUKSI, 5, "", "dikembalikan", "Lengkapi nomor KK setiap calon."),
    ("KUBE Jahit Mandiri", BusinessField.JASA, 4, "", "ditolak", "Usaha jahit sudah dijalankan KUBE lain di RT ini."),
    ("KUBE Kompos Hijau", BusinessField.PRODUKSI, 3, "", "draf", ""),
)
