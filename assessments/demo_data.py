"""The data tables of assessments' demo builders (`assessments/demo.py`)."""

import datetime as dt

MEKAR_SARI_DECLARED_ON = dt.date(2017, 12, 31)
MEKAR_SARI_REASON = "Ditetapkan mandiri oleh Dinas Sosial Kota Bontang pada 2017"
MEKAR_SARI_NOTES = (
    "KUBE terbaik nasional 2016. Jejaring 14 mitra (pemerintah, CSR PT Pupuk Kaltim, LSM, forum, media); "
    "produk berkembang dari kompos padat ke pestisida nabati, pupuk organik cair, media tanam dan sekam bakar."
)
# An officer's scores of the six factors and five aspects, as the studies describe the group.
MEKAR_SARI_SCORES = {
    "factor_facilitator": 4,
    "factor_network": 5,
    "factor_cohesion": 5,
    "factor_management": 4,
    "factor_leadership": 5,
    "factor_innovation": 5,
    "dynamics_communication": 4,
    "dynamics_conflict": 4,
    "dynamics_cohesion": 5,
    "dynamics_power": 4,
    "dynamics_structure": 4,
}
