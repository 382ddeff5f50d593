"""Who may take each step, what the pages show, and query counts independent of rows."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from formation.models import Candidate, Proposal, ProposalStatus, Stage
from formation.panels import REPLACEMENT_PANEL
from formation.services import stage_record
from groups.models import LeaveReason
from tests.factories import ADMIN, ANON, FAC, NOROLE, OFFICER, OTHER, MembershipFactory

from .factories import CandidateFactory, ProposalCandidateFactory, ProposalFactory, kelurahan, proposal_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(facilitator):
    return proposal_with(5, facilitator=facilitator, status=ProposalStatus.DIAJUKAN)


OWN = {ANON: 302, FAC: 200, OTHER: 404, OFFICER: 200, ADMIN: 200, NOROLE: 404}
# Whoever may not see the proposal gets 404 before any 403.
DECIDE = {ANON: 302, FAC: 403, OTHER: 404, OFFICER: 200, ADMIN: 200, NOROLE: 404}
MATRIX = {
    "formation:proposal_list": {ANON: 302, FAC: 200, OTHER: 200, OFFICER: 200, ADMIN: 200, NOROLE: 403},
    "formation:proposal_create": {ANON: 302, FAC: 200, OTHER: 200, OFFICER: 200, ADMIN: 200, NOROLE: 403},
    "formation:candidate_list": {ANON: 302, FAC: 200, OTHER: 200, OFFICER: 200, ADMIN: 200, NOROLE: 403},
    "formation:proposal_detail": OWN,
    "formation:proposal_update": OWN,
    "formation:proposal_candidate_add": OWN,
    "formation:proposal_approve": DECIDE,
    "formation:proposal_return": DECIDE,
    "formation:proposal_reject": DECIDE,
}


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("persona", [ANON, FAC, OTHER, OFFICER, ADMIN, NOROLE])
def test_page_access_matrix(client_for, personas, proposal, name, persona):
    kwargs = {"pk": proposal.pk} if "proposal_" in name and not name.endswith(("_list", "_create")) else {}
    url = reverse(name, kwargs=kwargs)
    response = client_for(personas[persona]).get(url)
    assert response.status_code == MATRIX[name][persona], (url, persona)


def test_facilitator_proposes_but_cannot_approve(client_for, facilitator, proposal):
    response = client_for(facilitator).post(reverse("formation:proposal_approve", args=[proposal.pk]), {})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DIAJUKAN


@pytest.mark.parametrize(
    "name", ["proposal_submit", "proposal_candidate_pick", "proposal_update", "proposal_candidate_add"]
)
def test_another_facilitators_proposal_is_404_for_writes(client_for, other_facilitator, proposal, name):
    response = client_for(other_facilitator).post(reverse(f"formation:{name}", args=[proposal.pk]), {})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["proposal_submit", "proposal_candidate_pick"])
def test_one_shot_actions_are_post_only(client_for, facilitator, proposal, name):
    assert client_for(facilitator).get(reverse(f"formation:{name}", args=[proposal.pk])).status_code == 405


@freeze_time("2025-07-15")
def test_facilitator_creates_a_proposal_they_accompany(client_for, facilitator, other_facilitator):
    response = client_for(facilitator).post(
        reverse("formation:proposal_create"),
        {
            "name": "KUBE Sejahtera",
            "kelurahan": kelurahan().pk,
            "business_field": "jasa",
            "proposer_kind": "masyarakat",
            "proposed_on": "2025-07-10",
            "facilitator": other_facilitator.pk,  # not a field for a facilitator: ignored
            "grant_source": "kemensos",
            "grant_amount": "Rp 12.000.000",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert (proposal.facilitator, proposal.created_by, proposal.grant_amount) == (facilitator, facilitator, 12_000_000)


def test_grant_source_without_amount_is_refused_on_the_field(client_for, officer):
    response = client_for(officer).post(
        reverse("formation:proposal_create"),
        {
            "name": "KUBE X",
            "kelurahan": kelurahan().pk,
            "business_field": "jasa",
            "proposer_kind": "masyarakat",
            "proposed_on": "2025-01-10",
            "grant_source": "kemensos",
            "grant_amount": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["grant_amount"]


def test_facilitator_adds_a_typed_family_and_picks_from_the_waiting_list(client_for, facilitator):
    proposal = ProposalFactory(facilitator=facilitator)
    waiting = CandidateFactory(name="Dari Daftar", created_by=facilitator)
    client = client_for(facilitator)
    response = client.post(
        reverse("formation:proposal_candidate_add", args=[proposal.pk]),
        {
            "nik": "6474014903850001",
            "name": "Siti Baru",
            "sex": "P",
            "role": "ketua",
            "kelurahan": kelurahan().pk,
            "is_head_of_family": "on",
            "is_dtks": "on",
            "dependents": "3",
            "willingness": "bersedia",
        },
    )
    assert response.status_code == 302
    response = client.get(proposal.get_absolute_url())
    assert [c.name for c in response.context["waiting"]] == ["Dari Daftar"]
    client.post(reverse("formation:proposal_candidate_pick", args=[proposal.pk]), {"candidates": [waiting.pk]})
    assert sorted(proposal.entries.values_list("candidate__name", "role")) == [
        ("Dari Daftar", "anggota"),
        ("Siti Baru", "ketua"),
    ]
    assert Candidate.objects.get(name="Siti Baru").willingness_by == facilitator


def test_detail_shows_the_reason_beside_the_failing_family(client_for, officer):
    proposal = proposal_with(5, status=ProposalStatus.DIAJUKAN)
    ProposalCandidateFactory(proposal=proposal, candidate=CandidateFactory(name="Bukan DTKS", is_dtks=False))
    page = client_for(officer).get(proposal.get_absolute_url()).content.decode()
    assert "Terdaftar di DTKS:</span> Tidak terdaftar di DTKS." in page
    assert "Alasan pengecualian" in page


@pytest.mark.parametrize("count", [1, 15])
def test_proposal_list_query_count_does_not_grow(client_for, officer, django_assert_num_queries, count):
    for _index in range(count):
        proposal_with(2)
    client = client_for(officer)
    # session, user, the user's permissions and their roles' permissions, the proposals
    # (count, then the page with regions, facilitator and group), the kelurahan choices,
    # the user's roles (menu), the bell's unread count
    with django_assert_num_queries(9):
        response = client.get(reverse("formation:proposal_list"))
    assert len(response.context["proposals"]) == count


@pytest.mark.parametrize("count", [1, 12])
def test_proposal_detail_query_count_does_not_grow(client_for, officer, django_assert_num_queries, count):
    proposal = proposal_with(count, status=ProposalStatus.DIAJUKAN)
    client = client_for(officer)
    # session, user, permissions x2, the proposal, its families, their memberships and
    # grants (checks), its steps, the user's roles (menu), the bell's unread count
    with django_assert_num_queries(11):
        response = client.get(proposal.get_absolute_url())
    assert len(response.context["review"].candidates) == count


@pytest.mark.parametrize("count", [1, 12])
def test_waiting_list_query_count_does_not_grow(client_for, officer, django_assert_num_queries, count):
    CandidateFactory.create_batch(count)
    guntung = kelurahan()
    client = client_for(officer)
    # session, user, permissions x2, the kelurahan chosen, the families (count, page),
    # the kelurahan choices, the user's roles (menu), the bell's unread count
    with django_assert_num_queries(10):
        response = client.get(reverse("formation:candidate_list"), {"kelurahan": guntung.pk})
    assert len(response.context["candidates"]) == count


def test_other_facilitator_sees_no_families_of_a_kelurahan_they_do_not_work_in(client_for, other_facilitator):
    CandidateFactory(name="Rahasia")
    response = client_for(other_facilitator).get(reverse("formation:candidate_list"), {"kelurahan": kelurahan().pk})
    # A kelurahan outside the work area is not a choice: the page lists no family of it.
    assert "candidates" not in response.context
    assert "Rahasia" not in response.content.decode()


@freeze_time("2025-07-15")
def test_profile_shows_the_stage_timeline_and_records_a_stage(client_for, officer, kube):
    stage_record(actor=officer, kube=kube, stage=Stage.PERSIAPAN, started_on=dt.date(2020, 1, 6))
    client = client_for(officer)
    response = client.post(
        reverse("formation:stage_record", args=[kube.pk]), {"stage": "pelaksanaan", "started_on": "2020-04-01"}
    )
    assert response.status_code == 302
    page = client.get(kube.get_absolute_url()).content.decode()
    assert 'aria-current="step" data-stage="pelaksanaan"' in page
    assert "mulai 6 Jan 2020" in page


def test_facilitator_cannot_record_stages(client_for, facilitator, kube):
    response = client_for(facilitator).post(
        reverse("formation:stage_record", args=[kube.pk]), {"stage": "pelaksanaan", "started_on": "2020-04-01"}
    )
    assert response.status_code == 403


def test_profile_suggests_top_families_after_a_member_leaves(client_for, facilitator, kube):
    CandidateFactory(name="Kedua", dtks_decile=4)
    CandidateFactory(name="Pertama", dtks_decile=1)
    client = client_for(facilitator)
    assert "Calon pengganti" not in client.get(kube.get_absolute_url()).content.decode()
    MembershipFactory(kube=kube, left_on=dt.date(2024, 5, 1), leave_reason=LeaveReason.MAMPU)
    response = client.get(kube.get_absolute_url())
    section = dict(response.context["sections"])[REPLACEMENT_PANEL]
    assert [c.name for c, _failed in section["rows"]] == ["Pertama", "Kedua"]
    first = Candidate.objects.get(name="Pertama")
    response = client.post(reverse("formation:candidate_place", args=[kube.pk, first.pk]))
    assert response.status_code == 302
    assert kube.memberships.filter(person__nik=first.nik, left_on=None).exists()


def test_export_masks_nik_for_officers(client_for, officer, admin_user):
    proposal = proposal_with(1)
    nik = proposal.entries.get().candidate.nik
    csv_text = client_for(officer).get(reverse("formation:proposal_export", args=["csv"])).content.decode("utf-8-sig")
    assert nik not in csv_text and f"{nik[:4]} •••• •••• ••••" in csv_text
    # Every field quoted (csv.QUOTE_ALL).
    assert csv_text.splitlines()[0].startswith('"kode_usulan","nama_kube","kecamatan","kelurahan"')
    csv_text = (
        client_for(admin_user).get(reverse("formation:proposal_export", args=["csv"])).content.decode("utf-8-sig")
    )
    assert nik in csv_text
    response = client_for(officer).get(reverse("formation:proposal_export", args=["xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="usulan.xlsx"'


def test_officer_returns_with_a_reason_and_the_facilitator_reads_it(client_for, officer, facilitator, proposal):
    response = client_for(officer).post(
        reverse("formation:proposal_return", args=[proposal.pk]), {"reason": "Lengkapi nomor KK."}
    )
    assert response.status_code == 302
    page = client_for(facilitator).get(proposal.get_absolute_url()).content.decode()
    assert "Alasan pengembalian:</span> Lengkapi nomor KK." in page
    assert "Ajukan kembali" in page


def test_reject_without_a_reason_stays_on_the_form(client_for, officer, proposal):
    response = client_for(officer).post(reverse("formation:proposal_reject", args=[proposal.pk]), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DIAJUKAN
