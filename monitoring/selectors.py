"""Reads of the field: coverage of the active groups by visits, open and overdue
follow-ups, and a group's visits, dynamics and trainings for its profile.

The coverage rule, written once here (`coverage_start`): a group is *covered* on day D
when it has a visit dated within the period of `KUBE_MONITORING_PERIOD_DAYS` days that
ends on D, D itself included, i.e. its latest visit on or before D is on or after
D - (period - 1) days. With the default 90 days: a visit 89 days before D (the 90th day
of the period) counts; a visit 90 days before D (the 91st day back) does not. Visits
after D are ignored, so the page can be read as of a past date.

The groups counted are the *active* ones (status aktif) founded on or before D. Every
read here is a fixed number of queries whatever the number of groups or visits.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from finances.periods import add_months
from groups.models import Kube, KubeStatus

from .dynamics import ASPECT_FIELDS, ASPECTS, level_description, trend
from .models import FollowUp, Training, Visit, VisitPhoto


def period_days() -> int:
    return settings.KUBE_MONITORING_PERIOD_DAYS


def coverage_start(as_of: dt.date, days: int | None = None) -> dt.date:
    """The first day of the period of `days` days ending on `as_of` (both included)."""
    days = days or period_days()
    return as_of - dt.timedelta(days=days - 1)


def is_covered(last_visit_on: dt.date | None, as_of: dt.date, days: int | None = None) -> bool:
    """The coverage rule on plain values (the queries below apply the same bound)."""
    return last_visit_on is not None and coverage_start(as_of, days) <= last_visit_on <= as_of


def last_visit_on(as_of: dt.date, ref: str = "pk") -> Subquery:
    """A group's latest visit date on or before `as_of` (None: never visited by then)."""
    visits = (
        Visit.objects.filter(kube=OuterRef(ref), visited_on__lte=as_of)
        .order_by()
        .values("kube")
        .annotate(last=Max("visited_on"))
        .values("last")
    )
    return Subquery(visits)


def coverage_kubes(kubes: QuerySet[Kube], as_of: dt.date, days: int | None = None) -> QuerySet[Kube]:
    """The active groups on `as_of`, each with `last_visit_on` and `is_covered`."""
    start = coverage_start(as_of, days)
    return (
        kubes.filter(status=KubeStatus.AKTIF, founded_on__lte=as_of)
        .annotate(last_visit_on=last_visit_on(as_of))
        .annotate(
            is_covered=Case(
                When(last_visit_on__gte=start, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    )


@dataclass
class CoverageRow:
    key: int | None
    label: str
    active: int = 0
    covered: int = 0

    @property
    def not_covered(self) -> int:
        return self.active - self.covered

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.active) if self.active else None


def _rows(kubes, as_of, days, key: str, label_fields: tuple[str, ...]) -> list[dict]:
    start = coverage_start(as_of, days)
    return list(
        coverage_kubes(kubes, as_of, days)
        .order_by()
        .values(key, *label_fields)
        .annotate(active=Count("pk"), covered=Count("pk", filter=Q(last_visit_on__gte=start)))
        .order_by(*(F(name).asc(nulls_last=True) for name in (*label_fields, key)))
    )


def coverage_by_facilitator(kubes: QuerySet[Kube], as_of: dt.date, days: int | None = None) -> list[CoverageRow]:
    """One row per facilitator (key None: groups without one); one query."""
    names = ("facilitator__first_name", "facilitator__last_name", "facilitator__username")
    rows = _rows(kubes, as_of, days, "facilitator", names)
    result = []
    for row in rows:
        name = " ".join(filter(None, (row["facilitator__first_name"], row["facilitator__last_name"])))
        label = name or row["facilitator__username"] or ""
        result.append(CoverageRow(row["facilitator"], label, row["active"], row["covered"]))
    return result


def coverage_by_kecamatan(kubes: QuerySet[Kube], as_of: dt.date, days: int | None = None) -> list[CoverageRow]:
    """One row per kecamatan; one query."""
    rows = _rows(kubes, as_of, days, "kelurahan__kecamatan", ("kelurahan__kecamatan__name",))
    return [
        CoverageRow(row["kelurahan__kecamatan"], row["kelurahan__kecamatan__name"], row["active"], row["covered"])
        for row in rows
    ]


def coverage_total(rows: list[CoverageRow]) -> CoverageRow:
    return CoverageRow(None, "", sum(r.active for r in rows), sum(r.covered for r in rows))


def not_visited(kubes: QuerySet[Kube], as_of: dt.date, days: int | None = None) -> QuerySet[Kube]:
    """The active groups not covered on `as_of`: never visited first, then the longest ago."""
    return (
        coverage_kubes(kubes, as_of, days)
        .filter(is_covered=False)
        .select_related("kelurahan__kecamatan", "facilitator")
        .order_by(F("last_visit_on").asc(nulls_first=True), "name", "pk")
    )


# --- Follow-ups -------------------------------------------------------------------------------


def open_follow_ups(kubes: QuerySet[Kube] | None, as_of: dt.date, *, kube: Kube | None = None) -> QuerySet[FollowUp]:
    """Follow-ups agreed on or before `as_of` and not closed by then, the earliest due first;
    each with `is_overdue` (due before `as_of`). One query."""
    queryset = FollowUp.objects.filter(visit__visited_on__lte=as_of).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)
    )
    if kube is not None:
        queryset = queryset.filter(kube=kube)
    if kubes is not None:
        queryset = queryset.filter(kube__in=kubes)
    return (
        queryset.annotate(
            is_overdue=Case(When(due_on__lt=as_of, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .select_related("kube__kelurahan__kecamatan", "kube__facilitator", "owner_membership__person", "visit")
        .order_by("due_on", "kube__name", "pk")
    )


def overdue_follow_ups(kubes: QuerySet[Kube] | None, as_of: dt.date) -> QuerySet[FollowUp]:
    return open_follow_ups(kubes, as_of).filter(due_on__lt=as_of)


# --- One group, for its profile -----------------------------------------------------------------


@dataclass(frozen=True)
class AspectReading:
    label: str
    score: int | None
    sentence: str
    previous: int | None
    trend: int  # -1, 0, +1 (0 also when there is nothing to compare)

    @property
    def has_previous(self) -> bool:
        return self.previous is not None and self.score is not None


def _observed() -> Q:
    any_score = Q()
    for name in ASPECT_FIELDS:
        any_score |= Q(**{f"{name}__isnull": False})
    return any_score


def latest_observations(kube: Kube, limit: int = 2) -> list[Visit]:
    """The group's latest visits where dynamics were observed, newest first; one query."""
    return list(Visit.objects.filter(kube=kube).filter(_observed()).order_by("-visited_on", "-pk")[:limit])


def dynamics_readings(latest: Visit, previous: Visit | None) -> list[AspectReading]:
    """Each aspect of the latest observation: its sentence and its trend against the previous one."""
    readings = []
    for aspect in ASPECTS:
        score = getattr(latest, aspect.field)
        before = getattr(previous, aspect.field) if previous else None
        readings.append(
            AspectReading(aspect.label, score, level_description(aspect, score), before, trend(before, score))
        )
    return readings


@dataclass(frozen=True)
class VisitSummary:
    last: Visit | None
    last_year: int  # visits in the 12 months up to today


def visit_summary(kube: Kube, today: dt.date) -> VisitSummary:
    """The last visit and the count over the last 12 months; one query (the count in a subquery)."""
    count = (
        Visit.objects.filter(kube=kube, visited_on__gte=year_start(today), visited_on__lte=today)
        .order_by()
        .values("kube")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last = (
        Visit.objects.filter(kube=kube, visited_on__lte=today)
        .select_related("visitor")
        .annotate(year_count=Subquery(count))
        .order_by("-visited_on", "-pk")
        .first()
    )
    return VisitSummary(last=last, last_year=(last.year_count or 0) if last else 0)


def year_start(today: dt.date) -> dt.date:
    """The first day of "the last 12 months" up to `today` (30 Jun 2026 -> 1 Jul 2025)."""
    return add_months(today, -12) + dt.timedelta(days=1)


def kube_visits(kube: Kube) -> QuerySet[Visit]:
    """The group's visits, newest first: the visitor, the head count and the photos' sizes
    (not their bytes) in a fixed number of queries."""
    return (
        Visit.objects.filter(kube=kube)
        .select_related("visitor")
        .annotate(ticked=Count("attendees", distinct=True))
        .prefetch_related(Prefetch("photos", queryset=VisitPhoto.objects.only("pk", "visit_id", "width", "height")))
        .order_by("-visited_on", "-pk")
    )


def visit_photos(visit: Visit) -> list[VisitPhoto]:
    """The visit's photos without their bytes (the page loads each through its URL); one query."""
    return list(VisitPhoto.objects.filter(visit=visit).only("pk", "visit_id", "width", "height").order_by("pk"))


def kube_trainings(kube: Kube) -> list[Training]:
    """The trainings members of the group took part in, newest first, each with `kube_participants`; one query."""
    return list(
        Training.objects.filter(participants__kube=kube)
        .annotate(kube_participants=Count("participants"))
        .select_related("organiser")
        .order_by("-held_on", "title")
    )
