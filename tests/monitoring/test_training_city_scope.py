"""Trainings are a city's (issue 19): another city's officer never sees, names or joins them.

The world of tests/partnerships/test_city_scope.py (Bontang and Samarinda, each with
groups, partners and users), plus members and a training in each city.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from groups.models import Membership, Sex, UserArea
from groups.resources import MSG_KUBE_UNKNOWN
from monitoring.models import Training, Visit
from monitoring.resources import MSG_PARTNER_UNKNOWN, MSG_VISITOR_UNKNOWN
from monitoring.rules import MSG_NIK_NOT_REGISTERED
from monitoring.trainings import person_trainings, training_record, trainings_for
from pages.workbook import import_workbook
from tests.factories import MembershipFactory, OfficerFactory, PersonFactory, make_nik
from tests.monitoring.factories import TrainingFactory
from tests.monitoring.test_resources import KUNJUNGAN, PELATIHAN
from tests.partnerships.test_city_scope import World
from tests.workbooks import workbook_buffer

pytestmark = pytest.mark.django_db

D = dt.date
NIK_B = make_nik(sex=Sex.FEMALE, birth_on=D(1982, 3, 4), serial=7701)
NIK_S = make_nik(sex=Sex.FEMALE, birth_on=D(1983, 5, 6), serial=7702, region="647201")
NOBODY = make_nik(sex=Sex.FEMALE, birth_on=D(1990, 1, 1), serial=7703)


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


class TrainingWorld(World):
    def __init__(self):
        super().__init__()
        self.member_b = MembershipFactory(kube=self.kube_b, person=PersonFactory(nik=NIK_B, name="Siti Bontang"))
        self.member_s = MembershipFactory(kube=self.kube_s, person=PersonFactory(nik=NIK_S, name="Ani Samarinda"))
        self.training_b = TrainingFactory(title="Pelatihan amplang", held_on=D(2024, 2, 10), organiser=self.only_b)
        self.training_b.participants.set([self.member_b])
        self.training_s = TrainingFactory(city=self.samarinda, title="Pelatihan tenun", held_on=D(2024, 1, 20))
        self.training_s.participants.set([self.member_s])


@pytest.fixture
def world(db):
    return TrainingWorld()


def form_data(**changes):
    data = {"title": "Pelatihan kompos", "held_on": "2024-02-10", "kind": "pelatihan", "organiser": ""}
    return data | changes


@pytest.mark.parametrize("who", ["officer_s", "admin_s"])
def test_another_citys_users_get_404_on_every_training_url_with_every_method(client_for, world, who):
    client = client_for(getattr(world, who))
    for name in ("trainings:training_detail", "trainings:training_update"):
        url = reverse(name, kwargs={"pk": world.training_b.pk})
        answers = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        assert answers == {"get": 404, "post": 404}, url
        own = reverse(name, kwargs={"pk": world.training_s.pk})
        assert client.get(own).status_code == 200
    world.training_b.refresh_from_db()
    assert world.training_b.title == "Pelatihan amplang"


def test_the_list_holds_the_readers_city_and_a_province_reader_reads_both(client_for, world):
    page = client_for(world.officer_s).get(reverse("trainings:training_list")).content.decode()
    assert "Pelatihan tenun" in page and "Pelatihan amplang" not in page
    page = client_for(world.officer_b).get(reverse("trainings:training_list")).content.decode()
    assert "Pelatihan amplang" in page and "Pelatihan tenun" not in page
    reader = OfficerFactory()
    UserArea.objects.create(user=reader, level="provinsi", province_code="64")
    assert set(trainings_for(reader)) == {world.training_b, world.training_s}


def test_the_form_offers_only_the_citys_partners_members_and_places(client_for, world):
    page = client_for(world.officer_s).get(reverse("trainings:training_create")).content.decode()
    assert "Koperasi Mahakam" in page and "Forum Bontang Hijau" not in page
    assert "Ani Samarinda" in page and "Siti Bontang" not in page
    assert "Rawa Makmur" in page and "Guntung" not in page
    assert "KUBE Rawa Makmur" in page and "KUBE Guntung Jaya" not in page


def test_posting_another_citys_member_or_partner_is_refused(client_for, world):
    client = client_for(world.officer_s)
    url = reverse("trainings:training_create")
    response = client.post(url, form_data(participants=[world.member_b.pk]))
    assert response.status_code == 200 and response.context["form"].errors["participants"]
    response = client.post(url, form_data(organiser=world.only_b.pk))
    assert response.status_code == 200 and response.context["form"].errors["organiser"]
    assert not Training.objects.filter(title="Pelatihan kompos").exists()
    # The training of another city is not a choice to edit either: its members stay off this one.
    update = reverse("trainings:training_update", kwargs={"pk": world.training_s.pk})
    response = client.post(
        update, form_data(title="Pelatihan tenun", held_on="2024-01-20", participants=[world.member_b.pk])
    )
    assert response.status_code == 200
    assert list(world.training_s.participants.all()) == [world.member_s]


def test_the_same_title_and_day_may_be_a_training_in_each_city(client_for, world):
    client = client_for(world.officer_s)
    data = form_data(title="Pelatihan amplang", held_on="2024-02-10", participants=[world.member_s.pk])
    response = client.post(reverse("trainings:training_create"), data)
    assert response.status_code == 302
    made = Training.objects.get(title="Pelatihan amplang", city=world.samarinda)
    assert made.created_by == world.officer_s
    assert list(made.participants.all()) == [world.member_s]
    # Within the city it is taken now.
    response = client.post(reverse("trainings:training_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["title"]


def test_the_service_refuses_another_city_and_a_reader_without_a_city(client_for, world):
    with pytest.raises(ValidationError) as exc:
        training_record(
            actor=world.officer_s, title="T", held_on=D(2024, 3, 1), kind="pelatihan", participants=[world.member_b]
        )
    assert "participants" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        training_record(
            actor=world.officer_s, title="T", held_on=D(2024, 3, 1), kind="pelatihan", organiser=world.only_b
        )
    assert "organiser" in exc.value.message_dict
    reader = OfficerFactory()
    UserArea.objects.create(user=reader, level="provinsi", province_code="64")
    with pytest.raises(ValidationError):
        training_record(actor=reader, title="T", held_on=D(2024, 3, 1), kind="pelatihan")
    assert client_for(reader).get(reverse("trainings:training_create")).status_code == 403
    assert not Training.objects.filter(title="T").exists()


def test_a_members_page_names_only_the_readers_citys_trainings(client_for, world):
    # The same person was a member in Bontang, and is now in Samarinda.
    Membership.objects.filter(pk=world.member_b.pk).update(left_on=D(2023, 1, 1), leave_reason="pindah")
    moved = MembershipFactory(kube=world.kube_s, person=world.member_b.person, joined_on=D(2023, 6, 1))
    world.training_b.participants.set([world.member_b])
    assert list(person_trainings(moved.person, world.officer_s)) == []
    url = reverse("groups:person_update", args=[world.kube_s.pk, moved.pk])
    page = client_for(world.officer_s).get(url).content.decode()
    assert "Pelatihan amplang" not in page
    assert list(person_trainings(moved.person, world.officer_b)) == [world.training_b]


def run(sheets, actor):
    return import_workbook(workbook_buffer(sheets), filename="lapangan.xlsx", actor=actor)


def test_the_pelatihan_import_is_keyed_and_looked_up_within_the_importers_city(world):
    result = run(
        {
            "pelatihan": [
                PELATIHAN,
                ["Pelatihan amplang", "10-02-2024", "pelatihan", "Koperasi Mahakam", NIK_S],
                ["Pelatihan batik", "11-02-2024", "pelatihan", "", NIK_B],
                ["Pelatihan batik", "12-02-2024", "pelatihan", "", NOBODY],
                ["Pelatihan sasirangan", "13-02-2024", "pelatihan", "Forum Bontang Hijau", NIK_S],
            ]
        },
        world.officer_s,
    )
    errors = {(e.row, e.column): e.text for e in result.errors}
    # A Bontang member reads exactly as a NIK nobody has.
    assert errors[(3, "peserta")] == MSG_NIK_NOT_REGISTERED.format(nik=NIK_B)
    assert errors[(4, "peserta")] == MSG_NIK_NOT_REGISTERED.format(nik=NOBODY)
    assert errors[(5, "penyelenggara")] == MSG_PARTNER_UNKNOWN.format(name="Forum Bontang Hijau")
    assert len(errors) == 3

    result = run(
        {"pelatihan": [PELATIHAN, ["Pelatihan amplang", "10-02-2024", "pelatihan", "Koperasi Mahakam", NIK_S]]},
        world.officer_s,
    )
    assert result.ok, result.errors
    assert result.sheets["pelatihan"].created == 1  # not Bontang's training of that title and day
    made = Training.objects.get(title="Pelatihan amplang", city=world.samarinda)
    assert made.organiser == world.only_s
    assert list(made.participants.all()) == [world.member_s]
    world.training_b.refresh_from_db()
    assert world.training_b.organiser == world.only_b
    assert list(world.training_b.participants.all()) == [world.member_b]


def test_the_kunjungan_import_refuses_another_citys_group_and_users(world):
    result = run(
        {
            "kunjungan": [
                KUNJUNGAN,
                [world.kube_b.no_registrasi, "01-03-2024", "pendampingan", "", "5"],
                ["6472-2099-999", "01-03-2024", "pendampingan", "", "5"],
                [world.kube_s.no_registrasi, "02-03-2024", "pendampingan", world.officer_b.username, "5"],
            ]
        },
        world.officer_s,
    )
    errors = {(e.row, e.column): e.text for e in result.errors}
    assert errors[(2, "no_registrasi")] == MSG_KUBE_UNKNOWN.format(number=world.kube_b.no_registrasi)
    assert errors[(3, "no_registrasi")] == MSG_KUBE_UNKNOWN.format(number="6472-2099-999")
    assert errors[(4, "petugas")] == MSG_VISITOR_UNKNOWN.format(username=world.officer_b.username)
    assert not Visit.objects.exists()


def test_the_registry_export_holds_only_the_readers_citys_trainings(client_for, world):
    response = client_for(world.officer_s).get(reverse("groups:kube_export", args=["xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    titles = [row[0] for row in workbook["pelatihan"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Pelatihan tenun"]
