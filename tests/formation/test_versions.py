"""Proposal, waiting-family and decision forms refuse a stale save (issue 13)."""

from django.urls import reverse
from freezegun import freeze_time

from formation import services
from formation.models import Candidate, Proposal, ProposalStatus
from tests.formation.factories import CandidateFactory, ProposalFactory, proposal_with
from tests.groups.test_versions import STALE, form_data


@freeze_time("2025-07-15")
def test_proposal_form_read_before_another_save_is_refused(client_for, officer, facilitator):
    proposal = ProposalFactory(facilitator=facilitator, name="KUBE Usulan Lama")
    client = client_for(officer)
    url = reverse("formation:proposal_update", kwargs={"pk": proposal.pk})
    data = form_data(client.get(url))
    services.proposal_update(actor=facilitator, proposal=proposal, name="KUBE Usulan Baru")

    response = client.post(url, data | {"rt": "05"})

    error = response.context["form"].non_field_errors()[0]
    assert STALE in error and "KUBE Usulan Lama → KUBE Usulan Baru" in error
    assert Proposal.objects.get().rt == ""


def test_waiting_family_form_read_before_another_save_is_refused(client_for, officer):
    candidate = CandidateFactory(phone="0812 1", dependents=2)
    client = client_for(officer)
    url = reverse("formation:candidate_update", kwargs={"pk": candidate.pk})
    data = form_data(client.get(url))
    services.candidate_update(actor=officer, candidate=candidate, dependents=4)

    response = client.post(url, data | {"phone": "0812 9"})

    assert "Jumlah tanggungan: 2 → 4" in response.context["form"].non_field_errors()[0]
    assert Candidate.objects.get().phone == "0812 1"


@freeze_time("2025-07-15")
def test_decision_form_read_before_another_decision_is_refused(client_for, officer, admin_user):
    proposal = proposal_with(5, status=ProposalStatus.DIAJUKAN)
    client = client_for(officer)
    url = reverse("formation:proposal_return", kwargs={"pk": proposal.pk})
    data = form_data(client.get(url))
    services.proposal_reject(actor=admin_user, proposal=proposal, reason="Tidak layak.")

    response = client.post(url, data | {"reason": "Lengkapi data."})

    assert STALE in response.context["form"].non_field_errors()[0]
    assert Proposal.objects.get().status == ProposalStatus.DITOLAK
