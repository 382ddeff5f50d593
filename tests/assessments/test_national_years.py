"""The dashboard's years (issue 19, part 3): read from the as-of index, the same as the plain `dates()`."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.dashboard.selectors import assessment_years
from assessments.models import Assessment
from groups.models import Kube
from tests.factories import KubeFactory


def _plain(kubes=None) -> list[int]:
    assessments = Assessment.objects.all() if kubes is None else Assessment.objects.filter(kube__in=kubes)
    return [day.year for day in assessments.dates("as_of", "year")]


def _assess(kube, day: dt.date) -> None:
    Assessment.objects.create(
        kube=kube,
        as_of=day,
        computed_category="tumbuh",
        final_category="tumbuh",
        score=10,
        rubric_version="v1",
        assessed_at=timezone.now(),
    )


def test_no_assessment_no_year(db):
    assert assessment_years(Kube.objects.all()) == _plain() == []


@pytest.mark.parametrize(
    "days",
    [
        [dt.date(2024, 6, 30)],
        [dt.date(2019, 1, 1), dt.date(2019, 12, 31), dt.date(2022, 12, 31), dt.date(2025, 3, 1)],  # years between
        [dt.date(2020, 12, 31), dt.date(2021, 1, 1), dt.date(2023, 12, 31)],
    ],
)
def test_the_years_are_the_plain_ones(facilitator, days):
    kubes = [KubeFactory(facilitator=facilitator, name=f"KUBE Tahun {n}") for n in range(2)]
    for n, day in enumerate(days):
        _assess(kubes[n % 2], day)
    assert assessment_years(Kube.objects.all()) == _plain()
    assert assessment_years(Kube.objects.all()) == sorted({day.year for day in days})
    # The years of some groups only (a user's area): theirs, not the others'.
    some = Kube.objects.filter(pk=kubes[0].pk)
    assert assessment_years(some) == _plain(some) == sorted({day.year for day in days[::2]})


def test_two_queries_however_many_years(facilitator, django_assert_num_queries):
    kube = KubeFactory(facilitator=facilitator)
    for year in range(2010, 2026, 3):
        _assess(kube, dt.date(year, 12, 31))
    plain = _plain()
    with django_assert_num_queries(2):
        assert assessment_years(Kube.objects.all()) == plain
