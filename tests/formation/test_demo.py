"""seed_demo's formation data: proposals in every state, waiting families, stages."""

from io import StringIO

import pytest
from django.core.management import call_command

from formation.models import Candidate, KubeStage, Proposal, ProposalStatus, Stage
from groups.demo import MEKAR_SARI_NUMBER
from groups.models import Kube

pytestmark = pytest.mark.django_db


def test_demo_builds_proposals_in_every_state_families_and_stages():
    call_command(
        "seed_demo", "--groups", "12", "--years", "1", "--seed", "7", "--password", "uji-demo-123", stdout=StringIO()
    )
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    approved = Proposal.objects.get(status=ProposalStatus.DISETUJUI)
    founders = approved.kube.memberships.filter(joined_on__lte=approved.kube.founded_on)
    assert set(founders.values_list("person__nik", flat=True)) == set(
        approved.entries.values_list("candidate__nik", flat=True)
    )
    submitted = Proposal.objects.get(status=ProposalStatus.DIAJUKAN)
    assert submitted.entries.filter(candidate__is_dtks=False).count() == 1
    returned = Proposal.objects.get(status=ProposalStatus.DIKEMBALIKAN)
    assert returned.decisions.last().reason
    assert Candidate.objects.filter(status="menunggu").count() >= 10
    mekar = Kube.objects.get(no_registrasi=MEKAR_SARI_NUMBER)
    assert list(KubeStage.objects.filter(kube=mekar).values_list("stage", flat=True)) == list(Stage.values)
    assert Proposal.objects.filter(facilitator__username="pendamping1").count() == 5
    assert submitted.grant_amount == 12_000_000
