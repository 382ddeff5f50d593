"""Writes: running the rubric and storing results, officers' judgement, thresholds.

Decisions stand until revisited. An officer's judgement (final category and reason) is
made on one assessment; the group's later assessments carry it (`final_category` and
`override_reason` copied, `judgement_from` pointing to the judged assessment) until an
officer judges a later one. The rule lives here, in two places that keep it:
`assessment_run_all` (a new or re-run assessment takes the latest judgement on or before
its date) and `assessment_judge` (a judgement is carried to the later assessments up to
the next judgement). The rubric's own category stays in `computed_category`.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groups.models import Kube
from kube_registry.versioning import version_bump, version_check

from . import rubric
from .facts import gather
from .models import JUDGEMENT_FIELDS, Assessment, Category, ThresholdSetting
from .selectors import thresholds_current

BATCH = 1_000

COMPUTED_FIELDS = [
    "computed_category",
    "score",
    "score_breakdown",
    "indicators",
    "flags",
    "missing",
    "rubric_version",
    "thresholds",
    "is_inactive",
    "is_at_risk",
    "assessed_by",
    "assessed_at",
]
# What a judgement gives its later assessments (scores and notes belong to its own date).
CARRIED_FIELDS = ["final_category", "override_reason", "judgement_from"]


def _stored(kube_id: int, result: rubric.Result, thresholds: rubric.Thresholds, actor, now) -> Assessment:
    return Assessment(
        kube_id=kube_id,
        as_of=result.as_of,
        computed_category=result.category,
        final_category=result.category,
        score=result.score,
        score_breakdown={key: str(value) for key, value in result.score_breakdown.items()},
        indicators=[asdict(i) for i in result.indicators],
        flags=[asdict(f) for f in result.flags],
        missing=result.missing,
        rubric_version=result.rubric_version,
        thresholds=thresholds.as_dict(),
        is_inactive=any(f.key == rubric.FLAG_INACTIVE for f in result.flags),
        is_at_risk=any(f.key == rubric.FLAG_AT_RISK for f in result.flags),
        assessed_by=actor,
        assessed_at=now,
    )


def _judgements_in_force(kubes: QuerySet[Kube], as_of: dt.date) -> dict[int, tuple[int, str, str]]:
    """Per group of `kubes`, the latest judged assessment on or before `as_of`: (pk, final category, reason).

    One query. A judgement made on `as_of` itself is the group's own and stays.
    """
    judged = Assessment.objects.filter(judged_at__isnull=False, as_of__lte=as_of)
    latest = judged.filter(kube=OuterRef("kube")).order_by("-as_of").values("pk")[:1]
    rows = judged.filter(kube__in=kubes.order_by().values("pk"), pk=Subquery(latest)).values_list(
        "kube_id", "pk", "final_category", "override_reason"
    )
    return {kube_id: (pk, final, reason) for kube_id, pk, final, reason in rows}


def assessment_run_all(
    *,
    kubes: QuerySet[Kube],
    as_of: dt.date,
    actor=None,
    progress: Callable[[int, int], None] | None = None,
) -> Counter:
    """Assess every group in `kubes` founded by `as_of`, store the results, count them by computed category.

    Re-running for a date replaces that date's computed results; an officer's judgement
    made on that date stays as it was. A group judged on an earlier date carries that
    judgement's final category and reason (module docstring).
    """
    thresholds = thresholds_current()
    facts = gather(kubes, as_of, thresholds)
    now = timezone.now()
    counts: Counter = Counter({c: 0 for c in Category.values})
    rows = []
    # Evidence lines are stored in Indonesian, whoever runs the assessment.
    with translation.override("id"):
        for kube_id, group_facts in facts.items():
            result = rubric.assess(group_facts, thresholds)
            counts[result.category] += 1
            rows.append(_stored(kube_id, result, thresholds, actor, now))
    with transaction.atomic():
        # The judgement in force (made on this date, or carried from an earlier one) gives the
        # final category; without one it follows the rubric.
        in_force = _judgements_in_force(kubes, as_of)
        for row in rows:
            if row.kube_id in in_force:
                row.judgement_from_id, row.final_category, row.override_reason = in_force[row.kube_id]
        for start in range(0, len(rows), BATCH):
            Assessment.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["kube", "as_of"],
                update_fields=[*COMPUTED_FIELDS, *CARRIED_FIELDS],
            )
            if progress:
                progress(min(start + BATCH, len(rows)), len(rows))
    return counts


def assessment_run(*, kube: Kube, as_of: dt.date, actor=None) -> Assessment:
    """Assess one group as of `as_of` (as `assessment_run_all` does) and return its stored result."""
    assessment_run_all(kubes=Kube.objects.filter(pk=kube.pk), as_of=as_of, actor=actor)
    return Assessment.objects.get(kube=kube, as_of=as_of)


@transaction.atomic
def assessment_judge(
    *,
    assessment: Assessment,
    actor,
    scores: dict[str, int | None],
    notes: str,
    final_category: str,
    reason: str,
    version: int | None = None,
) -> Assessment:
    """An officer's scores and final category. A category other than the computed one needs a reason.

    The final category and reason are carried to the group's later assessments, up to the
    next one an officer judged; they replace whatever those carried before.
    """
    # The group's assessments are locked together: a judgement decides what the later ones carry.
    list(Assessment.objects.select_for_update().filter(kube_id=assessment.kube_id).values_list("pk"))
    assessment = Assessment.objects.get(pk=assessment.pk)
    judged = (*JUDGEMENT_FIELDS, "judgement_notes", "final_category", "override_reason")
    version_check(assessment, version, actor=actor, fields=judged)
    reason = reason.strip()
    if final_category not in Category.values:
        raise ValidationError({"final_category": _("Pilih kategori akhir: tumbuh, berkembang atau mandiri.")})
    if final_category != assessment.computed_category and not reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "Tuliskan alasan: kategori akhir %(final)s berbeda dari hasil rubrik %(computed)s."
                )
                % {"final": final_category, "computed": assessment.computed_category}
            }
        )
    for name in JUDGEMENT_FIELDS:
        setattr(assessment, name, scores.get(name))
    assessment.judgement_notes = notes.strip()
    assessment.final_category = final_category
    assessment.override_reason = reason
    assessment.judged_by = actor
    assessment.judged_at = timezone.now()
    assessment.judgement_from = assessment
    assessment._change_reason = reason or _("Penilaian petugas")
    version_bump(assessment)
    assessment._history_user = actor
    assessment.full_clean()
    assessment.save()
    _carry_forward(assessment)
    return assessment


def _carry_forward(judged: Assessment) -> int:
    """Give `judged`'s final category and reason to the group's later assessments before its next judgement.

    A bulk update: like the rubric's runs, a carry leaves no history record and no new
    version (the history and versions track officers' own saves of a row).
    """
    later = Assessment.objects.filter(kube_id=judged.kube_id, as_of__gt=judged.as_of)
    next_judged = later.filter(judged_at__isnull=False).order_by("as_of").values_list("as_of", flat=True).first()
    if next_judged is not None:
        later = later.filter(as_of__lt=next_judged)
    return later.filter(judged_at__isnull=True).update(
        final_category=judged.final_category, override_reason=judged.override_reason, judgement_from=judged
    )


@transaction.atomic
def thresholds_update(*, values: dict[str, int], actor, version: int | None = None) -> ThresholdSetting:
    """Store new thresholds; they apply to assessments run from now on.

    `version` is the one the form was read at (0: none stored yet; None: not checked).
    """
    thresholds = rubric.Thresholds.from_dict(values)
    setting, created = ThresholdSetting.objects.select_for_update().get_or_create(pk=1)
    if not created:
        version_check(setting, version, actor=actor, fields=["values"])
        version_bump(setting)
    setting.values = thresholds.as_dict()
    setting.changed_by = actor
    setting.save()
    return setting
