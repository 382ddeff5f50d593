"""Groups built to a known category, for the assessment tests and the browser test."""

import datetime as dt

from finances.models import ReportStatus
from finances.periods import add_months, last_complete_month, month_range, month_start
from groups.models import Kube, Role
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory
from tests.finances.factories import MonthlyReportFactory
from tests.partnerships.factories import PartnershipFactory


def berkembang_kube(*, today: dt.date, facilitator=None, name: str = "KUBE Melati") -> Kube:
    """A group the rubric finds berkembang as of `today`, and not mandiri.

    Three years old; ketua, sekretaris, bendahara and three members with valid NIKs;
    verified reports for the last two years (meetings, attendance, something kept,
    IKS every month); one marketing partner. What it lacks for mandiri: growing
    assets, more partners (or capital), and a finance institution.
    """
    founded = add_months(month_start(today), -36)
    kube = KubeFactory(name=name, founded_on=founded, facilitator=facilitator or FacilitatorFactory())
    for role in (Role.KETUA, Role.SEKRETARIS, Role.BENDAHARA, Role.ANGGOTA, Role.ANGGOTA, Role.ANGGOTA):
        MembershipFactory(kube=kube, role=role, joined_on=founded)
    last = last_complete_month(today)
    for period in month_range(add_months(last, -23), last):
        MonthlyReportFactory(kube=kube, period=period, status=ReportStatus.VERIFIED, iks_collected=60_000)
    PartnershipFactory(kube=kube, has_pemasaran=True, started_on=founded)
    return kube
