"""Proposal workflow, the checks against the register, approval, replacements and stages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from finances.models import Grant, GrantSource
from formation import services
from formation.eligibility import CHECK_ACTIVE, CHECK_AID, CHECK_KECAMATAN, CHECK_SIZE
from formation.models import (
    Candidate,
    CandidateStatus,
    DecisionAction,
    KubeStage,
    ProposalStatus,
    Stage,
    Willingness,
)
from formation.selectors import proposal_review, ranked_candidates
from groups.models import Kube, KubeStatus, LeaveReason, Membership, Role
from groups.services import MSG_NIK_REGISTERED_ELSEWHERE
from tests.factories import KubeFactory, MembershipFactory, PersonFactory

from .factories import TANJUNG_LAUT, CandidateFactory, ProposalCandidateFactory, kelurahan, proposal_with

pytestmark = pytest.mark.django_db
TODAY = "2025-07-15"


def failed(review, code):
    return [item.candidate.name for item in review.candidates for check in item.failed if check.code == code]


def group_check(review, code):
    return next(check for check in review.group if check.code == code)


# --- Checks against the register --------------------------------------------------------


def test_active_member_of_another_kube_fails_former_member_passes(officer):
    proposal = proposal_with(5)
    entries = list(proposal.entries.select_related("candidate"))
    active, former = entries[0].candidate, entries[1].candidate
    MembershipFactory(person=PersonFactory(nik=active.nik, name=active.name), kube=KubeFactory(name="KUBE Melati"))
    MembershipFactory(
        person=PersonFactory(nik=former.nik, name=former.name),
        left_on=dt.date(2022, 1, 1),
        leave_reason=LeaveReason.PINDAH,
    )
    review = proposal_review(proposal)
    assert failed(review, CHECK_ACTIVE) == [active.name]
    item = next(i for i in review.candidates if i.candidate == active)
    assert [c.reason for c in item.failed] == ["Masih anggota aktif KUBE Melati."]


def test_earlier_aid_counts_grants_received_while_a_member_only(officer):
    proposal = proposal_with(5)
    aided, joined_after, left_before = [e.candidate for e in proposal.entries.all()[:3]]
    melati = KubeFactory(name="KUBE Melati", founded_on=dt.date(2015, 1, 1))
    Grant.objects.create(kube=melati, source=GrantSource.KEMENSOS, amount=20_000_000, received_on=dt.date(2016, 8, 1))
    for candidate, joined, left in (
        (aided, dt.date(2015, 1, 1), dt.date(2020, 1, 1)),
        (joined_after, dt.date(2017, 1, 1), dt.date(2020, 1, 1)),
        (left_before, dt.date(2015, 1, 1), dt.date(2016, 7, 31)),
    ):
        MembershipFactory(
            person=PersonFactory(nik=candidate.nik, name=candidate.name),
            kube=melati,
            joined_on=joined,
            left_on=left,
            leave_reason=LeaveReason.MAMPU,
        )
    review = proposal_review(proposal)
    assert failed(review, CHECK_AID) == [aided.name]


def test_two_kecamatan_in_one_proposal_fails_for_the_group_and_the_outsider():
    proposal = proposal_with(5)
    outsider = ProposalCandidateFactory(
        proposal=proposal, candidate=CandidateFactory(kelurahan=kelurahan(TANJUNG_LAUT))
    )
    review = proposal_review(proposal)
    assert not group_check(review, CHECK_KECAMATAN).ok
    assert failed(review, CHECK_KECAMATAN) == [outsider.candidate.name]
    one = proposal_review(proposal_with(5))
    assert group_check(one, CHECK_KECAMATAN).ok


@pytest.mark.parametrize(("count", "ok"), [(4, False), (5, True), (20, True), (21, False)])
def test_family_count_band(count, ok):
    assert group_check(proposal_review(proposal_with(count)), CHECK_SIZE).ok is ok


# --- Workflow -----------------------------------------------------------------------------


@freeze_time(TODAY)
def test_create_add_submit_records_who_and_when(facilitator):
    proposal = services.proposal_create(
        actor=facilitator,
        name="KUBE Sejahtera",
        kelurahan=kelurahan(),
        business_field="jasa",
        proposer_kind="kelurahan",
        proposed_on=dt.date(2025, 7, 1),
        facilitator=facilitator,
    )
    assert proposal.code == "USL-2025-001" and proposal.status == ProposalStatus.DRAF
    with pytest.raises(ValidationError, match="Tambahkan calon"):
        services.proposal_submit(actor=facilitator, proposal=proposal)
    candidate = services.candidate_save(
        actor=facilitator, nik="6474 0149 0385 0001", name="Siti", sex="P", kelurahan=kelurahan(), is_dtks=True
    )
    assert candidate.nik == "6474014903850001" and candidate.birth_on == dt.date(1985, 3, 9)
    services.proposal_candidate_add(actor=facilitator, proposal=proposal, candidate=candidate, role=Role.KETUA)
    second = CandidateFactory()
    with pytest.raises(ValidationError) as error:
        services.proposal_candidate_add(actor=facilitator, proposal=proposal, candidate=second, role=Role.KETUA)
    assert error.value.message_dict == {"role": ["Usulan ini sudah memiliki calon ketua: Siti."]}
    services.proposal_submit(actor=facilitator, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DIAJUKAN
    steps = list(proposal.decisions.values_list("action", "decided_by__username"))
    assert steps == [("dibuat", "pendamping1"), ("diajukan", "pendamping1")]


def test_a_family_is_on_one_open_proposal_at_a_time(facilitator):
    candidate = CandidateFactory(name="Rahmah")
    first = proposal_with(0, code="USL-2024-010")
    ProposalCandidateFactory(proposal=first, candidate=candidate)
    with pytest.raises(ValidationError, match="sudah tercantum dalam usulan USL-2024-010"):
        services.proposal_candidate_add(actor=facilitator, proposal=proposal_with(0), candidate=candidate)


def test_return_keeps_everything_and_resubmits(officer, facilitator):
    proposal = proposal_with(6, status=ProposalStatus.DIAJUKAN, facilitator=facilitator)
    with pytest.raises(ValidationError):
        services.proposal_return(actor=officer, proposal=proposal, reason="  ")
    services.proposal_return(actor=officer, proposal=proposal, reason="Lengkapi nomor KK.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DIKEMBALIKAN
    assert proposal.entries.count() == 6
    services.proposal_update(actor=facilitator, proposal=proposal, proposer_name="Lurah Guntung")
    services.proposal_submit(actor=facilitator, proposal=proposal)
    actions = list(proposal.decisions.values_list("action", "reason"))
    assert actions == [("dikembalikan", "Lengkapi nomor KK."), ("diajukan", "")]


def test_reject_needs_a_reason_and_frees_the_families(officer):
    proposal = proposal_with(5, status=ProposalStatus.DIAJUKAN)
    services.proposal_reject(actor=officer, proposal=proposal, reason="Usaha serupa sudah ada di RT ini.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DITOLAK
    candidate = proposal.entries.first().candidate
    services.proposal_candidate_add(actor=officer, proposal=proposal_with(0), candidate=candidate)
    with pytest.raises(ValidationError, match="berstatus ditolak"):
        services.proposal_update(actor=officer, proposal=proposal, name="Lain")


def test_only_a_submitted_proposal_is_decided(officer):
    draft = proposal_with(5)
    for action in (services.proposal_approve, services.proposal_return, services.proposal_reject):
        kwargs = {} if action is services.proposal_approve else {"reason": "x"}
        with pytest.raises(ValidationError, match="Hanya usulan yang berstatus diajukan"):
            action(actor=officer, proposal=draft, **kwargs)


@freeze_time(TODAY)
def test_approval_produces_exactly_the_group_and_memberships_listed(officer, facilitator):
    proposal = proposal_with(
        6,
        status=ProposalStatus.DIAJUKAN,
        facilitator=facilitator,
        name="KUBE Sejahtera",
        rt="03",
        proposer_kind="kelurahan",
        grant_source=GrantSource.KEMENSOS,
        grant_amount=12_000_000,
    )
    chair = proposal.entries.first()
    chair.role = Role.KETUA
    chair.save()
    kubes_before = set(Kube.objects.values_list("pk", flat=True))

    kube = services.proposal_approve(actor=officer, proposal=proposal)

    assert set(Kube.objects.values_list("pk", flat=True)) - kubes_before == {kube.pk}
    assert (kube.name, kube.kelurahan.code, kube.rt, kube.status, kube.founded_on) == (
        "KUBE Sejahtera",
        "64.74.01.1004",
        "03",
        KubeStatus.AKTIF,
        dt.date(2025, 7, 15),
    )
    assert kube.facilitator == facilitator and kube.initiative == "pemerintah"
    listed = {(e.candidate.nik, e.role) for e in proposal.entries.select_related("candidate")}
    members = set(Membership.objects.filter(kube=kube).values_list("person__nik", "role"))
    assert members == listed
    assert Membership.objects.filter(kube=kube, joined_on=dt.date(2025, 7, 15), left_on=None).count() == 6
    assert set(Candidate.objects.values_list("status", "placed_kube")) == {(CandidateStatus.DITEMPATKAN, kube.pk)}
    assert list(Grant.objects.filter(kube=kube).values_list("source", "amount", "received_on")) == [
        ("kemensos", 12_000_000, dt.date(2025, 7, 15))
    ]
    assert list(KubeStage.objects.filter(kube=kube).values_list("stage", "started_on")) == [
        ("persiapan", dt.date(2025, 6, 2)),
        ("pelaksanaan", dt.date(2025, 7, 15)),
    ]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.kube) == (ProposalStatus.DISETUJUI, kube)
    decision = proposal.decisions.get(action=DecisionAction.DISETUJUI)
    assert decision.decided_by == officer and decision.failed_checks == {"candidates": {}, "group": []}
    assert kube.history.first().history_user == officer


@freeze_time(TODAY)
def test_approval_past_a_failed_check_needs_a_recorded_reason(officer):
    proposal = proposal_with(5, status=ProposalStatus.DIAJUKAN)
    old = CandidateFactory(name="Tua", birth_on=dt.date(1960, 1, 1))
    ProposalCandidateFactory(proposal=proposal, candidate=old)
    with pytest.raises(ValidationError) as error:
        services.proposal_approve(actor=officer, proposal=proposal)
    assert error.value.message_dict == {
        "exception_reason": ["1 pemeriksaan tidak terpenuhi. Tuliskan alasan pengecualian untuk menyetujui usulan ini."]
    }
    assert not Kube.objects.filter(name=proposal.name).exists()
    kube = services.proposal_approve(actor=officer, proposal=proposal, exception_reason="Masih kuat bekerja.")
    assert kube.memberships.count() == 6
    decision = proposal.decisions.get(action="disetujui")
    assert decision.reason == "Masih kuat bekerja."
    assert decision.failed_checks["candidates"] == {
        "Tua": ["Usia produktif: Berusia 65 tahun pada tanggal usulan (2 Jun 2025); batas usia 18–59 tahun."]
    }
    # The approved proposal shows the checks as they read then, not "now a member of it".
    proposal.refresh_from_db()
    review = proposal_review(proposal)
    assert [(i.candidate.name, [c.code for c in i.failed]) for i in review.candidates if i.failed] == [
        ("Tua", ["usia"])
    ]


def test_blocking_check_refuses_approval_even_with_a_reason(officer):
    proposal = proposal_with(5, status=ProposalStatus.DIAJUKAN)
    member = proposal.entries.first().candidate
    MembershipFactory(person=PersonFactory(nik=member.nik), kube=KubeFactory(name="KUBE Melati"))
    with pytest.raises(ValidationError, match="Masih anggota aktif KUBE Melati"):
        services.proposal_approve(actor=officer, proposal=proposal, exception_reason="Tetap.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DIAJUKAN


# --- Waiting list and replacements ---------------------------------------------------------


def test_ranking_willing_then_poorest_then_dependents_then_longest_wait():
    names = [
        ("refused poorest", Willingness.TIDAK, 1, 9),
        ("unasked", Willingness.BELUM, 1, 5),
        ("willing decile 3", Willingness.BERSEDIA, 3, 9),
        ("willing decile 1, 2 dependents", Willingness.BERSEDIA, 1, 2),
        ("willing decile 1, 4 dependents", Willingness.BERSEDIA, 1, 4),
        ("willing decile unknown", Willingness.BERSEDIA, None, 9),
        ("willing decile 1, 4 dependents, later", Willingness.BERSEDIA, 1, 4),
    ]
    for name, willingness, decile, dependents in names:
        CandidateFactory(name=name, willingness=willingness, dtks_decile=decile, dependents=dependents)
    ranked = [c.name for c in ranked_candidates(Candidate.objects.all())]
    assert ranked == [
        "willing decile 1, 4 dependents",
        "willing decile 1, 4 dependents, later",
        "willing decile 1, 2 dependents",
        "willing decile 3",
        "willing decile unknown",
        "unasked",
        "refused poorest",
    ]


def test_placing_a_family_is_a_normal_membership(facilitator, kube):
    candidate = CandidateFactory(name="Hasnah")
    membership = services.candidate_place(actor=facilitator, kube=kube, candidate=candidate)
    assert membership.person.nik == candidate.nik and membership.role == Role.ANGGOTA
    candidate.refresh_from_db()
    assert (candidate.status, candidate.placed_kube) == (CandidateStatus.DITEMPATKAN, kube)
    with pytest.raises(ValidationError, match="tidak lagi menunggu"):
        services.candidate_place(actor=facilitator, kube=kube, candidate=candidate)


def test_placing_refuses_an_active_member_elsewhere(facilitator, officer, kube):
    """The office is told where; the facilitator, whose scope it is not, gets the neutral message."""
    candidate = CandidateFactory()
    MembershipFactory(person=PersonFactory(nik=candidate.nik), kube=KubeFactory(name="KUBE Melati"))
    with pytest.raises(ValidationError, match="masih anggota aktif KUBE Melati"):
        services.candidate_place(actor=officer, kube=kube, candidate=candidate)
    with pytest.raises(ValidationError) as refused:
        services.candidate_place(actor=facilitator, kube=kube, candidate=candidate)
    assert refused.value.messages == [MSG_NIK_REGISTERED_ELSEWHERE]
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.MENUNGGU


# --- Stages --------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_stages_begin_in_program_order(officer, kube):
    services.stage_record(actor=officer, kube=kube, stage=Stage.PERSIAPAN, started_on=dt.date(2020, 1, 6))
    services.stage_record(actor=officer, kube=kube, stage=Stage.PELAKSANAAN, started_on=dt.date(2020, 4, 1))
    with pytest.raises(ValidationError) as error:
        services.stage_record(actor=officer, kube=kube, stage=Stage.PENGEMBANGAN_USAHA, started_on=dt.date(2020, 3, 1))
    assert error.value.message_dict == {
        "started_on": ["Tahap pengembangan usaha tidak boleh dimulai sebelum tahap pelaksanaan (1 Apr 2020)."]
    }
    with pytest.raises(ValidationError, match="masa depan"):
        services.stage_record(actor=officer, kube=kube, stage=Stage.KEMITRAAN_USAHA, started_on=dt.date(2025, 8, 1))
    # Correcting a date keeps one record per stage.
    services.stage_record(actor=officer, kube=kube, stage=Stage.PELAKSANAAN, started_on=dt.date(2020, 4, 2))
    assert list(KubeStage.objects.filter(kube=kube).values_list("stage", "started_on")) == [
        ("persiapan", dt.date(2020, 1, 6)),
        ("pelaksanaan", dt.date(2020, 4, 2)),
    ]


# --- What the proposal pages ask of the services ----------------------------------------------


@freeze_time(TODAY)
def test_a_facilitators_proposal_is_their_own_whoever_the_values_name(facilitator, other_facilitator, officer):
    values = {
        "name": "KUBE Sejahtera",
        "kelurahan": kelurahan(),
        "business_field": "jasa",
        "proposer_kind": "kelurahan",
        "proposed_on": dt.date(2025, 7, 1),
        "facilitator": other_facilitator,
    }
    assert services.proposal_create(actor=facilitator, **values).facilitator == facilitator
    assert services.proposal_create(actor=officer, **values).facilitator == other_facilitator


@freeze_time(TODAY)
def test_families_picked_together_are_all_added_or_none(officer):
    proposal = proposal_with(0)
    free = CandidateFactory()
    taken = ProposalCandidateFactory(proposal=proposal_with(0)).candidate  # on another open proposal
    with pytest.raises(ValidationError, match="sudah tercantum dalam usulan"):
        services.proposal_candidates_add(actor=officer, proposal=proposal, candidates=[free, taken])
    assert not proposal.entries.exists()

    added = services.proposal_candidates_add(actor=officer, proposal=proposal, candidates=[free])
    assert [c.pk for c in added] == [free.pk] and proposal.entries.get().candidate == free


@freeze_time(TODAY)
def test_a_family_typed_on_a_refused_proposal_is_not_recorded_either(officer):
    proposal = proposal_with(0)
    holder = ProposalCandidateFactory(proposal=proposal, role=Role.KETUA).candidate
    with pytest.raises(ValidationError) as error:
        services.proposal_candidate_create(
            actor=officer,
            proposal=proposal,
            nik="6474 0149 0385 0001",
            role=Role.KETUA,
            name="Siti",
            sex="P",
            kelurahan=kelurahan(),
        )
    assert holder.name in error.value.message_dict["role"][0]
    assert not Candidate.objects.filter(nik="6474014903850001").exists()
