"""The money side of the demo city, built by `seed_demo` after the groups exist.

Monthly reports for `ctx.years` years ending with `ctx.today`'s month, in the patterns
the field studies describe: steady groups that keep part of every profit and pay
their IKS dues; groups that share out everything the day it comes in and keep
nothing; stagnant groups that report late and irregularly; and groups that stop
reporting (the inactive and dissolved ones, and a few active ones slipping now).
KUBE Mekar Sari reports from January 2015 with its real yearly income (BRIEF.md)
spread over the months, growing after 2017. Grants (Mekar Sari's Kemensos start-up
grant among them), assets, loans (some overdue) and products over time complete it.

Every random choice comes from a `ctx.stream(...)`, groups are visited in
registration-number order, and nothing is dated after `ctx.today` (timestamps not
after now), so the same seed gives the same city. Everything is written with bulk
inserts, with one history row per history-tracked object.
"""

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from groups.demo import DemoContext
from groups.models import BusinessField, Kube, KubeStatus, Membership

from .demo_data import (
    ASSETS,
    MEKAR_SARI_ASSETS,
    MEKAR_SARI_FIRST_REPORT,
    MEKAR_SARI_GRANTS,
    MEKAR_SARI_GROWTH,
    MEKAR_SARI_INCOME,
    MEKAR_SARI_PRODUCTS,
    MEKAR_SARI_SEASON,
    PROBLEMS,
    RETURN_COMMENTS,
)
from .models import Asset, Grant, GrantSource, Loan, MemberLine, MonthlyReport, Product, ProductKind, Repayment
from .models import ReportStatus as S
from .periods import add_months, month_end, month_range, month_start


@dataclass
class Profile:
    """How a group runs its money and its reporting."""

    kind: str  # steady, share_all, stagnant
    base_income: int
    growth: float  # per year
    expense_ratio: float
    kept_share: float  # of each profit
    iks_dues: int
    iks_paying: float  # share of members paying each month
    meetings: tuple[int, int]
    attendance: float
    skip: float  # chance a month is never reported
    on_time: float  # chance a report is first submitted by the due day
    bank_share: float
    stop: dt.date | None = None  # first month not reported any more
    cash: int = 0
    months: list = field(default_factory=list)


def _aware(day: dt.date, rng: random.Random) -> dt.datetime:
    moment = dt.datetime(day.year, day.month, day.day, rng.randint(8, 20), rng.randint(0, 59))
    return timezone.make_aware(moment)


def _round(amount: float, unit: int = 1_000) -> int:
    return max(0, round(amount / unit) * unit)


def _profile(rng: random.Random, kube: Kube, window_start: dt.date, last: dt.date) -> Profile:
    field_income = {
        BusinessField.JASA: (1_500_000, 6_000_000),
        BusinessField.PERDAGANGAN: (2_000_000, 9_000_000),
        BusinessField.PRODUKSI: (1_000_000, 5_000_000),
    }[kube.business_field]
    base = rng.uniform(*field_income)
    roll = rng.random()
    if kube.status != KubeStatus.AKTIF:
        kind = "stagnant" if roll < 0.6 else "share_all"
    else:
        kind = "steady" if roll < 0.5 else "share_all" if roll < 0.75 else "stagnant"
    if kind == "steady":
        profile = Profile(
            kind,
            _round(base),
            rng.uniform(0.04, 0.15),
            rng.uniform(0.45, 0.7),
            rng.uniform(0.2, 0.4),
            rng.choice((5_000, 10_000)),
            rng.uniform(0.75, 0.97),
            (2, 4),
            rng.uniform(0.7, 0.92),
            0.03,
            0.88,
            rng.uniform(0.5, 0.8),
        )
    elif kind == "share_all":
        profile = Profile(
            kind,
            _round(base),
            rng.uniform(-0.02, 0.05),
            rng.uniform(0.5, 0.8),
            0.0,
            5_000,
            rng.uniform(0.0, 0.4),
            (1, 2),
            rng.uniform(0.5, 0.75),
            0.1,
            0.6,
            rng.uniform(0.0, 0.3),
        )
    else:
        profile = Profile(
            kind,
            _round(base * 0.6),
            rng.uniform(-0.1, 0.03),
            rng.uniform(0.7, 0.98),
            rng.uniform(0.0, 0.1),
            5_000,
            rng.uniform(0.1, 0.45),
            (0, 1),
            rng.uniform(0.35, 0.6),
            0.3,
            0.3,
            rng.uniform(0.0, 0.2),
        )
    # Groups that stop reporting: inactive ones at some point (perhaps before the
    # window), dissolved ones before they dissolved, a few active ones lately.
    if kube.status == KubeStatus.TIDAK_AKTIF:
        profile.stop = add_months(window_start, rng.randint(-12, max(1, _months(window_start, last) - 3)))
    elif kube.status == KubeStatus.BUBAR:
        dissolved = getattr(kube, "dissolved_on", None) or last
        profile.stop = add_months(month_start(dissolved), -rng.randint(0, 6))
    elif rng.random() < 0.08:
        profile.stop = add_months(last, -rng.randint(1, 5))
    return profile


def _months(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass
class Lines:
    """The demo's memberships per group, for member lines and loans."""

    by_kube: dict[int, list[tuple[int, dt.date | None, dt.date | None]]]

    def active(self, kube: Kube, period: dt.date) -> list[int]:
        start, end = period, month_end(period)
        return [
            pk
            for pk, joined_on, left_on in self.by_kube.get(kube.pk, ())
            if (joined_on or kube.founded_on) <= end and (left_on is None or left_on >= start)
        ]


class ReportWriter:
    """Collects reports and their member lines, then writes them in bulk."""

    def __init__(self, ctx: DemoContext, lines: Lines, now: dt.datetime):
        self.ctx, self.lines, self.now = ctx, lines, now
        self.reports: list[MonthlyReport] = []
        self.member_lines: list[list[tuple[int, int, int]]] = []

    def add(self, rng, kube, period, *, income, expenses, kept, shared, profile: Profile, on_time: float) -> None:
        members = self.lines.active(kube, period)
        held = rng.randint(*profile.meetings)
        lines = []
        for pk in members:
            paid = profile.iks_dues if rng.random() < profile.iks_paying else 0
            attended = sum(rng.random() < profile.attendance for _ in range(held))
            lines.append((pk, paid, attended))
        iks = sum(paid for _pk, paid, _a in lines)
        profile.cash = max(0, profile.cash + kept + iks - rng.choice((0, 0, 0, iks)))
        bank = _round(profile.cash * profile.bank_share)
        attendance = round(100 * sum(a for *_x, a in lines) / (held * len(lines))) if held and lines else None
        report = MonthlyReport(
            kube=kube,
            period=period,
            income=income,
            expenses=expenses,
            kept_in_cash=kept,
            shared_to_members=shared,
            iks_collected=iks,
            cash_in_hand=profile.cash - bank,
            cash_in_bank=bank,
            meetings_held=held,
            attendance_percent=attendance,
            problems=rng.choice(PROBLEMS) if profile.kind != "steady" and rng.random() < 0.3 else "",
            status=S.VERIFIED,
        )
        if not self._workflow(rng, report, kube, on_time):
            return
        self.reports.append(report)
        self.member_lines.append(lines)

    def _workflow(self, rng, report: MonthlyReport, kube: Kube, on_time: float) -> bool:
        """Submission and verification times; recent months are still in the office's hands."""
        due = add_months(report.period, 1).replace(day=10)
        if rng.random() < on_time:
            submitted_on = add_months(report.period, 1).replace(day=rng.randint(1, 10))
            if rng.random() < 0.15:
                submitted_on = month_end(report.period)  # the last evening of the month
        else:
            submitted_on = due + dt.timedelta(days=rng.randint(1, 40))
        facilitator = kube.facilitator or self.ctx.admin
        submitted_at = _aware(submitted_on, rng)
        if submitted_at > self.now:
            if rng.random() < 0.5:
                return False  # not even started
            report.status = S.DRAFT
            report._history_user = facilitator
            report._history_date = self.now - dt.timedelta(days=rng.randint(0, 5))
            report.version = 1
            return True
        report.submitted_by, report.submitted_at, report.first_submitted_at = facilitator, submitted_at, submitted_at
        verified_at = submitted_at + dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
        report.version = 2
        if verified_at > self.now:
            report.status = S.SUBMITTED
            report._history_user, report._history_date = facilitator, submitted_at
            if rng.random() < 0.15:
                report.status = S.RETURNED
                report.review_comment = rng.choice(RETURN_COMMENTS)
                report.version = 3
                report._history_user = self.ctx.officer
                report._history_date = min(self.now, submitted_at + dt.timedelta(days=2))
            return True
        report.verified_by, report.verified_at = self.ctx.officer, verified_at
        report._history_user, report._history_date = self.ctx.officer, verified_at
        return True

    def write(self) -> tuple[int, int]:
        for report in self.reports:
            report._change_reason = "Data demo"
        saved = bulk_create_with_history(self.reports, MonthlyReport, batch_size=2000)
        rows = [
            MemberLine(report_id=report.pk, membership_id=pk, iks_paid=paid, meetings_attended=attended)
            for report, lines in zip(saved, self.member_lines, strict=True)
            for pk, paid, attended in lines
        ]
        MemberLine.objects.bulk_create(rows, batch_size=5000)
        return len(saved), len(rows)


def _synthetic_reports(ctx: DemoContext, writer: ReportWriter, kubes: list[Kube], first: dt.date, last: dt.date):
    rng = ctx.stream("finances:reports")
    for kube in kubes:
        profile = _profile(rng, kube, first, last)
        start = max(first, month_start(kube.founded_on))
        end = min(last, add_months(profile.stop, -1)) if profile.stop else last
        founded = month_start(kube.founded_on)
        for period in month_range(start, end) if start <= end else []:
            if rng.random() < profile.skip:
                continue
            years = (period.year - founded.year) + (period.month - founded.month) / 12
            season = 1 + 0.15 * math.sin(2 * math.pi * period.month / 12) + rng.uniform(-0.2, 0.2)
            fading = 1.0
            if profile.stop and _months(period, profile.stop) <= 4:  # income falls before a group stops
                fading = 0.4 + 0.15 * _months(period, profile.stop)
            income = _round(profile.base_income * (1 + profile.growth) ** years * season * fading)
            expenses = _round(income * min(1.1, profile.expense_ratio + rng.uniform(-0.08, 0.08)))
            profit = income - expenses
            kept = _round(max(profit, 0) * profile.kept_share)
            shared = max(profit, 0) - kept if profit > 0 else 0
            writer.add(
                rng,
                kube,
                period,
                income=income,
                expenses=expenses,
                kept=kept,
                shared=shared,
                profile=profile,
                on_time=profile.on_time,
            )


def _mekar_sari_reports(ctx: DemoContext, writer: ReportWriter, last: dt.date) -> None:
    rng = ctx.stream("finances:mekar-sari")
    kube = ctx.mekar_sari
    profile = Profile("steady", 0, 0, 0, 0.3, 5_000, 0.95, (2, 4), 0.88, 0, 0.97, 0.7)
    months = month_range(MEKAR_SARI_FIRST_REPORT, last) if last >= MEKAR_SARI_FIRST_REPORT else []
    by_year: dict[int, list[dt.date]] = defaultdict(list)
    for period in months:
        by_year[period.year].append(period)
    for year, periods in by_year.items():
        total = MEKAR_SARI_INCOME.get(year) or round(
            MEKAR_SARI_INCOME[2017] * (1 + MEKAR_SARI_GROWTH) ** (year - 2017), -3
        )
        if year == 2015:
            # The first year sold compost only, slowly at first: the months climb.
            weights = [0.3 + 0.1 * i for i in range(12)]
        else:
            weights = list(MEKAR_SARI_SEASON)
        if year not in MEKAR_SARI_INCOME and len(periods) < 12:
            weights = weights[: len(periods)]  # this year so far: the months' share of the year
            total = round(total * sum(weights) / sum(MEKAR_SARI_SEASON), -3)
        amounts = [_round(total * w / sum(weights[: len(periods)])) for w in weights[: len(periods)]]
        amounts[-1] += total - sum(amounts)  # the year adds up exactly
        profile.iks_dues = 5_000 if year < 2018 else 10_000
        for period, income in zip(periods, amounts, strict=True):
            expenses = _round(income * rng.uniform(0.35, 0.45))
            kept = _round((income - expenses) * 0.3)
            writer.add(
                rng,
                kube,
                period,
                income=income,
                expenses=expenses,
                kept=kept,
                shared=income - expenses - kept,
                profile=profile,
                on_time=profile.on_time,
            )


def _grants_assets_products(ctx: DemoContext, kubes: list[Kube], today: dt.date) -> tuple[int, int, int]:
    rng = ctx.stream("finances:grants")
    grants, assets, products = [], [], []
    mekar_sari = ctx.mekar_sari
    for source, amount, received_on, note in MEKAR_SARI_GRANTS:
        if received_on <= today:
            grants.append(
                Grant(kube=mekar_sari, source=source, amount=amount, received_on=received_on, description=note)
            )
    for name, value, acquired_on, disposed_on in MEKAR_SARI_ASSETS:
        if acquired_on <= today:
            disposed_on = disposed_on if disposed_on and disposed_on <= today else None
            assets.append(
                Asset(kube=mekar_sari, name=name, value=value, acquired_on=acquired_on, disposed_on=disposed_on)
            )
    for name, description, started_on in MEKAR_SARI_PRODUCTS:
        if started_on <= today:
            products.append(Product(kube=mekar_sari, name=name, description=description, started_on=started_on))

    for kube in kubes:
        founded = kube.founded_on
        # The start-up grant: Rp 2 juta per family since Permensos 2/2019; other amounts before.
        received_on = min(today, founded + dt.timedelta(days=rng.randint(20, 150)))
        if received_on >= founded and rng.random() < 0.92:
            if founded.year >= 2019:
                amount = 2_000_000 * rng.choice((5, 8, 10, 10, 10, 12, 15))
            else:
                amount = rng.choice((10, 15, 20, 20, 25, 30, 40, 60)) * 1_000_000
            source = GrantSource.KEMENSOS if rng.random() < 0.75 else GrantSource.APBD
            grants.append(Grant(kube=kube, source=source, amount=amount, received_on=received_on, description=""))
        if kube.status == KubeStatus.AKTIF and rng.random() < 0.2:
            later = founded + dt.timedelta(days=rng.randint(400, 2500))
            if later <= today:
                source = rng.choice((GrantSource.APBD, GrantSource.CSR, GrantSource.CSR, GrantSource.LAINNYA))
                if kube.financial_institution:
                    source = GrantSource.KUBE_LKM
                grants.append(
                    Grant(
                        kube=kube,
                        source=source,
                        amount=rng.choice((5, 10, 15, 25, 30)) * 1_000_000,
                        received_on=later,
                        description="Bantuan pengembangan usaha.",
                    )
                )
        choices = ASSETS[kube.business_field]
        for name, low, high in rng.sample(choices, rng.randint(0, min(3, len(choices)))):
            acquired_on = min(today, founded + dt.timedelta(days=rng.randint(30, 900)))
            disposed_on = None
            if rng.random() < 0.15:
                candidate = acquired_on + dt.timedelta(days=rng.randint(365, 2000))
                disposed_on = candidate if candidate <= today else None
            assets.append(
                Asset(
                    kube=kube,
                    name=name,
                    value=_round(rng.uniform(low, high), 50_000),
                    acquired_on=acquired_on,
                    disposed_on=disposed_on,
                )
            )
        first_product = (
            kube.business_description.split(",")[0].split(".")[0].strip() or kube.get_business_field_display()
        )
        started_on = month_start(founded)
        ended_on = None
        if kube.status == KubeStatus.BUBAR:
            ended_on = month_start(min(today, founded + dt.timedelta(days=rng.randint(200, 2000))))
        products.append(
            Product(
                kube=kube, kind=ProductKind.KEGIATAN, name=first_product[:150], started_on=started_on, ended_on=ended_on
            )
        )
        if kube.status == KubeStatus.AKTIF and rng.random() < 0.3:
            second = month_start(founded + dt.timedelta(days=rng.randint(200, 1500)))
            if second <= today:
                products.append(
                    Product(
                        kube=kube,
                        kind=ProductKind.PRODUK,
                        name="Produk baru: " + first_product[:100].lower(),
                        started_on=second,
                    )
                )
    for objects in (grants, assets, products):
        for obj in objects:
            obj._history_user = ctx.admin
    bulk_create_with_history(grants, Grant, batch_size=2000)
    bulk_create_with_history(assets, Asset, batch_size=2000)
    bulk_create_with_history(products, Product, batch_size=2000)
    return len(grants), len(assets), len(products)


def _loans(ctx: DemoContext, kubes: list[Kube], lines: Lines, first: dt.date, today: dt.date) -> tuple[int, int]:
    """Simpan pinjam in lending groups: most loans repaid in time, some late, some overdue."""
    rng = ctx.stream("finances:loans")
    loans, plans = [], []
    lenders = [ctx.mekar_sari] + [
        k
        for k in kubes
        if k.status == KubeStatus.AKTIF
        and (k.financial_institution or "pinjam" in k.business_description.lower() or rng.random() < 0.2)
    ]
    for kube in lenders:
        start = max(first, kube.founded_on)
        if start > today:
            continue
        used: set[tuple[int, dt.date]] = set()
        for _ in range(rng.randint(3, 15)):
            lent_on = start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days)))
            members = lines.active(kube, month_start(lent_on))
            if not members:
                continue
            membership_id = rng.choice(members)
            if (membership_id, lent_on) in used:
                continue
            used.add((membership_id, lent_on))
            amount = rng.choice((200, 250, 300, 400, 500, 500, 500, 750, 1000)) * 1_000
            loan = Loan(
                kube=kube,
                membership_id=membership_id,
                amount=amount,
                lent_on=lent_on,
                due_on=add_months(lent_on, 3),
                note="",
            )
            loans.append(loan)
            plans.append(rng.random())
    repayments = []
    for loan, roll in zip(loans, plans, strict=True):
        # 70% repaid by the due date, 15% late, 15% not (yet) repaid in full.
        if roll < 0.7:
            last_day = loan.due_on
        elif roll < 0.85:
            last_day = loan.due_on + dt.timedelta(days=rng.randint(10, 90))
        else:
            last_day = None
        instalments = rng.randint(1, 3)
        paid = 0
        for index in range(instalments):
            span = ((last_day or loan.due_on) - loan.lent_on).days
            paid_on = loan.lent_on + dt.timedelta(days=max(1, span * (index + 1) // instalments))
            if paid_on > today:
                break
            amount = loan.amount // instalments if index < instalments - 1 else loan.amount - paid
            if last_day is None and index == instalments - 1:
                amount = amount // 2  # the rest is still owed
            if amount <= 0:
                break
            repayments.append(Repayment(loan=loan, paid_on=paid_on, amount=amount))
            paid += amount
        if paid >= loan.amount:
            loan.repaid_on = max(r.paid_on for r in repayments if r.loan is loan)
    for obj in loans + repayments:
        obj._history_user = ctx.officer
    bulk_create_with_history(loans, Loan, batch_size=2000)
    for repayment in repayments:
        repayment.loan_id = repayment.loan.pk
    bulk_create_with_history(repayments, Repayment, batch_size=2000)
    return len(loans), len(repayments)


def build_finances(ctx: DemoContext) -> dict[str, int]:
    """Reports, member lines, grants, assets, loans and products for the demo city."""
    today = ctx.today
    last = month_start(today)
    first = add_months(last, -(12 * ctx.years - 1)) if ctx.years else None
    kubes = list(
        Kube.objects.exclude(pk=ctx.mekar_sari.pk)
        .filter(founded_on__lte=today)
        .select_related("facilitator")
        .order_by("no_registrasi")
    )
    rows = Membership.objects.filter(kube__founded_on__lte=today).values_list("pk", "kube_id", "joined_on", "left_on")
    by_kube: dict[int, list] = defaultdict(list)
    for pk, kube_id, joined_on, left_on in rows.order_by("kube_id", "pk"):
        by_kube[kube_id].append((pk, joined_on, left_on))
    lines = Lines(by_kube)
    for kube in kubes:
        if kube.status == KubeStatus.BUBAR:
            left = [left_on for _pk, _j, left_on in by_kube.get(kube.pk, ()) if left_on]
            kube.dissolved_on = max(left) if left else today

    counts: dict[str, int] = {}
    if first is not None:
        writer = ReportWriter(ctx, lines, now=timezone.now())
        _mekar_sari_reports(ctx, writer, last)
        _synthetic_reports(ctx, writer, kubes, first, last)
        counts["laporan bulanan"], counts["baris anggota"] = writer.write()
    grants, assets, products = _grants_assets_products(ctx, kubes, today)
    loans, repayments = _loans(ctx, kubes, lines, first or add_months(last, -35), today) if first else (0, 0)
    counts |= {"bantuan": grants, "aset": assets, "pinjaman": loans, "angsuran": repayments, "produk": products}
    return counts
