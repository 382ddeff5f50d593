"""Gathering the rubric's facts for many groups as of a date, in a fixed number of queries.

Everything is read through the other apps' selectors, each one query for all the
groups at once (a queryset of groups stays a subquery, so "every group" costs the
same number of queries as one). Only data dated on or before the as-of date is read.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, QuerySet

from finances import selectors as finances
from finances.periods import add_months, month_start
from groups.models import OFFICER_ROLES, Kube, Membership
from kube_registry.nik import IdNumberError, parse_nik
from partnerships.models import PartnershipForm
from partnerships.selectors import partnerships_active_on

from .rubric import GroupFacts, MonthFigures, Thresholds, window


def _as_subquery(kubes: QuerySet) -> QuerySet:
    return kubes.order_by().values("pk")


def _members(kube_ids: QuerySet, as_of: dt.date) -> dict[int, tuple[int, int, set[str]]]:
    """Per group at `as_of`: active members, those without a valid NIK, the officer roles held."""
    rows = (
        Membership.objects.active_on(as_of)
        .filter(kube_id__in=kube_ids)
        .values_list("kube_id", "role", "person__nik", "person__sex", "person__birth_on")
    )
    counts: Counter = Counter()
    invalid: Counter = Counter()
    roles: dict[int, set[str]] = defaultdict(set)
    for kube_id, role, nik, sex, birth_on in rows.iterator(chunk_size=5_000):
        counts[kube_id] += 1
        roles[kube_id].add(role)
        try:
            parse_nik(nik, sex=sex, birth_on=birth_on, today=as_of)
        except IdNumberError:
            invalid[kube_id] += 1
    return {kube_id: (counts[kube_id], invalid[kube_id], roles[kube_id]) for kube_id in counts}


def _member_counts(kube_ids: QuerySet, day: dt.date) -> dict[int, int]:
    rows = (
        Membership.objects.active_on(day)
        .filter(kube_id__in=kube_ids)
        .order_by()
        .values("kube_id")
        .annotate(n=Count("pk"))
        .values_list("kube_id", "n")
    )
    return dict(rows)


def gather(kubes: QuerySet[Kube], as_of: dt.date, thresholds: Thresholds) -> dict[int, GroupFacts]:
    """The facts of every group in `kubes` founded by `as_of`. Ten queries, whatever the number of groups."""
    kubes = kubes.filter(founded_on__lte=as_of)
    ids = _as_subquery(kubes)
    year_before = add_months(as_of, -12)
    groups = list(kubes.order_by().values_list("pk", "founded_on", "financial_institution", "financial_institution_on"))
    if not groups:
        return {}
    # W starts at most 11 months before the as-of month; the 12 months before it are read
    # too (income growth), and a year more of history serves the "last N reported months".
    reports = finances.report_facts(ids, add_months(month_start(as_of), -23), as_of)
    earliest_window = add_months(month_start(as_of), -11)
    loans = finances.loan_facts(ids, earliest_window, as_of, grace_days=thresholds.loan_overdue_days)
    members = _members(ids, as_of)
    members_before = _member_counts(ids, year_before)
    cash_now, cash_before = finances.cash_on(ids, as_of), finances.cash_on(ids, year_before)
    assets_now, assets_before = finances.assets_value_on(ids, as_of), finances.assets_value_on(ids, year_before)
    partnerships = partnerships_active_on(ids, as_of)

    facts = {}
    for (
        pk,
        founded_on,
        institution,
        institution_on,
    ) in groups:
        count, invalid, roles = members.get(pk, (0, 0, set()))
        network = partnerships[pk]
        months = window(founded_on, as_of)
        # Loans are counted from the earliest possible window start; a younger group's
        # window starts at its founding, and it cannot have lent before it existed.
        loan = loans.get(pk, finances.LoanFacts(0, 0))
        facts[pk] = GroupFacts(
            as_of=as_of,
            founded_on=founded_on,
            reports=tuple(
                MonthFigures(
                    period=r.period,
                    income=r.income,
                    expenses=r.expenses,
                    kept=r.kept_in_cash,
                    shared=r.shared_to_members,
                    iks=r.iks_collected,
                    meetings=r.meetings_held,
                    attendance=r.attendance_percent,
                )
                for r in reports.get(pk, ())
            ),
            members_now=count,
            members_year_before=members_before.get(pk, 0),
            members_without_valid_nik=invalid,
            officers_missing=tuple(role.value for role in OFFICER_ROLES if role.value not in roles),
            cash_now=cash_now.get(pk, 0),
            cash_year_before=cash_before.get(pk, 0),
            assets_now=assets_now.get(pk, 0),
            assets_year_before=assets_before.get(pk, 0),
            partnerships=network.partners,
            marketing_partnership=network.has_form(PartnershipForm.PEMASARAN),
            capital_partnership=network.has_form(PartnershipForm.PERMODALAN),
            finance_institution_capital=network.has_finance_institution_capital,
            loans_in_window=loan.lent if months else 0,
            overdue_loans=loan.overdue,
            has_lkm_or_koperasi=bool(institution) and (institution_on is None or institution_on <= as_of),
        )
    return facts
