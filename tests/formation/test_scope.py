"""Waiting families are scoped by the facilitator's work area, and a NIK known outside
the writer's scope is answered with one neutral message that names nobody."""

import datetime as dt

import pytest
from django.urls import reverse

from formation.models import Candidate, Proposal
from formation.services import MSG_OUTSIDE_WORK_AREA
from groups.models import FacilitatorArea, Kelurahan
from groups.services import MSG_NIK_REGISTERED_ELSEWHERE
from tests.factories import KubeFactory, MembershipFactory, PersonFactory, make_nik

from .factories import GUNTUNG, LOK_TUAN, TANJUNG_LAUT, CandidateFactory, ProposalFactory, kelurahan

pytestmark = pytest.mark.django_db
NEW_NIK = make_nik(sex="P", birth_on=dt.date(1985, 3, 9), serial=9001)


def family(nik: str, kelurahan_code: str = GUNTUNG, **overrides) -> dict:
    return {
        "nik": nik,
        "name": "Nama Ketikan",
        "sex": "P",
        "kelurahan": kelurahan(kelurahan_code).pk,
        "dependents": "1",
        "willingness": "bersedia",
        "role": "anggota",
    } | overrides


def assert_neutral(response, *names):
    assert response.status_code == 200
    assert response.context["form"].errors["nik"] == [MSG_NIK_REGISTERED_ELSEWHERE]
    page = response.content.decode()
    for name in names:
        assert name not in page


def test_waiting_families_follow_the_work_area_not_what_the_facilitator_created(client_for, facilitator):
    mine = CandidateFactory(name="Di Guntung")
    CandidateFactory(name="Di Tanjung Laut", kelurahan=kelurahan(TANJUNG_LAUT), created_by=facilitator)
    ProposalFactory(facilitator=facilitator, kelurahan=kelurahan(LOK_TUAN))
    CandidateFactory(name="Di Lok Tuan", kelurahan=kelurahan(LOK_TUAN))
    assert list(Candidate.objects.visible_to(facilitator)) == [mine]


def test_officer_sets_the_work_area_and_the_facilitator_then_sees_its_families(client_for, officer, facilitator):
    lok_tuan = CandidateFactory(kelurahan=kelurahan(LOK_TUAN))
    url = reverse("groups:facilitator_area", kwargs={"user_pk": facilitator.pk})
    response = client_for(officer).post(url, {"kelurahans": [kelurahan(GUNTUNG).pk, kelurahan(LOK_TUAN).pk]})
    assert response.status_code == 302
    assert set(FacilitatorArea.objects.filter(facilitator=facilitator).values_list("kelurahan__code", flat=True)) == {
        GUNTUNG,
        LOK_TUAN,
    }
    assert FacilitatorArea.objects.filter(created_by=officer).count() == 1  # Guntung was already there
    response = client_for(facilitator).get(reverse("formation:candidate_update", args=[lok_tuan.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_facilitators_cannot_set_work_areas(client_for, facilitator, method):
    url = reverse("groups:facilitator_area", kwargs={"user_pk": facilitator.pk})
    response = getattr(client_for(facilitator), method)(url, {"kelurahans": [kelurahan(TANJUNG_LAUT).pk]})
    assert response.status_code == 403
    assert not FacilitatorArea.objects.filter(facilitator=facilitator, kelurahan__code=TANJUNG_LAUT).exists()


def test_facilitator_drafts_proposals_only_in_their_work_area(client_for, facilitator):
    data = {
        "name": "KUBE Luar Wilayah",
        "kelurahan": kelurahan(TANJUNG_LAUT).pk,
        "business_field": "jasa",
        "proposer_kind": "masyarakat",
        "proposed_on": "2025-01-02",
    }
    response = client_for(facilitator).post(reverse("formation:proposal_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["kelurahan"] == [MSG_OUTSIDE_WORK_AREA]
    assert not Proposal.objects.exists()
    assert not Candidate.objects.visible_to(facilitator).filter(kelurahan__code=TANJUNG_LAUT).exists()
    client_for(facilitator).post(reverse("formation:proposal_create"), data | {"kelurahan": kelurahan(GUNTUNG).pk})
    assert Proposal.objects.get().kelurahan.code == GUNTUNG


def test_facilitator_records_families_only_in_their_work_area(client_for, facilitator):
    response = client_for(facilitator).post(reverse("formation:candidate_create"), family(NEW_NIK, TANJUNG_LAUT))
    assert response.context["form"].errors["kelurahan"] == [MSG_OUTSIDE_WORK_AREA]
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("where", ["candidate_create", "proposal_candidate_add"])
def test_a_family_out_of_scope_is_never_overwritten_by_nik(client_for, facilitator, where):
    theirs = CandidateFactory(name="Keluarga Seberang", kelurahan=kelurahan(TANJUNG_LAUT))
    url = reverse("formation:candidate_create")
    if where == "proposal_candidate_add":
        url = reverse("formation:proposal_candidate_add", args=[ProposalFactory(facilitator=facilitator).pk])
    response = client_for(facilitator).post(url, family(theirs.nik))
    assert_neutral(response, "Keluarga Seberang", "Tanjung Laut")
    theirs.refresh_from_db()
    assert (theirs.name, theirs.kelurahan.code) == ("Keluarga Seberang", TANJUNG_LAUT)


@pytest.mark.parametrize("where", ["candidate_create", "proposal_candidate_add"])
def test_an_active_member_elsewhere_is_answered_neutrally(client_for, facilitator, where):
    member = MembershipFactory(person__name="Anggota Seberang", kube=KubeFactory(name="KUBE Seberang"))
    url = reverse("formation:candidate_create")
    if where == "proposal_candidate_add":
        url = reverse("formation:proposal_candidate_add", args=[ProposalFactory(facilitator=facilitator).pk])
    response = client_for(facilitator).post(url, family(member.person.nik))
    assert_neutral(response, "Anggota Seberang", "KUBE Seberang")
    assert not Candidate.objects.exists()


def test_officer_still_updates_any_family_by_nik(client_for, officer):
    theirs = CandidateFactory(name="Keluarga Seberang", kelurahan=kelurahan(TANJUNG_LAUT))
    client_for(officer).post(reverse("formation:candidate_create"), family(theirs.nik, name="Nama Baru"))
    theirs.refresh_from_db()
    assert theirs.name == "Nama Baru"


def test_changing_a_familys_nik_to_one_out_of_scope_is_neutral(client_for, facilitator, officer):
    mine = CandidateFactory(name="Keluarga Saya")
    theirs = CandidateFactory(name="Keluarga Seberang", kelurahan=kelurahan(TANJUNG_LAUT))
    url = reverse("formation:candidate_update", args=[mine.pk])
    response = client_for(facilitator).post(url, family(theirs.nik, name="Keluarga Saya"))
    assert_neutral(response, "Keluarga Seberang")
    response = client_for(officer).post(url, family(theirs.nik, name="Keluarga Saya"))
    assert "NIK ini sudah tercatat untuk Keluarga Seberang." in response.context["form"].errors["nik"]
    mine.refresh_from_db()
    assert mine.nik != theirs.nik


def test_a_family_out_of_the_work_area_is_404_whatever_the_method(client_for, facilitator):
    theirs = CandidateFactory(kelurahan=kelurahan(TANJUNG_LAUT))
    url = reverse("formation:candidate_update", args=[theirs.pk])
    client = client_for(facilitator)
    assert client.get(url).status_code == 404
    assert client.post(url, family(theirs.nik, TANJUNG_LAUT)).status_code == 404


def test_the_work_area_page_lists_kelurahan_by_kecamatan(client_for, officer, facilitator):
    page = client_for(officer).get(reverse("groups:facilitator_area", kwargs={"user_pk": facilitator.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bontang Utara" in text and "Bontang Selatan" in text
    assert Kelurahan.objects.get(code=GUNTUNG).pk in {k.pk for k in page.context["form"].initial["kelurahans"]}


@pytest.mark.parametrize("count", [1, 6])
def test_facilitator_list_query_count_does_not_grow(client_for, officer, django_assert_num_queries, count):
    from tests.factories import FacilitatorFactory, work_area

    for _n in range(count):
        fac = work_area(FacilitatorFactory(), GUNTUNG, TANJUNG_LAUT)
        KubeFactory(facilitator=fac)
    client = client_for(officer)
    client.get(reverse("groups:facilitator_list"))  # warm the session
    # session, user, user and role permissions, facilitators with their group counts,
    # their work areas with kelurahan, the user's roles (the menu), the bell's unread count
    with django_assert_num_queries(8):
        response = client.get(reverse("groups:facilitator_list"))
    assert response.status_code == 200
    assert len(response.context["facilitators"]) == count


def test_a_facilitator_rejoining_member_is_added_without_reading_back_stored_data(client_for, facilitator, kube):
    former = MembershipFactory(
        person=PersonFactory(name="Nama Tersimpan", sex="P"),
        left_on=dt.date(2022, 1, 1),
        leave_reason="pindah",
    )
    response = client_for(facilitator).post(
        reverse("groups:member_add", kwargs={"pk": kube.pk}),
        {"nik": former.person.nik, "name": "Nama Ketikan", "sex": "P", "role": "anggota"},
        follow=True,
    )
    assert kube.memberships.get().person == former.person
    page = response.content.decode()
    assert "Nama Ketikan ditambahkan sebagai anggota." in page
    assert "Nama Tersimpan" not in page.split('id="riwayat"')[0]


def test_checks_tell_a_facilitator_of_another_group_but_never_its_name(client_for, facilitator, officer):
    """A family in the facilitator's area who is active in (and had aid from) another
    facilitator's group: the check fails, naming "KUBE lain"; the office reads the name."""
    from tests.finances.factories import GrantFactory

    from .factories import ProposalCandidateFactory

    elsewhere = KubeFactory(name="KUBE Seberang", founded_on=dt.date(2019, 1, 1))
    member = MembershipFactory(kube=elsewhere, joined_on=dt.date(2019, 2, 1))
    GrantFactory(kube=elsewhere, received_on=dt.date(2020, 6, 15))
    candidate = CandidateFactory(nik=member.person.nik, sex=member.person.sex, birth_on=member.person.birth_on)
    proposal = ProposalFactory(facilitator=facilitator)
    ProposalCandidateFactory(proposal=proposal, candidate=candidate)
    url = reverse("formation:proposal_detail", args=[proposal.pk])
    page = client_for(facilitator).get(url).content.decode()
    assert "KUBE lain" in page and "KUBE Seberang" not in page
    assert "KUBE Seberang" in client_for(officer).get(url).content.decode()
