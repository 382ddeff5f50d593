"""The demo city's assessments, built by `seed_demo` after the reports and partnerships exist.

Every group is assessed as of each 31 December the demo's reports fully cover, and as
of the demo's "today" (the last day of the last complete month, as the other
builders use, so the same seed gives the same results within a month). KUBE Mekar
Sari, whose real history starts in 2014, is assessed at every year's end since its
founding. The city declared it mandiri in 2017 (BRIEF.md); where the rubric finds
otherwise for 31 December 2017, that decision is recorded as an officer's judgement
with its reason, beside the computed category (ASSESSMENT.md, "Reference case"). It is
recorded after every date is assessed, so, as for any judgement, the group's later
assessments carry it: mandiri from 2017 on, the rubric's category shown beside.
"""

import datetime as dt

from finances.periods import add_months, month_start
from groups.demo import DemoContext
from groups.models import Kube

from . import rubric
from .demo_data import (
    MEKAR_SARI_DECLARED_ON,
    MEKAR_SARI_NOTES,
    MEKAR_SARI_REASON,
    MEKAR_SARI_SCORES,
)
from .models import Assessment
from .selectors import assessable_kubes
from .services import assessment_judge, assessment_run_all


def city_dates(ctx: DemoContext) -> list[dt.date]:
    """Each 31 December whose whole year has demo reports, then the demo's today."""
    today = ctx.today
    first_report = add_months(month_start(today), -(12 * ctx.years - 1)) if ctx.years else month_start(today)
    first_year = first_report.year + (first_report.month > 1)
    dates = [dt.date(year, 12, 31) for year in range(first_year, today.year + 1) if dt.date(year, 12, 31) < today]
    return [*dates, today]


def mekar_sari_dates(ctx: DemoContext, taken: list[dt.date]) -> list[dt.date]:
    """Mekar Sari's year ends since its founding that the city-wide runs leave out."""
    founded = ctx.mekar_sari.founded_on
    return [
        dt.date(year, 12, 31)
        for year in range(founded.year, ctx.today.year + 1)
        if dt.date(year, 12, 31) <= ctx.today and dt.date(year, 12, 31) not in taken
    ]


def build_assessments(ctx: DemoContext) -> dict[str, int]:
    """Assessments for every group at the demo's dates, and Mekar Sari's 2017 judgement (carried to its later ones)."""
    dates = city_dates(ctx)
    for as_of in dates:
        assessment_run_all(kubes=assessable_kubes(), as_of=as_of, actor=ctx.officer)
    mekar_sari = Kube.objects.filter(pk=ctx.mekar_sari.pk)
    for as_of in mekar_sari_dates(ctx, dates):
        assessment_run_all(kubes=mekar_sari, as_of=as_of, actor=ctx.officer)
    declared = Assessment.objects.filter(kube=ctx.mekar_sari, as_of=MEKAR_SARI_DECLARED_ON).first()
    judgements = 0
    if declared is not None and declared.computed_category != rubric.MANDIRI:
        assessment_judge(
            assessment=declared,
            actor=ctx.officer,
            scores=MEKAR_SARI_SCORES,
            notes=MEKAR_SARI_NOTES,
            final_category=rubric.MANDIRI,
            reason=MEKAR_SARI_REASON,
        )
        judgements = 1
    return {"penilaian": Assessment.objects.count(), "penilaian petugas": judgements}
