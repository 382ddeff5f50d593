"""The covering index for "a group's latest assessment" (issue 19, part 3).

Reading the index alone must answer what the plain reading answers: each group's
latest assessment on or before a date, its category, score and flags, compared with the
same thing computed in Python from every assessment. On PostgreSQL the index is there
with its included columns (whether the planner reads it depends on the table's size and
statistics; the national benchmark shows it does at national size).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from assessments.dashboard.selectors import counts_by_category
from assessments.models import Assessment, latest_assessment
from groups.models import Kube
from tests.factories import KubeFactory

DATES = [dt.date(2023, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 6, 30)]
CATEGORIES = ["tumbuh", "berkembang", "mandiri"]


@pytest.fixture
def assessed(facilitator):
    """Five groups: one never assessed, the others on some of DATES, each date another category."""
    now = timezone.now()
    for n in range(5):
        kube = KubeFactory(facilitator=facilitator, name=f"KUBE Indeks {n}", founded_on=dt.date(2020, 1, 1))
        for d, day in enumerate(DATES[: n % 4]):
            category = CATEGORIES[(n + d) % 3]
            Assessment.objects.create(
                kube=kube,
                as_of=day,
                computed_category=category,
                final_category=category,
                score=Decimal(f"{10 * n + d}.5"),
                rubric_version="v1",
                is_at_risk=(n + d) % 2 == 0,
                assessed_at=now,
            )


def _plain(day: dt.date) -> dict[int, tuple | None]:
    """Each group's latest assessment on or before `day`, by reading them all."""
    latest: dict[int, Assessment | None] = dict.fromkeys(Kube.objects.values_list("pk", flat=True))
    for a in Assessment.objects.filter(as_of__lte=day):
        if latest[a.kube_id] is None or a.as_of > latest[a.kube_id].as_of:
            latest[a.kube_id] = a
    return {pk: (a.pk, a.final_category, a.score, a.is_at_risk) if a is not None else None for pk, a in latest.items()}


@pytest.mark.parametrize("day", [dt.date(2023, 1, 1), *DATES, dt.date(2026, 1, 1)])
def test_the_latest_assessment_is_the_plain_one(assessed, day):
    rows = Kube.objects.annotate(
        a_pk=latest_assessment("pk", on=day),
        a_category=latest_assessment("final_category", on=day),
        a_score=latest_assessment("score", on=day),
        a_risk=latest_assessment("is_at_risk", on=day),
    ).values_list("pk", "a_pk", "a_category", "a_score", "a_risk")
    found = {pk: (a_pk, category, score, risk) if a_pk else None for pk, a_pk, category, score, risk in rows}
    assert found == _plain(day)
    counts = counts_by_category(Kube.objects.all(), day)
    plain = _plain(day).values()
    assert counts[""] == sum(1 for a in plain if a is None)
    for category in CATEGORIES:
        assert counts[category] == sum(1 for a in plain if a is not None and a[1] == category)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's")
def test_the_index_covers_what_the_subqueries_read(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'assessment_latest_covering'")
        (definition,) = cursor.fetchone()
        assert "(kube_id, as_of DESC) INCLUDE (final_category, score, is_at_risk, is_inactive, id)" in definition
