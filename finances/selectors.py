"""Reads of the finances: the facilitator's months, report completeness and
timeliness, a group's finance page, and the profile panel.

Each function answers one block of a page with a fixed number of queries, whatever
the number of groups or months; sums and counts are computed by the database.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from groups.areas import Area
from groups.filters import facilitators
from groups.models import Kube, KubeStatus, Membership, Role

from .models import (
    REPORTED_STATUSES,
    Asset,
    Grant,
    Loan,
    MonthlyReport,
    Product,
    ReportStatus,
)
from .periods import add_months, due_day, last_complete_month, month_end, month_range, month_start, report_due_on

# Reports that reached the office at least once: counted as submitted for completeness.
RECEIVED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.VERIFIED)
ROLE_ORDER = {Role.KETUA: 0, Role.SEKRETARIS: 1, Role.BENDAHARA: 2, Role.ANGGOTA: 3}


def report_memberships(kube: Kube, period: dt.date) -> list[Membership]:
    """Members active at any time during the month, officers first: the report's lines."""
    start, end = month_start(period), month_end(period)
    memberships = (
        Membership.objects.filter(kube=kube)
        .filter(Q(joined_on__lte=end) | Q(joined_on__isnull=True, kube__founded_on__lte=end))
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .select_related("person")
    )
    return sorted(memberships, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.person.name, m.pk))


def report_of_month(kube: Kube, period: dt.date) -> MonthlyReport | None:
    """The group's report for the month, if there is one."""
    return MonthlyReport.objects.filter(kube=kube, period=period).first()


def report_form_memberships(kube: Kube, period: dt.date, report: MonthlyReport | None) -> list[Membership]:
    """The report form's members: those active in the month, then any others the stored report has a line for."""
    memberships = report_memberships(kube, period)
    if report is not None:
        known = {m.pk for m in memberships}
        memberships += [line.membership for line in report_lines(report) if line.membership_id not in known]
    return memberships


def report_queryset(user) -> QuerySet[MonthlyReport]:
    """The reports `user` may see, with what their pages show."""
    return MonthlyReport.objects.visible_to(user).select_related(
        "kube__kelurahan__kecamatan", "kube__facilitator", "submitted_by", "verified_by"
    )


def report_lines(report: MonthlyReport) -> list:
    lines = report.member_lines.select_related("membership__person")
    return sorted(lines, key=lambda line: (ROLE_ORDER.get(line.membership.role, 9), line.membership.person.name))


@dataclass
class HistoryStep:
    at: dt.datetime
    user: str
    status: str
    reason: str


def report_history(report: MonthlyReport) -> list[HistoryStep]:
    """Who saved, submitted, verified, returned or reopened the report, newest first (one query)."""
    records = report.history.select_related("history_user").order_by("-history_date", "-history_id")
    labels = dict(ReportStatus.choices)
    return [
        HistoryStep(
            at=record.history_date,
            user=(record.history_user.get_full_name() or record.history_user.username) if record.history_user else "",
            status=str(labels.get(record.status, record.status)),
            reason=record.history_change_reason or "",
        )
        for record in records
    ]


# --- Timeliness ---------------------------------------------------------------------


def on_time_condition(prefix: str = "") -> Q:
    """First submitted no later than the due day of the month after the report's month.

    Works across months in one query: the month difference between submission and
    period comes from extracted year and month (local time), then the day is compared.
    """
    return Q(**{f"{prefix}submitted_lag__lte": 0}) | Q(
        **{f"{prefix}submitted_lag": 1, f"{prefix}submitted_day__lte": due_day()}
    )


def _lag_expressions(prefix: str = "") -> dict:
    submitted = f"{prefix}first_submitted_at"
    period = f"{prefix}period"
    return {
        "submitted_lag": ExtractYear(submitted) * 12
        + ExtractMonth(submitted)
        - ExtractYear(period) * 12
        - ExtractMonth(period),
        "submitted_day": ExtractDay(submitted),
    }


# --- The facilitator's months ---------------------------------------------------------


@dataclass
class MonthCell:
    period: dt.date
    report: MonthlyReport | None = None

    @property
    def status(self) -> str:
        return self.report.status if self.report else ""

    @property
    def is_missing(self) -> bool:
        return self.report is None or self.report.status == ReportStatus.DRAFT

    @property
    def needs_action(self) -> bool:
        return self.report is None or self.report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


@dataclass
class KubeMonths:
    kube: Kube
    months: list[MonthCell] = field(default_factory=list)
    current: MonthCell | None = None

    @property
    def missing(self) -> list[MonthCell]:
        return [cell for cell in self.months if cell.is_missing]

    @property
    def returned(self) -> list[MonthCell]:
        return [cell for cell in self.months if cell.status == ReportStatus.RETURNED]

    @property
    def expects_reports(self) -> bool:
        return self.kube.status == KubeStatus.AKTIF


def facilitator_months(kubes: list[Kube], *, today: dt.date, window: int = 12) -> list[KubeMonths]:
    """For each group: its last `window` complete months and the current one, with reports.

    One query for the reports of all the groups given.
    """
    last = last_complete_month(today)
    first = add_months(last, -(window - 1))
    current = month_start(today)
    reports = MonthlyReport.objects.filter(kube__in=kubes, period__gte=first, period__lte=current).only(
        "pk", "kube_id", "period", "status", "version"
    )
    by_key = {(r.kube_id, r.period): r for r in reports}
    rows = []
    for kube in kubes:
        start = max(first, month_start(kube.founded_on))
        months = [MonthCell(p, by_key.get((kube.pk, p))) for p in month_range(start, last)] if start <= last else []
        rows.append(KubeMonths(kube=kube, months=months, current=MonthCell(current, by_key.get((kube.pk, current)))))
    return rows


# --- Completeness and timeliness --------------------------------------------------------


@dataclass
class Completeness:
    """Reports expected, received, verified and on time for one month (and one facilitator)."""

    expected: int = 0
    submitted: int = 0
    verified: int = 0
    on_time: int = 0
    facilitator_id: int | None = None
    facilitator_name: str = ""
    period: dt.date | None = None

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    def _rate(self, count: int) -> int | None:
        return round(100 * count / self.expected) if self.expected else None

    @property
    def completeness(self) -> int | None:
        return self._rate(self.submitted)

    @property
    def timeliness(self) -> int | None:
        return self._rate(self.on_time)

    @property
    def verified_rate(self) -> int | None:
        return self._rate(self.verified)


def _expected_kubes(period: dt.date) -> QuerySet[Kube]:
    """Groups expected to report for a month: active and founded by its end."""
    return Kube.objects.filter(status=KubeStatus.AKTIF, founded_on__lte=month_end(period))


def _deadline(period: dt.date) -> dt.datetime:
    """The first moment after the due day, in local time."""
    due = report_due_on(period) + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime(due.year, due.month, due.day))


def completeness_by_facilitator(period: dt.date, *, kubes: QuerySet[Kube] | None = None) -> list[Completeness]:
    """One row per facilitator (None: groups without one) for the month; one query."""
    period = month_start(period)
    queryset = _expected_kubes(period)
    if kubes is not None:
        queryset = queryset.filter(pk__in=kubes.values("pk"))
    rows = (
        queryset.annotate(report=FilteredRelation("monthly_reports", condition=Q(monthly_reports__period=period)))
        .values("facilitator", "facilitator__username", "facilitator__first_name", "facilitator__last_name")
        .annotate(
            expected=Count("pk"),
            submitted=Count("report", filter=Q(report__status__in=RECEIVED_STATUSES)),
            verified=Count("report", filter=Q(report__status=ReportStatus.VERIFIED)),
            on_time=Count("report", filter=Q(report__first_submitted_at__lt=_deadline(period))),
        )
        .order_by(F("facilitator__username").asc(nulls_last=True))
    )
    result = []
    for row in rows:
        name = " ".join(filter(None, (row["facilitator__first_name"], row["facilitator__last_name"])))
        result.append(
            Completeness(
                expected=row["expected"],
                submitted=row["submitted"],
                verified=row["verified"],
                on_time=row["on_time"],
                facilitator_id=row["facilitator"],
                facilitator_name=name or row["facilitator__username"] or "",
                period=period,
            )
        )
    return result


def completeness_total(rows: list[Completeness], period: dt.date) -> Completeness:
    """The city's figures: the sum of the facilitators' rows (already aggregated)."""
    total = Completeness(period=period)
    for row in rows:
        total.expected += row.expected
        total.submitted += row.submitted
        total.verified += row.verified
        total.on_time += row.on_time
    return total


def completeness_trend(last: dt.date, *, months: int = 12, kubes: QuerySet[Kube] | None = None) -> list[Completeness]:
    """The city's completeness for each of `months` months ending with `last`; two queries.

    Expected counts come from active groups by founding month (a running sum);
    received, verified and on-time counts from the reports grouped by month.
    """
    last = month_start(last)
    first = add_months(last, -(months - 1))
    groups = _expected_kubes(last)
    reports = MonthlyReport.objects.filter(kube__status=KubeStatus.AKTIF, period__gte=first, period__lte=last)
    if kubes is not None:
        groups = groups.filter(pk__in=kubes.values("pk"))
        reports = reports.filter(kube__in=kubes.values("pk"))
    founded = groups.annotate(y=ExtractYear("founded_on"), m=ExtractMonth("founded_on")).values("y", "m")
    founded = founded.annotate(n=Count("pk")).order_by()
    by_month = (
        reports.alias(**_lag_expressions())
        .values("period")
        .annotate(
            submitted=Count("pk", filter=Q(status__in=RECEIVED_STATUSES)),
            verified=Count("pk", filter=Q(status=ReportStatus.VERIFIED)),
            on_time=Count("pk", filter=on_time_condition()),
        )
        .order_by()
    )
    counts = {row["period"]: row for row in by_month}
    founded_rows = [(dt.date(row["y"], row["m"], 1), row["n"]) for row in founded]
    result = []
    for period in month_range(first, last):
        row = counts.get(period, {})
        result.append(
            Completeness(
                expected=sum(n for month, n in founded_rows if month <= period),
                submitted=row.get("submitted", 0),
                verified=row.get("verified", 0),
                on_time=row.get("on_time", 0),
                period=period,
            )
        )
    return result


def missing_reports(period: dt.date, *, kubes: QuerySet[Kube], facilitator_id: int | None = None) -> QuerySet[Kube]:
    """Groups expected to report for the month whose report has not reached the office.

    Each group carries `report_pk` and `report_status` (a draft, or None).
    """
    period = month_start(period)
    queryset = (
        _expected_kubes(period)
        .filter(pk__in=kubes.values("pk"))
        .annotate(report=FilteredRelation("monthly_reports", condition=Q(monthly_reports__period=period)))
        .filter(Q(report__isnull=True) | Q(report__status=ReportStatus.DRAFT))
        .annotate(report_pk=F("report__pk"), report_status=F("report__status"))
        .select_related("facilitator", "kelurahan")
        .order_by(F("facilitator__username").asc(nulls_last=True), "name")
    )
    if facilitator_id is not None:
        queryset = queryset.filter(facilitator_id=facilitator_id or None)
    return queryset


def facilitator_choices(area: Area) -> list[tuple[int, str]]:
    """The facilitators of `area`, for a filter's choices."""
    return [(u.pk, u.get_full_name() or u.username) for u in facilitators(area)]


def verification_queue(user) -> QuerySet[MonthlyReport]:
    """Submitted reports waiting for an officer, oldest submission first."""
    return (
        report_queryset(user)
        .filter(status=ReportStatus.SUBMITTED)
        .order_by("first_submitted_at", "pk")
        .alias(**_lag_expressions())
        .annotate(is_on_time=ExpressionWrapper(on_time_condition(), output_field=BooleanField()))
    )


# --- A group's finance page ---------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    months: int = 0
    income: int = 0
    expenses: int = 0
    kept: int = 0
    shared: int = 0
    iks: int = 0
    grants: int = 0
    members: int = 0

    @property
    def profit(self) -> int:
        return self.income - self.expenses

    @property
    def income_per_member(self) -> int | None:
        return round(self.income / self.members) if self.members else None


def _members_at(memberships: list[tuple], founded_on: dt.date, day: dt.date) -> int:
    return sum(
        1
        for joined_on, left_on in memberships
        if (joined_on or founded_on) <= day and (left_on is None or left_on > day)
    )


def yearly_summary(kube: Kube) -> list[YearRow]:
    """The group's years: reported months, money per year, members at year end; three queries."""
    reports = (
        MonthlyReport.objects.filter(kube=kube, status__in=REPORTED_STATUSES)
        .annotate(year=ExtractYear("period"))
        .values("year")
        .annotate(
            months=Count("pk"),
            income=Sum("income"),
            expenses=Sum("expenses"),
            kept=Sum("kept_in_cash"),
            shared=Sum("shared_to_members"),
            iks=Sum("iks_collected"),
        )
        .order_by("year")
    )
    grants = (
        Grant.objects.filter(kube=kube)
        .annotate(year=ExtractYear("received_on"))
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by("year")
    )
    years: dict[int, YearRow] = {}
    for row in reports:
        years[row["year"]] = YearRow(
            year=row["year"],
            months=row["months"],
            income=row["income"] or 0,
            expenses=row["expenses"] or 0,
            kept=row["kept"] or 0,
            shared=row["shared"] or 0,
            iks=row["iks"] or 0,
        )
    for row in grants:
        years.setdefault(row["year"], YearRow(year=row["year"])).grants = row["total"] or 0
    memberships = list(Membership.objects.filter(kube=kube).values_list("joined_on", "left_on"))
    today = timezone.localdate()
    for row in years.values():
        row.members = _members_at(memberships, kube.founded_on, min(dt.date(row.year, 12, 31), today))
    return [years[year] for year in sorted(years)]


@dataclass
class MonthPoint:
    period: dt.date
    income: int
    expenses: int
    kept: int
    shared: int

    @property
    def profit(self) -> int:
        return self.income - self.expenses


def report_months(kube: Kube, *, months: int = 24, today: dt.date | None = None) -> list[MonthCell]:
    """The last `months` months up to the current one, newest first, with any report; one query."""
    today = today or timezone.localdate()
    last = month_start(today)
    first = max(add_months(last, -(months - 1)), month_start(kube.founded_on))
    reports = MonthlyReport.objects.filter(kube=kube, period__gte=first, period__lte=last).select_related(
        "submitted_by", "verified_by"
    )
    by_period = {r.period: r for r in reports}
    return [MonthCell(p, by_period.get(p)) for p in reversed(month_range(first, last))] if first <= last else []


def month_points(cells: list[MonthCell]) -> list[MonthPoint]:
    """The reported months among `cells`, oldest first, for the chart and its table."""
    points = [
        MonthPoint(c.period, c.report.income, c.report.expenses, c.report.kept_in_cash, c.report.shared_to_members)
        for c in cells
        if c.report is not None and c.report.status in REPORTED_STATUSES
    ]
    return sorted(points, key=lambda p: p.period)


def kube_loans(kube: Kube) -> list[Loan]:
    """The group's loans, newest first, each with `repaid_total`; one query."""
    return list(
        Loan.objects.filter(kube=kube)
        .select_related("membership__person")
        .annotate(repaid_total=Coalesce(Sum("repayments__amount"), Value(0)))
        .order_by("-lent_on", "-pk")
    )


@dataclass
class LoanSummary:
    count: int
    open_count: int
    outstanding: int
    overdue_count: int
    overdue_amount: int


def loan_state(loan: Loan, today: dt.date) -> tuple[int, bool]:
    """(outstanding, overdue) of a loan annotated with `repaid_total`."""
    outstanding = max(loan.amount - loan.repaid_total, 0)
    is_open = loan.repaid_on is None and outstanding > 0
    return outstanding, is_open and loan.due_on < today


def loan_summary(loans: list[Loan], today: dt.date) -> LoanSummary:
    """Totals over loans already read for the page (no query)."""
    summary = LoanSummary(len(loans), 0, 0, 0, 0)
    for loan in loans:
        outstanding, overdue = loan_state(loan, today)
        loan.outstanding, loan.is_overdue = outstanding, overdue
        loan.days_overdue = (today - loan.due_on).days if overdue else 0
        if outstanding and loan.repaid_on is None:
            summary.open_count += 1
            summary.outstanding += outstanding
        if overdue:
            summary.overdue_count += 1
            summary.overdue_amount += outstanding
    return summary


def kube_assets(kube: Kube) -> list[Asset]:
    return list(Asset.objects.filter(kube=kube).order_by("disposed_on", "-acquired_on", "name"))


def kube_grants(kube: Kube) -> list[Grant]:
    return list(Grant.objects.filter(kube=kube).order_by("-received_on"))


def kube_products(kube: Kube) -> list[Product]:
    """Current products first, then ended ones; each with the months it ran."""
    return list(Product.objects.filter(kube=kube).order_by(F("ended_on").desc(nulls_first=True), "started_on"))


def assets_held_value(assets: list[Asset], day: dt.date) -> int:
    return sum(a.value for a in assets if a.acquired_on <= day and (a.disposed_on is None or a.disposed_on > day))


# --- Facts for other apps (the assessment reads these; ASSESSMENT.md) ------------------


@dataclass(frozen=True)
class ReportFact:
    period: dt.date
    income: int
    expenses: int
    kept_in_cash: int
    shared_to_members: int
    iks_collected: int
    meetings_held: int
    attendance_percent: int | None


def report_facts(kube_ids, first: dt.date, last: dt.date) -> dict[int, list[ReportFact]]:
    """Reported months (submitted or verified) from `first`'s month to `last`'s, oldest first; one query."""
    rows = (
        MonthlyReport.objects.filter(
            kube_id__in=kube_ids,
            status__in=REPORTED_STATUSES,
            period__gte=month_start(first),
            period__lte=month_start(last),
        )
        .order_by("kube_id", "period")
        .values_list(
            "kube_id",
            "period",
            "income",
            "expenses",
            "kept_in_cash",
            "shared_to_members",
            "iks_collected",
            "meetings_held",
            "attendance_percent",
        )
    )
    facts: dict[int, list[ReportFact]] = defaultdict(list)
    for kube_id, *values in rows:
        facts[kube_id].append(ReportFact(*values))
    return dict(facts)


def cash_on(kube_ids, day: dt.date) -> dict[int, int]:
    """Cash in hand plus bank from each group's latest reported month that ended by `day`; one query.

    Groups without such a report are missing from the answer (their cash reads as zero).
    """
    last = month_start(day) if month_end(day) <= day else add_months(month_start(day), -1)
    latest = (
        MonthlyReport.objects.filter(kube_id=OuterRef("kube_id"), status__in=REPORTED_STATUSES, period__lte=last)
        .order_by("-period")
        .values("period")[:1]
    )
    rows = MonthlyReport.objects.filter(
        kube_id__in=kube_ids, status__in=REPORTED_STATUSES, period=Subquery(latest)
    ).values_list("kube_id", "cash_in_hand", "cash_in_bank")
    return {kube_id: hand + bank for kube_id, hand, bank in rows}


def assets_value_on(kube_ids, day: dt.date) -> dict[int, int]:
    """Value of assets acquired by `day` and not yet disposed of, per group; one query."""
    rows = (
        Asset.objects.held_on(day)
        .filter(kube_id__in=kube_ids)
        .values("kube_id")
        .annotate(total=Sum("value"))
        .order_by()
        .values_list("kube_id", "total")
    )
    return dict(rows)


@dataclass(frozen=True)
class LoanFacts:
    lent: int  # loans disbursed in the window
    overdue: int  # loans overdue at the day by more than `grace_days`


def loan_facts(kube_ids, first: dt.date, day: dt.date, *, grace_days: int = 30) -> dict[int, LoanFacts]:
    """Loans disbursed from `first` to `day`, and loans overdue at `day` by more than `grace_days`; one query."""
    late = day - dt.timedelta(days=grace_days)
    rows = (
        Loan.objects.filter(kube_id__in=kube_ids, lent_on__lte=day)
        .values("kube_id")
        .annotate(
            lent=Count("pk", filter=Q(lent_on__gte=first)),
            overdue=Count("pk", filter=Q(due_on__lt=late) & (Q(repaid_on__isnull=True) | Q(repaid_on__gt=day))),
        )
        .order_by()
        .values_list("kube_id", "lent", "overdue")
    )
    return {kube_id: LoanFacts(lent, overdue) for kube_id, lent, overdue in rows}
