"""Blank optional fields never erase a known person's stored KK, phone or birth date (issue 13)."""

import datetime as dt
import io

from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from formation import services as formation_services
from formation.models import ProposalStatus
from groups.models import LeaveReason, Person
from tests.factories import KubeFactory, MembershipFactory, PersonFactory
from tests.formation.factories import CandidateFactory, ProposalCandidateFactory, ProposalFactory
from tests.workbooks import ANGGOTA, write_workbook

KK = "6474011215000123"


def former_member(**person):
    person = PersonFactory(kk=KK, phone="0812 5555 0001", **person)
    MembershipFactory(person=person, left_on=dt.date(2022, 1, 1), leave_reason=LeaveReason.MENGUNDURKAN_DIRI)
    return person


def test_rejoining_member_with_blank_kk_and_phone_keeps_them(client_for, facilitator, kube):
    person = former_member()
    data = {"nik": person.nik, "name": person.name, "sex": person.sex, "role": "anggota", "kk": "", "phone": ""}

    response = client_for(facilitator).post(reverse("groups:member_add", kwargs={"pk": kube.pk}), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.kk, person.phone) == (KK, "0812 5555 0001")
    assert kube.memberships.get().person == person


def test_rejoining_member_with_new_phone_replaces_it(client_for, facilitator, kube):
    person = former_member()
    data = {"nik": person.nik, "name": person.name, "sex": person.sex, "role": "anggota", "phone": "0813 1"}
    client_for(facilitator).post(reverse("groups:member_add", kwargs={"pk": kube.pk}), data)
    person.refresh_from_db()
    assert (person.kk, person.phone) == (KK, "0813 1")


def test_waiting_family_recorded_again_with_blank_fields_keeps_them(client_for, officer):
    candidate = CandidateFactory(kk=KK, phone="0812 7777")
    data = {
        "nik": candidate.nik,
        "name": candidate.name,
        "sex": candidate.sex,
        "kelurahan": candidate.kelurahan_id,
        "dependents": "2",
        "willingness": candidate.willingness,
        "is_dtks": "on",
        "is_head_of_family": "on",
    }
    response = client_for(officer).post(reverse("formation:candidate_create"), data)
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.kk, candidate.phone, candidate.birth_on) == (KK, "0812 7777", dt.date(1985, 3, 9))


@freeze_time("2025-07-15")
def test_approval_of_a_known_person_keeps_their_stored_kk_and_phone(officer, facilitator):
    candidate = CandidateFactory(kk="", phone="")
    person = former_member(nik=candidate.nik, sex=candidate.sex, birth_on=candidate.birth_on)
    proposal = ProposalFactory(status=ProposalStatus.DIAJUKAN, facilitator=facilitator)
    for _index in range(4):
        ProposalCandidateFactory(proposal=proposal)
    ProposalCandidateFactory(proposal=proposal, candidate=candidate)

    formation_services.proposal_approve(actor=officer, proposal=proposal, exception_reason="Tetap layak.")

    person.refresh_from_db()
    assert (person.kk, person.phone) == (KK, "0812 5555 0001")


def test_import_row_with_empty_kk_and_phone_keeps_them(tmp_path, officer):
    kube = KubeFactory()
    person = former_member()
    row = [kube.no_registrasi, person.nik, "", person.name, "P", "", "anggota", "2023-01-02", "", "", "", "", ""]
    path = write_workbook(tmp_path / "a.xlsx", {"anggota": [ANGGOTA, row]})
    call_command("import_registry", str(path), "--user", officer.username, stdout=io.StringIO())
    person = Person.objects.get(pk=person.pk)
    assert (person.kk, person.phone) == (KK, "0812 5555 0001")
    assert kube.memberships.get().person == person
