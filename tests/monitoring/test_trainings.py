"""Trainings and study visits: recording (officers), reading (scoped), a member's trainings."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from monitoring.models import Training
from tests.factories import KubeFactory, MembershipFactory
from tests.partnerships.factories import PartnerFactory, home_city

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


@pytest.fixture
def groups(kube, other_facilitator):
    mine = MembershipFactory(kube=kube, joined_on=D(2021, 1, 1))
    other_kube = KubeFactory(facilitator=other_facilitator, founded_on=D(2019, 1, 1))
    theirs = MembershipFactory(kube=other_kube, joined_on=D(2021, 1, 1))
    return mine, theirs


def form_data(**changes):
    data = {"title": "Pelatihan kompos", "held_on": "2024-02-10", "kind": "pelatihan", "organiser": ""}
    data.update(changes)
    return data


def test_an_officer_records_a_training_with_members_of_two_groups(client_for, officer, groups):
    mine, theirs = groups
    partner = PartnerFactory(name="PT Pupuk Kaltim")
    client = client_for(officer)
    url = reverse("trainings:training_create")
    page = client.get(url, {"kube": mine.kube.pk})
    assert page.status_code == 200
    assert mine.person.name in page.content.decode()

    response = client.post(url, form_data(organiser=partner.pk, participants=[mine.pk, theirs.pk]))

    training = Training.objects.get()
    assert response.status_code == 302 and response.url == training.get_absolute_url()
    assert (training.organiser, training.created_by) == (partner, officer)
    assert set(training.participants.all()) == {mine, theirs}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"held_on": "2024-05-01"}, "held_on", "masa depan"),
        ({"title": "  "}, "title", ""),
        ({"held_on": "2020-06-01"}, "participants", "bukan anggota aktif KUBE pada tanggal pelatihan"),
    ],
)
def test_a_bad_training_is_refused_with_its_message_and_nothing_saved(
    client_for, officer, groups, changes, field, message
):
    mine, _theirs = groups
    response = client_for(officer).post(
        reverse("trainings:training_create"), form_data(participants=[mine.pk], **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Training.objects.exists()


def test_the_same_title_on_the_same_day_is_refused(client_for, officer, groups):
    Training.objects.create(city=home_city(), title="Pelatihan kompos", held_on=D(2024, 2, 10), kind="pelatihan")
    response = client_for(officer).post(reverse("trainings:training_create"), form_data())
    assert "sudah tercatat" in response.content.decode()
    assert Training.objects.count() == 1


def test_an_officer_changes_a_training(client_for, officer, groups):
    mine, theirs = groups
    training = Training.objects.create(city=home_city(), title="Kompos", held_on=D(2024, 2, 10), kind="pelatihan")
    training.participants.set([mine])
    url = reverse("trainings:training_update", args=[training.pk])
    client = client_for(officer)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(title="Kompos padat", participants=[mine.pk, theirs.pk], version=1))
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.title == "Kompos padat"
    assert training.participants.count() == 2


def test_a_facilitator_sees_only_trainings_of_their_members_and_only_their_members(
    client_for, facilitator, other_facilitator, groups
):
    mine, theirs = groups
    shared = Training.objects.create(
        city=home_city(), title="Studi banding Malang", held_on=D(2023, 8, 1), kind="studi_banding"
    )
    shared.participants.set([mine, theirs])
    elsewhere = Training.objects.create(city=home_city(), title="Pameran kota", held_on=D(2023, 9, 1), kind="pameran")
    elsewhere.participants.set([theirs])
    client = client_for(facilitator)

    listing = client.get(reverse("trainings:training_list")).content.decode()
    assert "Studi banding Malang" in listing and "Pameran kota" not in listing

    detail = client.get(reverse("trainings:training_detail", args=[shared.pk])).content.decode()
    assert mine.person.name in detail and theirs.person.name not in detail
    assert client.get(reverse("trainings:training_detail", args=[elsewhere.pk])).status_code == 404
    for name in ("training_update",):
        assert client.get(reverse(f"trainings:{name}", args=[elsewhere.pk])).status_code == 404
        assert client.post(reverse(f"trainings:{name}", args=[elsewhere.pk]), form_data()).status_code == 404
        assert client.get(reverse(f"trainings:{name}", args=[shared.pk])).status_code == 403
    assert client.post(reverse("trainings:training_create"), form_data()).status_code == 403
    assert not Training.objects.filter(title="Pelatihan kompos").exists()


def test_the_list_runs_the_same_queries_for_2_and_20_trainings(client_for, officer, groups):
    mine, theirs = groups
    client = client_for(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("trainings:training_list")).status_code == 200
        return len(queries)

    for n in range(2):
        Training.objects.create(
            city=home_city(), title=f"T{n}", held_on=D(2023, 1, 1), kind="pelatihan"
        ).participants.set([mine])
    few = count()
    for n in range(2, 20):
        Training.objects.create(
            city=home_city(), title=f"T{n}", held_on=D(2023, 1, 1), kind="pelatihan"
        ).participants.set([theirs])
    assert count() == few


def test_a_members_trainings_show_on_their_member_page(client_for, facilitator, groups):
    mine, _theirs = groups
    training = Training.objects.create(
        city=home_city(), title="Public speaking", held_on=D(2023, 3, 1), kind="pelatihan"
    )
    training.participants.set([mine])
    url = reverse("groups:person_update", args=[mine.kube.pk, mine.pk])
    page = client_for(facilitator).get(url).content.decode()
    assert "Public speaking" in page


def test_the_form_offers_members_of_the_chosen_kube_or_kelurahan_only(client_for, officer, groups):
    mine, theirs = groups
    url = reverse("trainings:training_create")
    page = client_for(officer).get(url, {"kube": theirs.kube.pk}).content.decode()
    assert theirs.person.name in page and mine.person.name not in page
    page = client_for(officer).get(url, {"kelurahan": mine.kube.kelurahan_id}).content.decode()
    assert mine.person.name in page


def test_a_large_city_asks_for_a_filter_first(client_for, officer, groups, monkeypatch):
    from monitoring import trainings

    monkeypatch.setattr(trainings, "PARTICIPANT_LIMIT", 1)
    mine, _theirs = groups
    page = client_for(officer).get(reverse("trainings:training_create")).content.decode()
    assert "pilih kelurahan atau KUBE dulu" in page
    assert mine.person.name not in page
