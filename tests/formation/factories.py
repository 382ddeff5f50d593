"""factory_boy factories for candidate families, proposals and stages."""

import datetime as dt

import factory

from formation.models import Candidate, Proposal, ProposalCandidate, ProposerKind, Willingness
from groups.models import BusinessField, Kelurahan, Sex
from tests.factories import FacilitatorFactory, make_nik

GUNTUNG = "64.74.01.1004"  # Bontang Utara
LOK_TUAN = "64.74.01.1003"  # Bontang Utara
TANJUNG_LAUT = "64.74.02.1001"  # Bontang Selatan


def kelurahan(code: str = GUNTUNG) -> Kelurahan:
    return Kelurahan.objects.get(code=code)


class CandidateFactory(factory.django.DjangoModelFactory):
    """A family that passes every check for a proposal dated in 2025."""

    class Meta:
        model = Candidate

    sex = Sex.FEMALE
    birth_on = dt.date(1985, 3, 9)
    nik = factory.LazyAttributeSequence(lambda o, n: make_nik(sex=o.sex, birth_on=o.birth_on, serial=5000 + n))
    name = factory.Sequence(lambda n: f"Calon {n:03d}")
    kelurahan = factory.LazyFunction(kelurahan)
    is_dtks = True
    is_head_of_family = True
    dependents = 2
    willingness = Willingness.BERSEDIA


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    code = factory.Sequence(lambda n: f"USL-2025-{n + 1:03d}")
    name = factory.Sequence(lambda n: f"KUBE Usulan {n}")
    kelurahan = factory.LazyFunction(kelurahan)
    business_field = BusinessField.JASA
    proposer_kind = ProposerKind.MASYARAKAT
    proposed_on = dt.date(2025, 6, 2)
    facilitator = factory.SubFactory(FacilitatorFactory)


class ProposalCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalCandidate

    proposal = factory.SubFactory(ProposalFactory)
    candidate = factory.SubFactory(CandidateFactory)


def proposal_with(count: int, **kwargs) -> Proposal:
    """A proposal with `count` families who pass every check."""
    proposal = ProposalFactory(**kwargs)
    for _index in range(count):
        ProposalCandidateFactory(proposal=proposal)
    return proposal
