"""Writes: running the rubric and storing results, officers' judgement, thresholds."""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
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


def assessment_run_all(
    *,
    kubes: QuerySet[Kube],
    as_of: dt.date,
    actor=None,
    progress: Callable[[int, int], None] | None = None,
) -> Counter:
    """Assess every group in `kubes` founded by `as_of`, store the results, count them by category.

    Re-running for a date replaces that date's computed results; an officer's final
    category and judgement stay as they were.
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
        # An officer's final category for this date stays; everywhere else it follows the rubric.
        # (The reason is copied too: the database checks the proposed row before the conflict.)
        overridden = {
            kube_id: (final, reason)
            for kube_id, final, reason in Assessment.objects.filter(as_of=as_of, kube__in=kubes.order_by().values("pk"))
            .exclude(override_reason="")
            .values_list("kube_id", "final_category", "override_reason")
        }
        for row in rows:
            row.final_category, row.override_reason = overridden.get(row.kube_id, (row.final_category, ""))
        for start in range(0, len(rows), BATCH):
            Assessment.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["kube", "as_of"],
                update_fields=[*COMPUTED_FIELDS, "final_category"],
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
    """An officer's scores and final category. A category other than the computed one needs a reason."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
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
    assessment._change_reason = reason or _("Penilaian petugas")
    version_bump(assessment)
    assessment._history_user = actor
    assessment.full_clean()
    assessment.save()
    return assessment


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
