"""Migration 0005_judgement_carried on a register with judgements made before it: forwards and back."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.models import Assessment
from tests.factories import KubeFactory, OfficerFactory

BEFORE = [("assessments", "0004_versions")]
AFTER = [("assessments", "0005_judgement_carried")]
TABLES = ("assessments_assessment", "assessments_historicalassessment")
YEARS = (2016, 2017, 2018, 2019, 2020)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def sequences():
    """SQLite rebuilds the tables on the way back: their ids keep the range the session gave them."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, seq FROM sqlite_sequence WHERE name IN {TABLES}")
        kept = cursor.fetchall()
    yield
    with connection.cursor() as cursor:
        for name, seq in kept:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, seq])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_judgements_are_carried_and_forgotten_on_the_way_back(sequences):
    old = migrate(BEFORE).get_model("assessments", "Assessment")
    kube, other = KubeFactory(), KubeFactory()
    officer_id = OfficerFactory().pk
    now = timezone.now()

    def row(group, year, *, final="berkembang", reason="", judged=False):
        return old.objects.create(
            kube_id=group.pk,
            as_of=dt.date(year, 12, 31),
            computed_category="berkembang",
            final_category=final,
            override_reason=reason,
            score=Decimal("70"),
            rubric_version="v1",
            assessed_at=now,
            judged_by_id=officer_id if judged else None,
            judged_at=now if judged else None,
        ).pk

    # kube: 2016 computed, 2017 judged mandiri, 2018-2019 computed, 2020 judged (agreeing with the rubric)
    ids = {year: row(kube, year) for year in (2016, 2018, 2019)}
    ids[2017] = row(kube, 2017, final="mandiri", reason="Keputusan dinas 2017", judged=True)
    ids[2020] = row(kube, 2020, judged=True)
    row(other, 2019)  # never judged

    migrate(AFTER)
    after = {a.as_of.year: a for a in Assessment.objects.filter(kube=kube)}
    assert {year: (a.final_category, a.judgement_from_id) for year, a in after.items()} == {
        2016: ("berkembang", None),
        2017: ("mandiri", ids[2017]),
        2018: ("mandiri", ids[2017]),
        2019: ("mandiri", ids[2017]),
        2020: ("berkembang", ids[2020]),
    }
    assert after[2019].override_reason == "Keputusan dinas 2017" and after[2019].is_carried
    assert Assessment.objects.get(kube=other).judgement_from is None

    migrate(BEFORE)
    old = migrate(BEFORE).get_model("assessments", "Assessment")
    back = dict(old.objects.filter(kube_id=kube.pk).values_list("as_of__year", "final_category"))
    assert back == {2016: "berkembang", 2017: "mandiri", 2018: "berkembang", 2019: "berkembang", 2020: "berkembang"}
    migrate(AFTER)
