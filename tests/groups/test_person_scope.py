"""Person-level scope: a facilitator reaches a person only through an active membership
of their own group, and a group's history covers only its own period of each person."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from groups import services
from groups.models import Person
from tests.factories import KubeFactory, MembershipFactory

MEMBER_PAGES = ("groups:member_role", "groups:member_leave", "groups:person_update")


@pytest.fixture
def moved(facilitator, other_facilitator, kube):
    """A person who left `kube` (facilitator's) and is now active in other_facilitator's group."""
    old = MembershipFactory(kube=kube, person__name="Siti Pindahan", joined_on=dt.date(2020, 4, 1))
    services.membership_end(actor=facilitator, membership=old, left_on=dt.date(2023, 6, 30), reason="pindah")
    other_kube = KubeFactory(facilitator=other_facilitator, name="KUBE Seberang")
    services.membership_add(
        actor=other_facilitator,
        kube=other_kube,
        nik=old.person.nik,
        name="Siti Pindahan",
        sex=old.person.sex,
        joined_on=dt.date(2023, 7, 1),
    )
    old.refresh_from_db()
    return old


@pytest.mark.parametrize("name", MEMBER_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_facilitator_cannot_reach_a_former_member(client_for, facilitator, moved, name, method):
    url = reverse(name, kwargs={"pk": moved.kube_id, "membership_pk": moved.pk})
    data = {"name": "Diubah", "sex": "P", "role": "ketua", "left_on": "2024-01-01", "leave_reason": "lainnya"}
    response = getattr(client_for(facilitator), method)(url, data)
    assert response.status_code == 404
    assert Person.objects.get(pk=moved.person_id).name == "Siti Pindahan"


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_officer_still_reaches_a_former_member(client_for, officer, moved, name):
    url = reverse(name, kwargs={"pk": moved.kube_id, "membership_pk": moved.pk})
    assert client_for(officer).get(url).status_code == 200


def test_facilitator_still_reaches_an_active_member(client_for, facilitator, kube):
    member = MembershipFactory(kube=kube)
    url = reverse("groups:person_update", kwargs={"pk": kube.pk, "membership_pk": member.pk})
    assert client_for(facilitator).get(url).status_code == 200


def test_old_group_history_stops_at_the_persons_leaving(client_for, facilitator, other_facilitator, kube):
    with freeze_time("2023-01-10"):
        old = MembershipFactory(kube=kube, person__name="Siti Pindahan", joined_on=dt.date(2023, 1, 10))
        services.person_update(actor=facilitator, person=old.person, phone="0811111")
    with freeze_time("2023-06-30"):
        services.membership_end(actor=facilitator, membership=old, left_on=dt.date(2023, 6, 30), reason="pindah")
        services.person_update(actor=facilitator, person=old.person, is_pkh=True)  # the last day counts
    with freeze_time("2023-07-02"):
        other_kube = KubeFactory(facilitator=other_facilitator, founded_on=dt.date(2020, 1, 1))
        services.membership_add(
            actor=other_facilitator,
            kube=other_kube,
            nik=old.person.nik,
            name="Siti Baru",
            sex=old.person.sex,
            joined_on=dt.date(2023, 7, 2),
            phone="0822222",
        )
    page = client_for(facilitator).get(kube.get_absolute_url()).content.decode()
    history = page[page.index('id="riwayat"') :]
    assert "Siti Baru" not in history
    assert "Penerima PKH" in history
    assert "Keanggotaan Siti Pindahan" in history
    other_page = client_for(other_facilitator).get(other_kube.get_absolute_url()).content.decode()
    assert "Siti Baru" in other_page[other_page.index('id="riwayat"') :]


def test_adding_an_active_member_of_another_facilitators_group_names_nobody(client_for, facilitator, officer, kube):
    from groups.services import MSG_NIK_REGISTERED_ELSEWHERE

    theirs = MembershipFactory(person__name="Anggota Seberang", kube=KubeFactory(name="KUBE Seberang"))
    data = {"nik": theirs.person.nik, "name": "Ketikan", "sex": theirs.person.sex, "role": "anggota"}
    url = reverse("groups:member_add", kwargs={"pk": kube.pk})
    response = client_for(facilitator).post(url, data)
    assert response.context["form"].errors["nik"] == [MSG_NIK_REGISTERED_ELSEWHERE]
    page = response.content.decode()
    assert "Anggota Seberang" not in page and "KUBE Seberang" not in page
    response = client_for(officer).post(url, data)
    assert "Anggota Seberang" in response.context["form"].errors["nik"][0]
    assert "KUBE Seberang" in response.context["form"].errors["nik"][0]
    assert not kube.memberships.exists()


def test_correcting_a_nik_to_someone_elses_names_nobody(client_for, facilitator, kube):
    from groups.services import MSG_NIK_REGISTERED_ELSEWHERE

    member = MembershipFactory(kube=kube)
    other = MembershipFactory(person__name="Orang Lain")
    url = reverse("groups:person_update", kwargs={"pk": kube.pk, "membership_pk": member.pk})
    data = {"nik": other.person.nik, "name": member.person.name, "sex": member.person.sex, "birth_on": ""}
    response = client_for(facilitator).post(url, data)
    assert response.context["form"].errors["nik"] == [MSG_NIK_REGISTERED_ELSEWHERE]
    assert "Orang Lain" not in response.content.decode()
