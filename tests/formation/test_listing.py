"""The group list's stage column, filter and sort (through the list-extension registry)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from formation.models import Stage
from formation.services import stage_record
from tests.factories import KubeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staged(officer):
    early = KubeFactory(name="KUBE Persiapan")
    stage_record(actor=officer, kube=early, stage=Stage.PERSIAPAN, started_on=dt.date(2024, 1, 2))
    running = KubeFactory(name="KUBE Jalan")
    stage_record(actor=officer, kube=running, stage=Stage.PERSIAPAN, started_on=dt.date(2023, 1, 2))
    stage_record(actor=officer, kube=running, stage=Stage.PELAKSANAAN, started_on=dt.date(2023, 4, 3))
    KubeFactory(name="KUBE Lama")  # registered before stages were recorded
    return early, running


def test_list_filters_by_current_stage(client_for, officer, staged):
    client = client_for(officer)
    response = client.get(reverse("groups:kube_list"), {"tahap": "pelaksanaan"})
    assert [k.name for k in response.context["object_list"]] == ["KUBE Jalan"]
    response = client.get(reverse("groups:kube_list"), {"tahap": "persiapan"})
    assert [k.name for k in response.context["object_list"]] == ["KUBE Persiapan"]
    page = client.get(reverse("groups:kube_list")).content.decode()
    assert "Tahap program" in page and '<td data-label="Tahap">Pelaksanaan</td>' in page


def test_list_sorts_by_stage_with_unknown_last(client_for, officer, staged):
    response = client_for(officer).get(reverse("groups:kube_list"), {"o": "-stage"})
    assert [k.name for k in response.context["object_list"]] == ["KUBE Jalan", "KUBE Persiapan", "KUBE Lama"]


def test_list_query_count_does_not_grow_with_staged_groups(client_for, officer):
    client = client_for(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("groups:kube_list"), {"tahap": "pelaksanaan", "o": "stage"})
        assert response.status_code == 200
        return len(captured)

    stage_record(actor=officer, kube=KubeFactory(), stage=Stage.PELAKSANAAN, started_on=dt.date(2024, 1, 2))
    one = queries()
    for _index in range(9):
        stage_record(actor=officer, kube=KubeFactory(), stage=Stage.PELAKSANAAN, started_on=dt.date(2024, 1, 2))
    assert queries() == one
