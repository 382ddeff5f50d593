"""The demo city's assessments: every group at the demo's dates, Mekar Sari's history and its 2017 judgement,
carried to its later assessments."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from assessments.demo import MEKAR_SARI_REASON, city_dates
from assessments.models import Assessment
from groups.demo import MEKAR_SARI_NUMBER, DemoContext
from groups.models import Kube, KubeStatus

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 09:00"  # the demo's today: 28 February 2025


def seed(*, groups: int, years: int) -> str:
    out = StringIO()
    with freeze_time(NOW):
        call_command(
            "seed_demo", "--groups", str(groups), "--years", str(years), "--password", "uji-demo-123", stdout=out
        )
    return out.getvalue()


def context(*, years: int, today: dt.date) -> DemoContext:
    return DemoContext(seed=1, years=years, today=today, admin=None, officer=None, facilitators=[], mekar_sari=None)


def test_city_dates_are_the_year_ends_the_reports_cover_and_today():
    today = dt.date(2026, 10, 31)
    # three years of reports from November 2023: 2023 is not covered whole
    assert city_dates(context(years=3, today=today)) == [dt.date(2024, 12, 31), dt.date(2025, 12, 31), today]
    assert city_dates(context(years=0, today=today)) == [today]
    year_end = dt.date(2025, 12, 31)
    assert city_dates(context(years=1, today=year_end)) == [year_end]
    assert city_dates(context(years=2, today=year_end)) == [dt.date(2024, 12, 31), year_end]


def test_mekar_sari_is_tumbuh_in_2014_never_computed_mandiri_and_declared_mandiri_in_2017():
    summary = seed(groups=0, years=1)
    kube = Kube.objects.get(no_registrasi=MEKAR_SARI_NUMBER)
    assessments = {a.as_of: a for a in Assessment.objects.filter(kube=kube)}
    assert sorted(assessments) == [*(dt.date(year, 12, 31) for year in range(2014, 2025)), dt.date(2025, 2, 28)]
    assert assessments[dt.date(2014, 12, 31)].computed_category == "tumbuh"  # under a year old
    assert assessments[dt.date(2014, 12, 31)].final_category == "tumbuh"
    assert all(a.computed_category != "mandiri" for a in assessments.values())  # no finance institution
    declared = assessments[dt.date(2017, 12, 31)]
    assert (declared.computed_category, declared.final_category) == ("berkembang", "mandiri")
    assert (
        declared.override_reason == MEKAR_SARI_REASON == "Ditetapkan mandiri oleh Dinas Sosial Kota Bontang pada 2017"
    )
    assert declared.judged_by.username == "petugas" and declared.factor_network == 5
    assert [r.final_category for r in declared.history.all()] == ["mandiri"]
    # before the decision the rubric's category; from 2018 on the decision stands, carried
    assert all(a.final_category == a.computed_category for day, a in assessments.items() if day < declared.as_of)
    later = [a for day, a in sorted(assessments.items()) if day > declared.as_of]
    assert [a.as_of for a in later] == [*(dt.date(year, 12, 31) for year in range(2018, 2025)), dt.date(2025, 2, 28)]
    for a in later:
        assert (a.final_category, a.override_reason, a.judgement_from) == ("mandiri", MEKAR_SARI_REASON, declared)
        assert a.is_carried and a.judged_at is None and a.factor_network is None
    assert "12 penilaian, 1 penilaian petugas" in summary


def test_every_group_is_assessed_at_the_demo_dates():
    summary = seed(groups=12, years=3)
    # reports from March 2022: 2023 and 2024 are covered whole
    dates = [dt.date(2023, 12, 31), dt.date(2024, 12, 31), dt.date(2025, 2, 28)]
    groups = Kube.objects.exclude(no_registrasi=MEKAR_SARI_NUMBER).exclude(status=KubeStatus.BUBAR)
    for kube in groups:
        expected = [d for d in dates if kube.founded_on <= d]
        assert sorted(kube.assessments.values_list("as_of", flat=True)) == expected, kube
    dissolved = Kube.objects.filter(status=KubeStatus.BUBAR)
    assert not Assessment.objects.filter(kube__in=dissolved).exists()
    assert f"{Assessment.objects.count()} penilaian, 1 penilaian petugas" in summary
    assert set(Assessment.objects.values_list("assessed_by__username", flat=True)) == {"petugas"}
