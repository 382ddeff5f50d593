"""What an API client may read: every queryset starts from its area.

An object outside the area is simply not in the queryset, so a detail URL answers 404
(never 403) and a list never shows it. Each function returns a queryset with what its
serializer reads joined or prefetched: a page is a fixed number of queries.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from assessments.dashboard.selectors import CATEGORIES, NOT_ASSESSED, category_on, dashboard_kubes
from assessments.listing import annotate_latest_assessment
from assessments.models import Assessment
from finances.models import REPORTED_STATUSES, MonthlyReport
from finances.selectors import Completeness, completeness_trend
from groups.areas import Area, AreaLevel
from groups.models import City, Kube, Membership
from partnerships.models import Partner, Partnership


def kubes_in(area: Area) -> QuerySet[Kube]:
    """The area's groups, plain (for `kube__in=` and aggregates)."""
    return Kube.objects.in_area(area)


def city_list(area: Area) -> QuerySet[City]:
    """The cities of the area (Area.q takes a path *to* a City; here the City is the row)."""
    if area.level == AreaLevel.NASIONAL:
        return City.objects.order_by("code")
    if area.level == AreaLevel.PROVINSI:
        return City.objects.filter(province_code=area.code).order_by("code")
    return City.objects.filter(code=area.code)


def kube_list(area: Area) -> QuerySet[Kube]:
    """Groups with their regions, active member count and latest assessment."""
    queryset = (
        kubes_in(area).with_member_count().select_related("kelurahan__kecamatan__city", "facilitator").order_by("pk")
    )
    return annotate_latest_assessment(queryset)


def membership_list(area: Area) -> QuerySet[Membership]:
    """Every membership (past ones too) of the area's groups, with the person and the group."""
    return Membership.objects.filter(kube__in=kubes_in(area)).select_related("person", "kube").order_by("pk")


def report_list(area: Area) -> QuerySet[MonthlyReport]:
    """Submitted and verified reports, as the export has them: drafts and returned ones are still being written."""
    return (
        MonthlyReport.objects.filter(kube__in=kubes_in(area), status__in=REPORTED_STATUSES)
        .select_related("kube")
        .order_by("pk")
    )


def assessment_list(area: Area) -> QuerySet[Assessment]:
    return Assessment.objects.filter(kube__in=kubes_in(area)).select_related("kube").order_by("pk")


def partner_list(area: Area) -> QuerySet[Partner]:
    """The partners of the area's cities (each city keeps its own list), with their
    partnerships with the area's groups (a group works only with its own city's partners)."""
    in_area = Partnership.objects.filter(kube__in=kubes_in(area))
    return (
        Partner.objects.filter(area.q("city"))
        .select_related("city")
        .prefetch_related(
            Prefetch("partnerships", queryset=in_area.select_related("kube").order_by("started_on", "pk"))
        )
        .order_by("pk")
    )


# --- Aggregates ----------------------------------------------------------------------------


@dataclass
class CategoryCount:
    code: str
    name: str
    city_code: str
    counts: dict

    @property
    def total(self) -> int:
        return sum(self.counts.values())


BY_UNIT = {
    # per -> (code, name, city code) of the unit each group is counted in
    "kota": (
        "kelurahan__kecamatan__city__code",
        "kelurahan__kecamatan__city__name",
        "kelurahan__kecamatan__city__code",
    ),
    "kecamatan": ("kelurahan__kecamatan__code", "kelurahan__kecamatan__name", "kelurahan__kecamatan__city__code"),
}


def categories_by_area(kubes: QuerySet[Kube], day: dt.date, per: str) -> list[CategoryCount]:
    """Groups (not dissolved) per unit and final category of their latest assessment on `day`; one query."""
    code, name, city = BY_UNIT[per]
    rows = (
        dashboard_kubes(kubes)
        .annotate(category=category_on(day))
        .values(*dict.fromkeys((code, name, city, "category")))
        .annotate(n=Count("pk"))
        .order_by(code)
    )
    result: dict[str, CategoryCount] = {}
    for row in rows:
        unit = result.setdefault(
            row[code], CategoryCount(row[code], row[name], row[city], dict.fromkeys((*CATEGORIES, NOT_ASSESSED), 0))
        )
        unit.counts[row["category"] or NOT_ASSESSED] += row["n"]
    return list(result.values())


def completeness_by_month(kubes: QuerySet[Kube], last: dt.date, months: int) -> list[Completeness]:
    """Reports expected, received, verified and on time per month (finances' rule); two queries."""
    return completeness_trend(last, months=months, kubes=kubes)
