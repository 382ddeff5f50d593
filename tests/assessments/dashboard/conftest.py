import datetime as dt

import pytest

from groups.models import BusinessField, KubeStatus
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory
from tests.finances.factories import MonthlyReportFactory

from .helpers import AS_OF, YEAR_BEFORE, assess, kelurahan_in

MID_YEAR = dt.date(2024, 6, 30)


@pytest.fixture
def city(db):
    """Nine groups in two kecamatan with assessments at the end of 2023 and 2024.

    Bontang Utara (facilitator f1, produksi): A tumbuh→berkembang (mandiri mid-2024),
    B berkembang→berkembang, C mandiri→berkembang, D new in 2024 (tumbuh), E dissolved.
    Bontang Selatan (facilitator f2, jasa): G tumbuh→tumbuh at risk, H never assessed,
    I berkembang→mandiri.
    """
    f1 = FacilitatorFactory(username="pendamping_utara")
    f2 = FacilitatorFactory(username="pendamping_selatan")
    utara, selatan = kelurahan_in("Bontang Utara"), kelurahan_in("Bontang Selatan")

    def group(name, kelurahan, facilitator, field=BusinessField.PRODUKSI, **kwargs):
        return KubeFactory(name=name, kelurahan=kelurahan, facilitator=facilitator, business_field=field, **kwargs)

    g = {
        "A": group("KUBE A", utara, f1),
        "B": group("KUBE B", utara, f1),
        "C": group("KUBE C", utara, f1),
        "D": group("KUBE D", utara, f1),
        "E": group("KUBE E", utara, f1, status=KubeStatus.BUBAR),
        "G": group("KUBE G", selatan, f2, BusinessField.JASA),
        "H": group("KUBE H", selatan, f2, BusinessField.JASA),
        "I": group("KUBE I", selatan, f2, BusinessField.JASA),
    }
    risk = [{"key": "berisiko", "reasons": ["IKS terkumpul hanya di 2 dari 12 bulan"]}]
    for key, before, now in (
        ("A", "tumbuh", "berkembang"),
        ("B", "berkembang", "berkembang"),
        ("C", "mandiri", "berkembang"),
        ("E", "tumbuh", "tumbuh"),
        ("G", "tumbuh", "tumbuh"),
        ("I", "berkembang", "mandiri"),
    ):
        assess(g[key], YEAR_BEFORE, before, score="40.0")
        assess(g[key], AS_OF, now, score="70.0" if key == "A" else "55.0", flags=risk if key == "G" else ())
    assess(g["D"], AS_OF, "tumbuh", score="62.5", missing=["laporan bulanan baru 7 dari 12 bulan (perlu 10)"])
    assess(g["A"], MID_YEAR, "mandiri", score="90.0")
    # December 2024's reports: A submitted, B verified, G a draft (not received); others none.
    MonthlyReportFactory(kube=g["A"], period=dt.date(2024, 12, 1), status="submitted", iks_collected=50_000)
    MonthlyReportFactory(kube=g["B"], period=dt.date(2024, 12, 1), status="verified", iks_collected=70_000)
    MonthlyReportFactory(kube=g["G"], period=dt.date(2024, 12, 1), status="draft", iks_collected=10_000)
    # Members, so that a join on memberships would show in the counts.
    for key in ("A", "B", "G"):
        MembershipFactory.create_batch(3, kube=g[key])
    g["f1"], g["f2"] = f1, f2
    return g
