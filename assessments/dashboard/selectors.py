"""Aggregate reads for the city dashboard: one or two queries per block, whatever the
number of groups, months or years.

"The category of a group on day D" is the final category of its latest assessment on
or before D, read with a correlated subquery per group (the (kube, as_of) unique
index answers it), so counting by category, kecamatan or business field is a single
`values().annotate()` over the groups.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear

from finances.models import REPORTED_STATUSES, MonthlyReport
from finances.periods import add_months, month_start
from groups.models import Kube, KubeStatus

from ..models import Assessment, Category, category_rank, latest_assessment

CATEGORIES = tuple(Category.values)  # tumbuh, berkembang, mandiri: lowest first
NOT_ASSESSED = ""


def dashboard_kubes(kubes: QuerySet[Kube]) -> QuerySet[Kube]:
    """The groups the dashboard counts: every group but the dissolved ones.

    Pass plain groups (`Kube.objects.visible_to(user)`), not a queryset annotated with
    joined counts: the counts here group the rows of this queryset.
    """
    return kubes.exclude(status=KubeStatus.BUBAR).order_by()


def category_on(day: dt.date, ref: str = "pk") -> Subquery:
    """A group's final category on `day` (None: not assessed by then)."""
    return latest_assessment("final_category", kube_ref=ref, on=day)


def latest_assessments(kubes: QuerySet[Kube], day: dt.date) -> QuerySet[Assessment]:
    """Each group's latest assessment on or before `day` (one subquery per group, not per assessment)."""
    return Assessment.objects.filter(pk__in=kubes.annotate(latest=latest_assessment(on=day)).values("latest"))


# --- Counts by category -------------------------------------------------------------------


def counts_by_category(kubes: QuerySet[Kube], day: dt.date) -> dict[str, int]:
    """{category or "" (not assessed): groups}; one query."""
    rows = kubes.annotate(category=category_on(day)).values("category").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys((*CATEGORIES, NOT_ASSESSED), 0)
    for row in rows:
        counts[row["category"] or NOT_ASSESSED] += row["n"]
    return counts


@dataclass
class CategoryRow:
    """Groups per category in one slice (a kecamatan, a business field, a year)."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*CATEGORIES, NOT_ASSESSED), 0))

    @property
    def assessed(self) -> int:
        return sum(self.counts[c] for c in CATEGORIES)

    @property
    def total(self) -> int:
        return self.assessed + self.counts[NOT_ASSESSED]


def _grouped(kubes: QuerySet[Kube], day: dt.date, key: str, label: str) -> list[CategoryRow]:
    rows = (
        kubes.annotate(category=category_on(day))
        .values(key, label, "category")
        .annotate(n=Count("pk"))
        .order_by(label, key)
    )
    result: dict = {}
    for row in rows:
        slice_ = result.setdefault(row[key], CategoryRow(key=str(row[key]), label=str(row[label])))
        slice_.counts[row["category"] or NOT_ASSESSED] += row["n"]
    return list(result.values())


def by_kecamatan(kubes: QuerySet[Kube], day: dt.date) -> list[CategoryRow]:
    """Groups per kecamatan and category on `day`; one query."""
    return _grouped(kubes, day, "kelurahan__kecamatan_id", "kelurahan__kecamatan__name")


def by_city(kubes: QuerySet[Kube], day: dt.date) -> list[CategoryRow]:
    """Groups per city and category on `day`; one query (a province's or the country's dashboard)."""
    return _grouped(kubes, day, "kelurahan__kecamatan__city_id", "kelurahan__kecamatan__city__name")


def by_business_field(kubes: QuerySet[Kube], day: dt.date) -> list[CategoryRow]:
    """Groups per business field and category on `day`; one query. Labels are the codes."""
    return _grouped(kubes, day, "business_field", "business_field")


def by_year(kubes: QuerySet[Kube], last: dt.date) -> list[CategoryRow]:
    """Groups per category at each year-end assessment round up to `last`; one query.

    A year counts the assessments dated 31 December of that year (the yearly rounds).
    """
    rows = (
        Assessment.objects.filter(kube__in=kubes.values("pk"), as_of__lte=last, as_of__month=12, as_of__day=31)
        .annotate(year=ExtractYear("as_of"))
        .values("year", "final_category")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    result: dict[int, CategoryRow] = {}
    for row in rows:
        year = row["year"]
        result.setdefault(year, CategoryRow(key=str(year), label=str(year))).counts[row["final_category"]] += row["n"]
    return [result[year] for year in sorted(result)]


# --- Movements ----------------------------------------------------------------------------------


def with_movement(kubes: QuerySet[Kube], start: dt.date, end: dt.date) -> QuerySet[Kube]:
    """Groups annotated with their category at `start` and `end` and the ranks of both."""
    return (
        kubes.annotate(
            category_from=category_on(start),
            category_to=category_on(end),
            score_to=latest_assessment("score", on=end),
        )
        .annotate(rank_from=category_rank("category_from"), rank_to=category_rank("category_to"))
        .filter(category_from__isnull=False, category_to__isnull=False)
    )


def movement_matrix(kubes: QuerySet[Kube], start: dt.date, end: dt.date) -> dict[tuple[str, str], int]:
    """{(category at start, category at end): groups} for groups assessed by both dates; one query."""
    rows = (
        kubes.annotate(category_from=category_on(start), category_to=category_on(end))
        .filter(category_from__isnull=False, category_to__isnull=False)
        .values("category_from", "category_to")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["category_from"], row["category_to"]): row["n"] for row in rows}


def moved_groups(kubes: QuerySet[Kube], start: dt.date, end: dt.date, *, up: bool, limit: int | None = None) -> list:
    """Groups that went up (or down) between the dates, largest jumps first; one query."""
    moved = with_movement(kubes, start, end)
    moved = moved.filter(rank_to__gt=F("rank_from")) if up else moved.filter(rank_to__lt=F("rank_from"))
    moved = moved.select_related("kelurahan__kecamatan").order_by(
        (F("rank_to") - F("rank_from")).desc() if up else (F("rank_from") - F("rank_to")).desc(), "name", "pk"
    )
    return list(moved[:limit] if limit else moved)


# --- Lists of groups: at risk, closest to the next category ---------------------------------------


def at_risk(kubes: QuerySet[Kube], day: dt.date, *, limit: int | None = None) -> tuple[int, list[Assessment]]:
    """(how many, the first `limit`) latest assessments on `day` flagged at risk or inactive; two queries."""
    flagged = latest_assessments(kubes, day).filter(Q(is_at_risk=True) | Q(is_inactive=True))
    rows = flagged.select_related("kube__kelurahan__kecamatan").order_by("-is_inactive", "score", "kube__name")
    return flagged.count(), list(rows[:limit] if limit else rows)


def closest_to_next(kubes: QuerySet[Kube], day: dt.date, *, limit: int = 10) -> dict[str, list[Assessment]]:
    """For tumbuh and berkembang: the groups with the highest scores, the nearest to moving up; two queries."""
    latest = latest_assessments(kubes, day).select_related("kube__kelurahan__kecamatan")
    return {
        category: list(latest.filter(final_category=category).order_by("-score", "kube__name")[:limit])
        for category in CATEGORIES[:-1]
    }


# --- Money across the city ------------------------------------------------------------------------


@dataclass
class MonthMoney:
    period: dt.date
    reports: int = 0
    income: int = 0
    iks: int = 0


def money_by_month(kubes: QuerySet[Kube], last: dt.date, *, months: int = 12) -> list[MonthMoney]:
    """Income and IKS collected per month over submitted and verified reports; one query."""
    last = month_start(last)
    first = add_months(last, -(months - 1))
    rows = (
        MonthlyReport.objects.filter(
            kube__in=kubes.values("pk"), status__in=REPORTED_STATUSES, period__gte=first, period__lte=last
        )
        .values("period")
        .annotate(reports=Count("pk"), income=Sum("income"), iks=Sum("iks_collected"))
        .order_by("period")
    )
    by_period = {row["period"]: row for row in rows}
    result = []
    for index in range(months):
        period = add_months(first, index)
        row = by_period.get(period, {})
        result.append(MonthMoney(period, row.get("reports", 0), row.get("income") or 0, row.get("iks") or 0))
    return result


def assessment_years(kubes: QuerySet[Kube]) -> list[int]:
    """Years that have an assessment of `kubes` (the user's area), for the period filter; one query."""
    dates = Assessment.objects.filter(kube__in=kubes.values("pk")).dates("as_of", "year")
    return [day.year for day in dates]
