"""Reads for formation: proposals with their checks, the ranked waiting lists, stages.

Each function answers one block of a page with a fixed number of queries, whatever
the number of rows.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from finances.models import Grant, GrantSource
from groups.areas import KUBE_CITY, area_of
from groups.models import Kube, Membership

from .eligibility import CandidateFacts, Check, EarlierAid, candidate_checks, group_checks
from .models import (
    OPEN_STATUSES,
    Candidate,
    CandidateStatus,
    KubeStage,
    Proposal,
    ProposalCandidate,
    ProposalDecision,
    Stage,
    Willingness,
)


def proposal_queryset(user) -> QuerySet[Proposal]:
    """The proposals `user` may see, with what the list shows: two queries for any page (count and rows)."""
    return (
        Proposal.objects.visible_to(user)
        .select_related("kelurahan__kecamatan", "facilitator", "kube")
        .annotate(candidate_count=Count("entries"))
    )


# --- Checks ------------------------------------------------------------------------------


@dataclass
class CandidateReview:
    entry: ProposalCandidate
    candidate: Candidate
    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


@dataclass
class ProposalReview:
    proposal: Proposal
    candidates: list[CandidateReview]
    group: list[Check]

    @property
    def failed_count(self) -> int:
        return sum(len(c.failed) for c in self.candidates) + sum(1 for check in self.group if not check.ok)

    @property
    def blocking(self) -> list[tuple[str, Check]]:
        return [(c.candidate.name, check) for c in self.candidates for check in c.failed if check.is_blocking]

    def failures_snapshot(self) -> dict:
        """The failed checks as plain text, kept with a decision."""
        return {
            "candidates": {
                c.candidate.name: [f"{check.label}: {check.reason}" for check in c.failed]
                for c in self.candidates
                if c.failed
            },
            "group": [f"{check.label}: {check.reason}" for check in self.group if not check.ok],
        }


def _group_name_for(viewer):
    """The name of a person's other group as `viewer` may read it: a facilitator learns
    that a family is in (or had aid from) another's group, never which one; the office
    names only its own area's groups (another city's is "KUBE lain" too)."""
    if viewer is None:
        return lambda name, facilitator_id, city_code: name
    if viewer.has_perm("groups.view_all_kube"):
        area = area_of(viewer)
        return lambda name, facilitator_id, city_code: name if area.holds_city(city_code) else _("KUBE lain")
    return lambda name, facilitator_id, city_code: name if facilitator_id == viewer.pk else _("KUBE lain")


def candidate_facts(
    candidates: list[Candidate], *, exclude_kube_id: int | None = None, viewer=None
) -> dict[int, CandidateFacts]:
    """Facts for the checks of many candidates: two queries (memberships, grants).

    Earlier KUBE aid: a grant received by a group while the person was its member
    (joined on or before the grant, or without a join date; not left before it).
    `viewer`: whose page shows the checks (None: the office's own records).
    """
    niks = [c.nik for c in candidates]
    group_name = _group_name_for(viewer)
    active = {
        nik: group_name(name, facilitator_id, city_code)
        for nik, name, facilitator_id, city_code in Membership.objects.active()
        .filter(person__nik__in=niks)
        .exclude(kube_id=exclude_kube_id)
        .values_list("person__nik", "kube__name", "kube__facilitator_id", f"kube__{KUBE_CITY}__code")
    }
    sources = dict(GrantSource.choices)
    aid: dict[str, list[EarlierAid]] = defaultdict(list)
    grants = (
        Grant.objects.filter(
            Q(received_on__gte=Coalesce(F("kube__memberships__joined_on"), F("kube__founded_on"))),
            Q(kube__memberships__left_on__isnull=True) | Q(received_on__lte=F("kube__memberships__left_on")),
            kube__memberships__person__nik__in=niks,
        )
        .exclude(kube_id=exclude_kube_id)
        .values_list(
            "kube__memberships__person__nik",
            "kube__name",
            "kube__facilitator_id",
            f"kube__{KUBE_CITY}__code",
            "source",
            "received_on",
        )
    )
    for nik, kube_name, facilitator_id, city_code, source, received_on in grants:
        aid[nik].append(
            EarlierAid(group_name(kube_name, facilitator_id, city_code), str(sources.get(source, source)), received_on)
        )
    return {
        c.pk: CandidateFacts(
            nik=c.nik,
            sex=c.sex,
            birth_on=c.birth_on,
            is_dtks=c.is_dtks,
            is_head_of_family=c.is_head_of_family,
            is_main_earner=c.is_main_earner,
            kecamatan_name=c.kelurahan.kecamatan.name,
            active_kube=active.get(c.nik, ""),
            aid=tuple(aid.get(c.nik, ())),
        )
        for c in candidates
    }


def proposal_review(proposal: Proposal, *, viewer=None) -> ProposalReview:
    """The proposal's candidates with their checks, and the group checks: three queries.

    (entries with candidates and regions, active memberships, grants). Once approved,
    the group it became is left out of the "active member" and "earlier aid" checks,
    so the page still shows the checks as the decision saw them.
    """
    entries = list(
        proposal.entries.select_related("candidate__kelurahan__kecamatan").order_by(
            Case(
                *(When(role=role, then=Value(i)) for i, role in enumerate(("ketua", "sekretaris", "bendahara"))),
                default=Value(3),
                output_field=IntegerField(),
            ),
            "candidate__name",
        )
    )
    candidates = [entry.candidate for entry in entries]
    facts = candidate_facts(candidates, exclude_kube_id=proposal.kube_id, viewer=viewer)
    kecamatan = proposal.kelurahan.kecamatan.name
    band = tuple(settings.KUBE_WORKING_AGE)
    reviews = [
        CandidateReview(
            entry,
            entry.candidate,
            candidate_checks(
                facts[entry.candidate_id], proposed_on=proposal.proposed_on, age_band=band, kecamatan_name=kecamatan
            ),
        )
        for entry in entries
    ]
    group = group_checks(
        [c.kelurahan.kecamatan.name for c in candidates],
        expected_kecamatan=kecamatan,
        size_band=(settings.KUBE_MEMBERS_MIN, settings.KUBE_MEMBERS_MAX),
    )
    return ProposalReview(proposal, reviews, group)


def proposal_decisions(proposal: Proposal) -> list[ProposalDecision]:
    """Who took each step, when and why: one query."""
    return list(proposal.decisions.select_related("decided_by").order_by("decided_at", "pk"))


# --- Waiting lists -------------------------------------------------------------------------

# The ranking, in order (README "Formation"): families who said they are willing first
# and those who refused last; then the poorest by DTKS decile (unknown after known);
# then more dependents; then the longest wait.
RANKING = (
    "willingness_rank",
    F("dtks_decile").asc(nulls_last=True),
    "-dependents",
    "created_at",
    "pk",
)


def ranked_candidates(queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Waiting families in ranking order, each marked with an open proposal holding it."""
    open_entry = ProposalCandidate.objects.filter(candidate=OuterRef("pk"), proposal__status__in=OPEN_STATUSES)
    return (
        queryset.filter(status=CandidateStatus.MENUNGGU)
        .select_related("kelurahan__kecamatan")
        .annotate(
            willingness_rank=Case(
                When(willingness=Willingness.BERSEDIA, then=Value(0)),
                When(willingness=Willingness.BELUM, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            open_proposal_code=Subquery(open_entry.values("proposal__code")[:1]),
            open_proposal_id=Subquery(open_entry.values("proposal_id")[:1]),
        )
        .order_by(*RANKING)
    )


def proposals_filtered(user, *, status: str = "", kelurahan=None) -> QuerySet[Proposal]:
    """The proposals the user may see, narrowed to a status and a kelurahan when given."""
    proposals = proposal_queryset(user)
    if status:
        proposals = proposals.filter(status=status)
    if kelurahan:
        proposals = proposals.filter(kelurahan=kelurahan)
    return proposals


def proposal_waiting_candidates(proposal: Proposal, *, user, limit: int = 50) -> list[Candidate]:
    """Waiting families of the proposal's kecamatan, in ranking order, held by no open proposal."""
    visible = Candidate.objects.visible_to(user).filter(kelurahan__kecamatan=proposal.kelurahan.kecamatan_id)
    return list(ranked_candidates(visible).filter(open_proposal_id=None)[:limit])


def waiting_counts_by_kelurahan(queryset: QuerySet[Candidate]) -> list[dict]:
    """How many families wait in each kelurahan (of `queryset`), by kecamatan and kelurahan name: one query."""
    return list(
        ranked_candidates(queryset)
        .order_by()
        .values("kelurahan__pk", "kelurahan__name", "kelurahan__kecamatan__name")
        .annotate(waiting=Count("pk"))
        .order_by("kelurahan__kecamatan__name", "kelurahan__name")
    )


# --- Stages --------------------------------------------------------------------------------


def kube_stages(kube: Kube) -> list[dict]:
    """Every stage of the program, begun or not, in order, with its start date: one query."""
    begun = {s.stage: s for s in KubeStage.objects.filter(kube=kube)}
    current = max(begun.values(), key=lambda s: (s.started_on, s.position), default=None)
    return [
        {
            "stage": stage,
            "record": begun.get(stage.value),
            "is_current": current is not None and current.stage == stage.value,
        }
        for stage in Stage
    ]


def current_stage_subquery():
    """The stage a group began last (by date, then by program order), for annotations."""
    latest = KubeStage.objects.filter(kube=OuterRef("pk")).order_by("-started_on", "-position")
    return Subquery(latest.values("stage")[:1])
