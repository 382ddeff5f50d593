"""The reminders: who is told what on a day, and whether a reminder's cause is gone.

Each kind of reminder is a `ReminderRule`: `collect(day)` reads the facts through the
domain apps' selectors and asks `notifications.rules` (pure date rules) which reminders
are due; `resolved(items, today)` tells which earlier reminders no longer have a cause
(the report reached the office, the loan was repaid, the follow-up closed...). Both run
a fixed number of queries whatever the number of groups or reminders.

Who gets what: a group's reminders go to its facilitator only (`Kube.facilitator`, the
field `visible_to` scopes facilitators by); the office-wide ones (the list of missing
reports, follow-ups the office owns, proposals, judgements, the weekly summary) to every
active officer. Texts are written in Indonesian whatever language the caller runs in,
and never quote a NIK, KK or phone number (services mask them again before storing).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import category_rank, latest_assessment
from assessments.selectors import judgements_due_for_review
from finances.models import Loan, MonthlyReport, ReportStatus
from finances.periods import last_complete_month, month_end, period_key, period_label, report_due_on
from finances.selectors import RECEIVED_STATUSES, completeness_by_facilitator, completeness_total, loan_state
from finances.selectors import missing_reports as finances_missing_reports
from formation.models import DecisionAction, Proposal, ProposalStatus
from groups.areas import Area, AreaLevel, home_area
from groups.models import Kube, KubeStatus
from kube_registry.masking import mask_text
from kube_registry.roles import ROLE_OFFICER
from kube_registry.values import format_rupiah
from monitoring.models import FollowUp, FollowUpOwner
from monitoring.selectors import coverage_start, is_covered, last_visit_on, not_visited, open_follow_ups, period_days

from . import rules
from .models import Kind


@dataclass(frozen=True)
class Reminder:
    user_id: int
    kind: str
    key: str
    title: str
    body: str
    url: str
    ref: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OpenItem:
    """An unresolved notification, as the resolution checks read it."""

    pk: int
    user_id: int
    ref: dict


@dataclass(frozen=True)
class ReminderRule:
    kinds: tuple[str, ...]
    collect: Callable[[dt.date], list[Reminder]]
    # None: the notification has no cause to go away (the weekly summary).
    resolved: Callable[[list[OpenItem], dt.date], set[int]] | None = None


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _kube_label(kube: Kube) -> str:
    return f"{kube.name} ({kube.no_registrasi})"


def officers_by_city() -> dict[str, list[int]]:
    """Every active officer (role petugas) by the code of the city they work in: an office's
    reminders go to its own city's officers only. One query."""
    users = get_user_model().objects.filter(is_active=True, groups__name=ROLE_OFFICER)
    home = home_area().code
    by_city: dict[str, list[int]] = defaultdict(list)
    for pk, city_code in users.order_by("pk").values_list("pk", "area__city__code").distinct():
        by_city[city_code or home].append(pk)
    return by_city


def _city_code(kube: Kube) -> str:
    return kube.kelurahan.city_code


def _has_facilitator(prefix: str = "") -> Q:
    return Q(**{f"{prefix}facilitator__isnull": False, f"{prefix}facilitator__is_active": True})


def _ids(items: Iterable[OpenItem], name: str) -> set[int]:
    return {int(item.ref[name]) for item in items if str(item.ref.get(name, "")).isdigit()}


# --- Monthly reports: due, overdue, and the office's list -------------------------------------


def _period(ref: dict) -> dt.date | None:
    try:
        year, month = str(ref.get("period", "")).split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def collect_reports(day: dt.date) -> list[Reminder]:
    """A facilitator's group whose report is due within 3 days or overdue; past the deadline,
    officers get the month's list of missing reports."""
    reminders = []
    officers = None
    for period in rules.report_periods(day):
        stage = rules.report_stage(period, day)
        if stage is None:
            continue
        due = report_due_on(period)
        month = period_label(period)
        missing = list(finances_missing_reports(period, kubes=Kube.objects.all()))
        for kube in missing:
            if kube.facilitator is None or not kube.facilitator.is_active:
                continue
            values = {"kube": _kube_label(kube), "month": month, "due": _day(due)}
            if stage == rules.DUE:
                kind = Kind.REPORT_DUE
                title = _("Laporan {month} {kube} jatuh tempo {due}").format(**values)
                left = rules.days_until(due, day)
                if left:
                    body = ngettext(
                        "Laporan bulanan {kube} untuk {month} belum diajukan. Batas waktunya {due}, {left} hari lagi.",
                        "Laporan bulanan {kube} untuk {month} belum diajukan. Batas waktunya {due}, {left} hari lagi.",
                        left,
                    ).format(left=left, **values)
                else:
                    body = _(
                        "Laporan bulanan {kube} untuk {month} belum diajukan. Batas waktunya hari ini, {due}."
                    ).format(**values)
            else:
                kind = Kind.REPORT_OVERDUE
                title = _("Laporan {month} {kube} terlambat").format(**values)
                body = _(
                    "Laporan bulanan {kube} untuk {month} belum diajukan, padahal batas waktunya {due} sudah lewat. "
                    "Isi dan ajukan laporannya."
                ).format(**values)
            reminders.append(
                Reminder(
                    user_id=kube.facilitator_id,
                    kind=kind,
                    key=f"{kind}:{kube.pk}:{period_key(period)}",
                    title=title,
                    body=body,
                    url=reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": period}),
                    ref={"kube": kube.pk, "period": period_key(period)},
                )
            )
        if stage != rules.OVERDUE or not missing:
            continue
        officers = officers_by_city() if officers is None else officers
        missing_by_city: dict[str, int] = defaultdict(int)
        for kube in missing:
            missing_by_city[_city_code(kube)] += 1
        for city_code, count in missing_by_city.items():
            title = ngettext(
                "{count} laporan {month} belum masuk", "{count} laporan {month} belum masuk", count
            ).format(count=count, month=month)
            body = ngettext(
                "Batas waktu laporan {month} ({due}) sudah lewat; {count} KUBE aktif belum mengajukan laporannya. "
                "Daftarnya per pendamping ada di halaman Laporan belum masuk.",
                "Batas waktu laporan {month} ({due}) sudah lewat; {count} KUBE aktif belum mengajukan laporannya. "
                "Daftarnya per pendamping ada di halaman Laporan belum masuk.",
                count,
            ).format(count=count, month=month, due=_day(due))
            url = f"{reverse('finances:missing_reports')}?bulan={period_key(period)}"
            reminders += [
                Reminder(
                    user_id=user_id,
                    kind=Kind.REPORTS_MISSING,
                    key=f"{Kind.REPORTS_MISSING}:{period_key(period)}",
                    title=title,
                    body=body,
                    url=url,
                    ref={"period": period_key(period)},
                )
                for user_id in officers.get(city_code, [])
            ]
    return reminders


def resolved_reports(items: list[OpenItem], today: dt.date) -> set[int]:
    """The report reached the office (submitted, returned or verified), the group is no longer
    active, or it has another facilitator now. Two queries."""
    kubes = {
        pk: (status, facilitator_id)
        for pk, status, facilitator_id in Kube.objects.filter(pk__in=_ids(items, "kube")).values_list(
            "pk", "status", "facilitator_id"
        )
    }
    periods = {p for p in (_period(item.ref) for item in items) if p}
    received = set(
        MonthlyReport.objects.filter(kube_id__in=kubes, period__in=periods, status__in=RECEIVED_STATUSES).values_list(
            "kube_id", "period"
        )
    )
    done = set()
    for item in items:
        kube_id, period = int(item.ref.get("kube", 0)), _period(item.ref)
        status, facilitator_id = kubes.get(kube_id, (None, None))
        if status != KubeStatus.AKTIF or facilitator_id != item.user_id or (kube_id, period) in received:
            done.add(item.pk)
    return done


def resolved_missing_lists(items: list[OpenItem], today: dt.date) -> set[int]:
    """Every expected report of the month reached the office. One query for all the months."""
    periods = sorted({p for p in (_period(item.ref) for item in items) if p})
    if not periods:
        return {item.pk for item in items}
    received = {
        f"r{index}": Exists(
            MonthlyReport.objects.filter(kube=OuterRef("pk"), period=period, status__in=RECEIVED_STATUSES)
        )
        for index, period in enumerate(periods)
    }
    counts = (
        Kube.objects.filter(status=KubeStatus.AKTIF)
        .alias(**received)
        .aggregate(
            **{
                f"p{index}": Count("pk", filter=Q(founded_on__lte=month_end(period), **{f"r{index}": False}))
                for index, period in enumerate(periods)
            }
        )
    )
    missing = {period: counts[f"p{index}"] for index, period in enumerate(periods)}
    return {item.pk for item in items if not missing.get(_period(item.ref))}


# --- A returned report not corrected -----------------------------------------------------------


def collect_returned(day: dt.date) -> list[Reminder]:
    """Reports returned by the office 3 or more days ago and not submitted again. Two queries:
    the returned reports, and their history (when the current return began)."""
    reports = list(
        MonthlyReport.objects.filter(status=ReportStatus.RETURNED)
        .filter(_has_facilitator("kube__"))
        .select_related("kube__facilitator")
    )
    steps = defaultdict(list)
    history = (
        MonthlyReport.history.filter(id__in=[r.pk for r in reports])
        .order_by("id", "history_date", "history_id")
        .values_list("id", "status", "history_date")
    )
    for report_id, status, at in history:
        steps[report_id].append((status, at))
    reminders = []
    for report in reports:
        since = rules.returned_since(steps[report.pk], ReportStatus.RETURNED) or report.updated_at
        returned_on = timezone.localtime(since).date()
        if not rules.returned_needs_reminder(returned_on, day):
            continue
        values = {"kube": _kube_label(report.kube), "month": period_label(report.period), "date": _day(returned_on)}
        reminders.append(
            Reminder(
                user_id=report.kube.facilitator_id,
                kind=Kind.REPORT_RETURNED,
                key=f"{Kind.REPORT_RETURNED}:{report.pk}:{returned_on.isoformat()}",
                title=_("Laporan {month} {kube} dikembalikan dan belum diperbaiki").format(**values),
                body=_(
                    "Petugas mengembalikan laporan {month} {kube} pada {date} dan laporan itu belum diajukan lagi. "
                    "Perbaiki sesuai catatan petugas, lalu ajukan."
                ).format(**values),
                url=report.get_absolute_url(),
                ref={"report": report.pk},
            )
        )
    return reminders


def resolved_returned(items: list[OpenItem], today: dt.date) -> set[int]:
    """Submitted again (or verified, or gone), or the group has another facilitator. One query."""
    still = {
        pk: facilitator_id
        for pk, facilitator_id in MonthlyReport.objects.filter(
            pk__in=_ids(items, "report"), status=ReportStatus.RETURNED
        ).values_list("pk", "kube__facilitator_id")
    }
    return {item.pk for item in items if still.get(int(item.ref.get("report", 0))) != item.user_id}


# --- A member's loan overdue -------------------------------------------------------------------


def _loans():
    return Loan.objects.annotate(repaid_total=Coalesce(Sum("repayments__amount"), Value(0)))


def collect_loans(day: dt.date) -> list[Reminder]:
    """Loans past their due date and not repaid, to the group's facilitator. One query."""
    loans = (
        _loans()
        .filter(repaid_on__isnull=True, due_on__lt=day, lent_on__lte=day)
        .exclude(kube__status=KubeStatus.BUBAR)
        .filter(_has_facilitator("kube__"))
        .select_related("membership__person", "kube__facilitator")
    )
    reminders = []
    for loan in loans:
        outstanding, overdue = loan_state(loan, day)
        if not overdue:
            continue
        values = {
            "member": loan.membership.person.name,
            "kube": _kube_label(loan.kube),
            "amount": format_rupiah(loan.amount),
            "due": _day(loan.due_on),
            "outstanding": format_rupiah(outstanding),
        }
        reminders.append(
            Reminder(
                user_id=loan.kube.facilitator_id,
                kind=Kind.LOAN_OVERDUE,
                key=f"{Kind.LOAN_OVERDUE}:{loan.pk}:{loan.due_on.isoformat()}",
                title=_("Pinjaman {member} di {kube} menunggak").format(**values),
                body=_(
                    "Pinjaman {member} sebesar {amount} dari kas {kube} jatuh tempo {due} dan belum lunas; "
                    "sisanya {outstanding}."
                ).format(**values),
                url=reverse("finances:kube_finance", kwargs={"pk": loan.kube_id}),
                ref={"loan": loan.pk},
            )
        )
    return reminders


def resolved_loans(items: list[OpenItem], today: dt.date) -> set[int]:
    """Repaid, given a later due date, or the group has another facilitator. One query."""
    loans = _loans().filter(pk__in=_ids(items, "loan")).select_related("kube")
    still = {}
    for loan in loans:
        _outstanding, overdue = loan_state(loan, today)
        if overdue:
            still[loan.pk] = loan.kube.facilitator_id
    return {item.pk for item in items if still.get(int(item.ref.get("loan", 0))) != item.user_id}


# --- Visits: follow-ups due, groups not visited --------------------------------------------------


def collect_follow_ups(day: dt.date) -> list[Reminder]:
    """Open follow-ups due within 3 days or late: to the office when the office owns the action,
    else to the group's facilitator. One query (two with officers to tell)."""
    follow_ups = (
        open_follow_ups(None, day)
        .filter(due_on__lte=day + dt.timedelta(days=rules.FOLLOW_UP_SOON_DAYS))
        .exclude(kube__status=KubeStatus.BUBAR)
    )
    reminders = []
    officers = None
    for follow_up in follow_ups:
        if follow_up.owner == FollowUpOwner.DINAS:
            officers = officers_by_city() if officers is None else officers
            recipients = officers.get(_city_code(follow_up.kube), [])
        elif follow_up.kube.facilitator is not None and follow_up.kube.facilitator.is_active:
            recipients = [follow_up.kube.facilitator_id]
        else:
            continue
        action = mask_text(" ".join(follow_up.action.split())).rstrip(".")
        values = {
            "kube": _kube_label(follow_up.kube),
            "due": _day(follow_up.due_on),
            "visit": _day(follow_up.visit.visited_on),
            "action": action if len(action) <= 120 else action[:119] + "…",
        }
        if follow_up.due_on < day:
            title = _("Tindak lanjut {kube} lewat batas waktu {due}").format(**values)
        else:
            title = _("Tindak lanjut {kube} jatuh tempo {due}").format(**values)
        body = _(
            "Tindak lanjut yang disepakati pada kunjungan {visit} ke {kube}: “{action}”. Batas waktunya {due}. "
            "Catat penyelesaiannya pada kunjungan berikutnya."
        ).format(**values)
        reminders += [
            Reminder(
                user_id=user_id,
                kind=Kind.FOLLOW_UP_DUE,
                key=f"{Kind.FOLLOW_UP_DUE}:{follow_up.pk}:{follow_up.due_on.isoformat()}",
                title=title,
                body=body,
                url=reverse("monitoring:visit_list", kwargs={"pk": follow_up.kube_id}),
                ref={"follow_up": follow_up.pk},
            )
            for user_id in recipients
        ]
    return reminders


def resolved_follow_ups(items: list[OpenItem], today: dt.date) -> set[int]:
    """Closed (or deleted), or no longer the user's to chase. One query."""
    still = {
        pk: (owner, facilitator_id)
        for pk, owner, facilitator_id in FollowUp.objects.filter(
            pk__in=_ids(items, "follow_up"), closed_on__isnull=True
        ).values_list("pk", "owner", "kube__facilitator_id")
    }
    done = set()
    for item in items:
        found = still.get(int(item.ref.get("follow_up", 0)))
        if found is None or (found[0] != FollowUpOwner.DINAS and found[1] != item.user_id):
            done.add(item.pk)
    return done


def collect_not_visited(day: dt.date) -> list[Reminder]:
    """Active groups with no visit in the monitoring period (KUBE_MONITORING_PERIOD_DAYS) ending
    on `day`, founded before the period began, to their facilitator. One query."""
    start = coverage_start(day)
    kubes = not_visited(Kube.objects.filter(_has_facilitator(), founded_on__lte=start), day)
    reminders = []
    for kube in kubes:
        last = kube.last_visit_on
        values = {"kube": _kube_label(kube), "days": period_days(), "date": _day(last) if last else ""}
        if last:
            body = _(
                "KUBE {kube} terakhir dikunjungi {date}, lebih dari {days} hari lalu. Jadwalkan kunjungan "
                "pemantauan dan catat hasilnya."
            ).format(**values)
        else:
            body = _(
                "KUBE {kube} belum pernah dikunjungi sejak tercatat. Jadwalkan kunjungan pemantauan dan catat hasilnya."
            ).format(**values)
        reminders.append(
            Reminder(
                user_id=kube.facilitator_id,
                kind=Kind.NOT_VISITED,
                key=f"{Kind.NOT_VISITED}:{kube.pk}:{last.isoformat() if last else '-'}",
                title=_("{kube} belum dikunjungi dalam {days} hari terakhir").format(**values),
                body=body,
                url=reverse("monitoring:visit_create", kwargs={"pk": kube.pk}),
                ref={"kube": kube.pk},
            )
        )
    return reminders


def resolved_not_visited(items: list[OpenItem], today: dt.date) -> set[int]:
    """Visited within the period ending today, no longer active, or another facilitator's. One query."""
    kubes = {
        kube.pk: kube
        for kube in Kube.objects.filter(pk__in=_ids(items, "kube")).annotate(last_visit_on=last_visit_on(today))
    }
    done = set()
    for item in items:
        kube = kubes.get(int(item.ref.get("kube", 0)))
        if (
            kube is None
            or kube.status != KubeStatus.AKTIF
            or kube.facilitator_id != item.user_id
            or is_covered(kube.last_visit_on, today)
        ):
            done.add(item.pk)
    return done


# --- Proposals waiting for the office --------------------------------------------------------------


def _submitted_proposals():
    return Proposal.objects.filter(status=ProposalStatus.DIAJUKAN).annotate(
        submitted_at=Max("decisions__decided_at", filter=Q(decisions__action=DecisionAction.DIAJUKAN))
    )


def _submitted_on(proposal: Proposal) -> dt.date:
    return timezone.localtime(proposal.submitted_at).date() if proposal.submitted_at else proposal.proposed_on


def collect_proposals(day: dt.date) -> list[Reminder]:
    """Proposals submitted more than 14 days ago and not yet decided, to every officer. Two queries."""
    reminders = []
    officers = None
    for proposal in _submitted_proposals().select_related("kelurahan").order_by("pk"):
        submitted_on = _submitted_on(proposal)
        if not rules.proposal_waits_too_long(submitted_on, day):
            continue
        officers = officers_by_city() if officers is None else officers
        waited = (day - submitted_on).days
        values = {"name": proposal.name, "code": proposal.code, "date": _day(submitted_on), "days": waited}
        reminders += [
            Reminder(
                user_id=user_id,
                kind=Kind.PROPOSAL_WAITING,
                key=f"{Kind.PROPOSAL_WAITING}:{proposal.pk}:{submitted_on.isoformat()}",
                title=_("Usulan {name} menunggu keputusan {days} hari").format(**values),
                body=_(
                    "Usulan KUBE {name} ({code}) diajukan {date} dan belum diputuskan setelah {days} hari. "
                    "Setujui, kembalikan atau tolak usulan itu."
                ).format(**values),
                url=proposal.get_absolute_url(),
                ref={"proposal": proposal.pk, "submitted_on": submitted_on.isoformat()},
            )
            for user_id in officers.get(proposal.kelurahan.city_code, [])
        ]
    return reminders


def resolved_proposals(items: list[OpenItem], today: dt.date) -> set[int]:
    """Decided (or returned), or submitted again since (a new reminder then counts anew). One query."""
    waiting = {
        p.pk: _submitted_on(p).isoformat() for p in _submitted_proposals().filter(pk__in=_ids(items, "proposal"))
    }
    return {
        item.pk for item in items if waiting.get(int(item.ref.get("proposal", 0))) != item.ref.get("submitted_on", "")
    }


# --- An officer's judgement to review ----------------------------------------------------------------


def _judged_on(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def collect_judgements(day: dt.date) -> list[Reminder]:
    """Each group's judgement in force (made on its latest assessment or carried to it,
    assessments.selectors.judgements_due_for_review) made more than 12 months before `day`,
    to every officer. Two queries."""
    stale = [
        latest.judgement_from
        for latest in judgements_due_for_review(day).select_related(
            "judgement_from__kube__kelurahan", "judgement_from__judged_by"
        )
        if latest.judgement_from is not None
    ]
    reminders = []
    officers = None
    for assessment in stale:
        judged_on = _judged_on(assessment.judged_at)
        if not rules.judgement_is_stale(judged_on, day):
            continue
        officers = officers_by_city() if officers is None else officers
        author = assessment.judged_by
        values = {
            "kube": _kube_label(assessment.kube),
            "category": assessment.get_final_category_display(),
            "date": _day(judged_on),
            "author": (author.get_full_name() or author.username) if author else _("petugas"),
            "months": rules.JUDGEMENT_MAX_MONTHS,
        }
        reminders += [
            Reminder(
                user_id=user_id,
                kind=Kind.JUDGEMENT_REVIEW,
                key=f"{Kind.JUDGEMENT_REVIEW}:{assessment.kube_id}:{judged_on.isoformat()}",
                title=_("Keputusan kategori {kube} perlu ditinjau").format(**values),
                body=_(
                    "Kategori akhir {category} untuk {kube} ditetapkan {author} pada {date}, lebih dari {months} "
                    "bulan lalu. Tinjau dan tetapkan lagi keputusan itu pada penilaian terbaru."
                ).format(**values),
                url=reverse("assessments:kube_assessments", kwargs={"pk": assessment.kube_id}),
                ref={"kube": assessment.kube_id, "judged_on": judged_on.isoformat()},
            )
            for user_id in officers.get(_city_code(assessment.kube), [])
        ]
    return reminders


def resolved_judgements(items: list[OpenItem], today: dt.date) -> set[int]:
    """An officer judged the group again since, or it was dissolved. One query."""
    kubes = {
        pk: (status, last)
        for pk, status, last in Kube.objects.filter(pk__in=_ids(items, "kube"))
        .annotate(last=Max("assessments__judged_at"))
        .values_list("pk", "status", "last")
    }
    done = set()
    for item in items:
        status, last = kubes.get(int(item.ref.get("kube", 0)), (None, None))
        if status in (None, KubeStatus.BUBAR) or (
            last and _judged_on(last).isoformat() > item.ref.get("judged_on", "")
        ):
            done.add(item.pk)
    return done


# --- The officers' weekly summary ---------------------------------------------------------------------


def category_moves(day: dt.date, days: int = 7, *, kubes=None) -> tuple[int, int]:
    """Groups (of `kubes`, default all) whose final category on `day` differs from the one `days`
    earlier: (up, down). One query."""
    before = day - dt.timedelta(days=days)
    moved = (
        (Kube.objects.all() if kubes is None else kubes)
        .exclude(status=KubeStatus.BUBAR)
        .alias(
            category_now=latest_assessment("final_category", on=day),
            category_before=latest_assessment("final_category", on=before),
        )
        .annotate(rank_now=category_rank("category_now"), rank_then=category_rank("category_before"))
        .aggregate(
            up=Count("pk", filter=Q(rank_now__gt=F("rank_then"))),
            down=Count("pk", filter=Q(rank_now__lt=F("rank_then"))),
        )
    )
    return moved["up"], moved["down"]


def collect_weekly_summary(day: dt.date) -> list[Reminder]:
    """On Mondays, to every officer: their city's completeness last month and the groups that moved
    category. Three queries per city with officers."""
    if not rules.is_summary_day(day):
        return []
    period = last_complete_month(day)
    reminders = []
    for city_code, officers in sorted(officers_by_city().items()):
        kubes = Kube.objects.in_area(Area(AreaLevel.KOTA, city_code))
        total = completeness_total(completeness_by_facilitator(period, kubes=kubes), period)
        up, down = category_moves(day, kubes=kubes)
        values = {
            "month": period_label(period),
            "submitted": total.submitted,
            "expected": total.expected,
            "percent": total.completeness if total.completeness is not None else 0,
            "on_time": total.on_time,
            "moved": up + down,
            "up": up,
            "down": down,
            "date": _day(day),
        }
        body = _(
            "Kelengkapan laporan {month}: {submitted} dari {expected} KUBE aktif ({percent}%), {on_time} tepat "
            "waktu. Dalam 7 hari terakhir {moved} KUBE berpindah kategori: {up} naik, {down} turun."
        ).format(**values)
        reminders += [
            Reminder(
                user_id=user_id,
                kind=Kind.WEEKLY_SUMMARY,
                key=f"{Kind.WEEKLY_SUMMARY}:{rules.week_key(day)}",
                title=_("Ringkasan mingguan {date}").format(**values),
                body=body,
                url=f"{reverse('finances:completeness')}?bulan={period_key(period)}",
                ref={"week": rules.week_key(day)},
            )
            for user_id in officers
        ]
    return reminders


RULES: tuple[ReminderRule, ...] = (
    ReminderRule((Kind.REPORT_DUE, Kind.REPORT_OVERDUE), collect_reports, resolved_reports),
    ReminderRule((Kind.REPORTS_MISSING,), lambda day: [], resolved_missing_lists),  # collected with the reports
    ReminderRule((Kind.REPORT_RETURNED,), collect_returned, resolved_returned),
    ReminderRule((Kind.LOAN_OVERDUE,), collect_loans, resolved_loans),
    ReminderRule((Kind.FOLLOW_UP_DUE,), collect_follow_ups, resolved_follow_ups),
    ReminderRule((Kind.NOT_VISITED,), collect_not_visited, resolved_not_visited),
    ReminderRule((Kind.PROPOSAL_WAITING,), collect_proposals, resolved_proposals),
    ReminderRule((Kind.JUDGEMENT_REVIEW,), collect_judgements, resolved_judgements),
    ReminderRule((Kind.WEEKLY_SUMMARY,), collect_weekly_summary),
)

# The kinds a facilitator may receive, and the office's (the preferences page offers these).
FACILITATOR_KINDS = (
    Kind.REPORT_DUE,
    Kind.REPORT_OVERDUE,
    Kind.REPORT_RETURNED,
    Kind.LOAN_OVERDUE,
    Kind.FOLLOW_UP_DUE,
    Kind.NOT_VISITED,
)
OFFICER_KINDS = (
    Kind.REPORTS_MISSING,
    Kind.FOLLOW_UP_DUE,
    Kind.PROPOSAL_WAITING,
    Kind.JUDGEMENT_REVIEW,
    Kind.WEEKLY_SUMMARY,
)


def reminders_for(day: dt.date) -> list[Reminder]:
    """Every reminder due on `day`, all kinds."""
    return [reminder for rule in RULES for reminder in rule.collect(day)]


def resolution_checks() -> dict[str, Callable[[list[OpenItem], dt.date], set[int]]]:
    """kind -> the check telling which open reminders of that kind lost their cause."""
    return {kind: rule.resolved for rule in RULES if rule.resolved for kind in rule.kinds}
