"""Reads for a group's assessments: the profile panel, the history page, one assessment.

Each function answers one block of a page with a fixed number of queries; the stored
JSON (indicators, flags, score breakdown) is turned into rows with Indonesian labels
here, so templates only lay them out.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finances.periods import add_months
from groups.models import Kube, KubeStatus
from groups.selectors import kube_queryset

from . import rubric
from .models import DYNAMICS_ASPECTS, INDEPENDENCE_FACTORS, JUDGEMENT_FIELDS, Assessment, Category, ThresholdSetting
from .thresholds import SPECS

INDICATOR_LABELS = rubric.INDICATOR_LABELS
# An indicator's level in words, with the badge it wears.
LEVELS = {
    0: (_("belum"), "text-bg-danger"),
    1: (_("dasar"), "text-bg-warning"),
    2: (_("baik"), "text-bg-success"),
}
FLAG_LABELS = {rubric.FLAG_INACTIVE: _("Tidak aktif"), rubric.FLAG_AT_RISK: _("Berisiko")}
CATEGORY_LABELS = dict(Category.choices)

# The profile shows the latest assessments; the history page shows them all.
PROFILE_HISTORY = 5


def thresholds_current() -> rubric.Thresholds:
    """The thresholds assessments run with now: the stored ones, else the rubric's defaults."""
    setting = ThresholdSetting.objects.filter(pk=1).first()
    return setting.thresholds() if setting else rubric.Thresholds()


def assessable_kubes() -> QuerySet[Kube]:
    """Every group but the dissolved ones: a dissolved group has no category to move to."""
    return Kube.objects.exclude(status=KubeStatus.BUBAR)


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    label: str
    level: int | None  # None: usia, which has no level
    level_word: str
    badge: str
    evidence: str
    points: Decimal | None
    weight: int | None


@dataclass(frozen=True)
class FlagRow:
    key: str
    label: str
    reasons: list[str]


def indicator_rows(assessment: Assessment) -> list[IndicatorRow]:
    """The stored indicators in the rubric's order, each with its share of the score."""
    thresholds = assessment.used_thresholds()
    rows = []
    for item in assessment.indicators:
        key, level = item["key"], item.get("level")
        word, badge = LEVELS.get(level, ("", ""))
        points = assessment.score_breakdown.get(key)
        rows.append(
            IndicatorRow(
                key=key,
                label=str(INDICATOR_LABELS.get(key, key)),
                level=level,
                level_word=str(word),
                badge=badge,
                evidence=item.get("evidence", ""),
                points=Decimal(points) if points is not None else None,
                weight=thresholds.weight(key) if key in rubric.SCORED_INDICATORS else None,
            )
        )
    return rows


def flag_rows(assessment: Assessment) -> list[FlagRow]:
    return [
        FlagRow(key=f["key"], label=str(FLAG_LABELS.get(f["key"], f["key"])), reasons=list(f.get("reasons", [])))
        for f in assessment.flags
    ]


def next_category_label(assessment: Assessment) -> str:
    """The category the `missing` lines lead to ("" for a group the rubric finds mandiri)."""
    following = rubric.NEXT_CATEGORY.get(assessment.computed_category)
    return str(CATEGORY_LABELS[following]).lower() if following else ""


@dataclass(frozen=True)
class AssessmentSummary:
    """What the profile and the detail page show of one assessment."""

    assessment: Assessment
    indicators: list[IndicatorRow]
    flags: list[FlagRow]
    next_category: str


def assessment_summary(assessment: Assessment) -> AssessmentSummary:
    """No query: everything is in the stored row (and the people and judgement `_with_people` selects)."""
    return AssessmentSummary(
        assessment=assessment,
        indicators=indicator_rows(assessment),
        flags=flag_rows(assessment),
        next_category=next_category_label(assessment),
    )


MSG_DISSOLVED = _("KUBE yang sudah bubar tidak dinilai lagi.")
MSG_NOT_FOUNDED = _("KUBE ini belum berdiri pada tanggal tersebut.")


def assess_now_refusal(kube: Kube, today: dt.date) -> str:
    """Why the group cannot be assessed as of `today` ("" if it can); as the `assess` command sees it."""
    if kube.status == KubeStatus.BUBAR:
        return str(MSG_DISSOLVED)
    if kube.founded_on > today:
        return str(MSG_NOT_FOUNDED)
    return ""


def _with_people(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Who ran and who judged each assessment, and the judgement in force (carried: its date and author)."""
    return queryset.select_related("judged_by", "assessed_by", "judgement_from", "judgement_from__judged_by")


def kube_assessments(kube: Kube, *, limit: int | None = None) -> list[Assessment]:
    """The group's assessments, newest first, with who ran and who judged them; one query."""
    queryset = _with_people(Assessment.objects.filter(kube=kube).order_by("-as_of"))
    return list(queryset[:limit] if limit else queryset)


def assessment_queryset(user) -> QuerySet[Assessment]:
    """Assessments of the groups `user` may see (a facilitator: their own groups only)."""
    visible = kube_queryset(user).order_by().values("pk")
    return _with_people(Assessment.objects.filter(kube__in=visible).select_related("kube"))


# A judgement in force for longer than this is due for an officer's review.
JUDGEMENT_REVIEW_MONTHS = 12


def judgements_due_for_review(today: dt.date, *, kubes: QuerySet[Kube] | None = None) -> QuerySet[Assessment]:
    """Groups whose judgement in force is older than 12 months on `today`: one query, oldest judgement first.

    For the reminders ("tinjau kembali keputusan petugas"). One row per group: the group's
    latest assessment on or before `today` (`a`), whose final category is an officer's
    judgement made more than `JUDGEMENT_REVIEW_MONTHS` months ago, carried or made on `a`
    itself. The judgement is `a.judgement_from`: its `as_of` (the assessment it was made
    on), `judged_at` (when; what "older" measures), `judged_by`, `final_category` and
    `override_reason`; `a.kube` is the group. The officer revisits it by judging `a`
    (`reverse("assessments:judge", kwargs={"pk": a.pk})`); from then on the group is no
    longer listed until that judgement ages in turn. A group assessed again since keeps
    its judgement (it is carried), so it stays listed.

    Exactly 12 months is not yet older: judged on 15 June 2024, due from 16 June 2025.
    `kubes` narrows the groups (default: every group but the dissolved ones, which are no
    longer assessed).
    """
    since = add_months(today, -JUDGEMENT_REVIEW_MONTHS)
    cutoff = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    kubes = assessable_kubes() if kubes is None else kubes
    return (
        Assessment.objects.latest_per_kube(on=today)
        .filter(kube__in=kubes.order_by().values("pk"), judgement_from__judged_at__lt=cutoff)
        .select_related("kube", "judgement_from", "judgement_from__judged_by")
        .order_by("judgement_from__judged_at", "kube__name")
    )


@dataclass(frozen=True)
class JudgementStep:
    """One save of an officer's judgement: who, when, the final category and what changed."""

    at: dt.datetime
    user: str
    final_category: str
    computed_category: str
    reason: str
    changes: list[tuple[str, str, str]]  # (label, before, after)

    @property
    def is_override(self) -> bool:
        return self.final_category != self.computed_category

    @property
    def final_label(self) -> str:
        return str(CATEGORY_LABELS[self.final_category])

    @property
    def computed_label(self) -> str:
        return str(CATEGORY_LABELS[self.computed_category]).lower()


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _score_text(value) -> str:
    return "—" if value in (None, "") else str(value)


_JUDGEMENT_LABELS = dict(INDEPENDENCE_FACTORS + DYNAMICS_ASPECTS)


def judgement_history(assessment: Assessment) -> list[JudgementStep]:
    """Every saved judgement of the assessment, newest first; one query.

    Judgements are the only saves of an assessment that leave a history record (the
    rubric's runs are bulk writes), so each record is one officer's decision.
    """
    records = list(
        assessment.history.select_related("judged_by", "history_user").order_by("history_date", "history_id")
    )
    steps = []
    for previous, record in pairwise([None, *records]):
        changes = []
        if previous is None or previous.final_category != record.final_category:
            before = CATEGORY_LABELS.get(previous.final_category, "") if previous else ""
            changes.append((str(_("Kategori akhir")), str(before), str(CATEGORY_LABELS[record.final_category])))
        for name in JUDGEMENT_FIELDS:
            old = getattr(previous, name) if previous else None
            new = getattr(record, name)
            if old != new:
                changes.append((str(_JUDGEMENT_LABELS[name]), _score_text(old) if previous else "", _score_text(new)))
        if previous is not None and previous.judgement_notes != record.judgement_notes:
            changes.append((str(_("Catatan")), "", record.judgement_notes or "—"))
        elif previous is None and record.judgement_notes:
            changes.append((str(_("Catatan")), "", record.judgement_notes))
        steps.append(
            JudgementStep(
                at=record.judged_at or record.history_date,
                user=_user_name(record.judged_by or record.history_user),
                final_category=record.final_category,
                computed_category=record.computed_category,
                reason=record.override_reason,
                changes=changes,
            )
        )
    return list(reversed(steps))


@dataclass(frozen=True)
class JudgementScore:
    label: str
    value: int | None


def judgement_scores(assessment: Assessment) -> tuple[list[JudgementScore], list[JudgementScore]]:
    """The six independence factors and the five group-dynamics aspects, as scored (None: not yet)."""

    def scores(pairs) -> list[JudgementScore]:
        return [JudgementScore(str(label), getattr(assessment, name)) for name, label in pairs]

    return scores(INDEPENDENCE_FACTORS), scores(DYNAMICS_ASPECTS)


# --- The thresholds page ---------------------------------------------------------------------


def threshold_setting() -> ThresholdSetting | None:
    """The stored thresholds with who changed them last; None while the defaults apply."""
    return ThresholdSetting.objects.select_related("changed_by").filter(pk=1).first()


def threshold_history(limit: int = 50) -> list[dict]:
    """The latest changes, newest first: when, by whom, and each value that changed. One query.

    Records that changed no value (the row's creation, a save of the same values) are left out.
    """
    records = list(ThresholdSetting.history.select_related("changed_by").order_by("history_date", "history_id"))
    labels = {name: spec.label for name, spec in SPECS.items()}
    before = rubric.Thresholds().as_dict()
    entries = []
    for record in records:
        after = rubric.Thresholds.from_dict(record.values).as_dict()
        changes = [(labels[name], before[name], after[name]) for name in SPECS if before[name] != after[name]]
        who = record.changed_by
        if changes:  # the row's creation stores the defaults it was created with
            entries.append(
                {
                    "at": record.history_date,
                    "user": (who.get_full_name() or who.username) if who else "",
                    "changes": changes,
                }
            )
        before = after
    return entries[::-1][:limit]
