"""Constructed data for the dashboard's tests: groups in two kecamatan, assessments set by hand."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessments.models import Assessment
from groups.models import Kecamatan, Kelurahan, Kube

AS_OF = dt.date(2024, 12, 31)
YEAR_BEFORE = dt.date(2023, 12, 31)


def kelurahan_in(kecamatan_name: str) -> Kelurahan:
    return Kelurahan.objects.filter(kecamatan__name=kecamatan_name).order_by("code").first()


def kecamatan(name: str) -> Kecamatan:
    return Kecamatan.objects.get(name=name)


def assessment(kube: Kube, as_of: dt.date, category: str, *, score="50.0", flags=(), missing=()) -> Assessment:
    flags = list(flags)
    return Assessment(
        kube=kube,
        as_of=as_of,
        computed_category=category,
        final_category=category,
        score=Decimal(score),
        flags=flags,
        missing=list(missing),
        rubric_version="v1",
        is_at_risk=any(f["key"] == "berisiko" for f in flags),
        is_inactive=any(f["key"] == "tidak_aktif" for f in flags),
        assessed_at=timezone.now(),
    )


def assess(kube: Kube, as_of: dt.date, category: str, **kwargs) -> Assessment:
    row = assessment(kube, as_of, category, **kwargs)
    row.save()
    return row
