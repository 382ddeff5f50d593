"""Demo data for formation: waiting families, proposals in every state, program stages.

Built by `seed_demo` after the groups exist (pages/demo.py). Proposals go
through the services, so the demo holds what users would have made: a draft, a
submitted proposal with one family failing a check, a returned one with its reason,
a rejected one; and the newest of pendamping1's groups shows the approved proposal it
came from. Every group gets the stages its age suggests; Mekar Sari its own history.
Every random choice comes from `ctx.stream(...)`.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from simple_history.utils import bulk_create_with_history

from finances.models import GrantSource
from groups.demo import DemoContext, IdentityNumbers, person_name
from groups.models import Kelurahan, Kube, Person, Sex
from groups.services import facilitator_area_set

from . import services
from .demo_data import (
    FAMILIES_PER_KELURAHAN,
    MEKAR_SARI_STAGES,
    PROPOSALS,
)
from .models import (
    STAGE_ORDER,
    Candidate,
    DecisionAction,
    KubeStage,
    Proposal,
    ProposalCandidate,
    ProposalDecision,
    ProposalStatus,
    Stage,
    Willingness,
)


def _stages(ctx: DemoContext) -> int:
    """Mekar Sari's own stages; other groups the stages their age suggests."""
    rng = ctx.stream("formation-stages")
    rows = []
    for kube_id, founded_on in Kube.objects.order_by("pk").values_list("pk", "founded_on"):
        if kube_id == ctx.mekar_sari.pk:
            dates = list(MEKAR_SARI_STAGES)
        else:
            dates = [
                (Stage.PERSIAPAN, founded_on - dt.timedelta(days=rng.randint(30, 120))),
                (Stage.PELAKSANAAN, founded_on),
            ]
            years = (ctx.today - founded_on).days / 365
            for stage, after in ((Stage.PENGEMBANGAN_USAHA, 1), (Stage.KEMITRAAN_USAHA, 2), (Stage.MONEV, 3)):
                if years < after or rng.random() < 0.35:
                    break
                dates.append((stage, founded_on + dt.timedelta(days=int(365 * after) + rng.randint(0, 120))))
        for stage, started_on in dates:
            if started_on <= ctx.today:
                rows.append(KubeStage(kube_id=kube_id, stage=stage, position=STAGE_ORDER[stage], started_on=started_on))
    bulk_create_with_history(rows, KubeStage, batch_size=2_000, default_user=ctx.admin)
    return len(rows)


def _families(ctx: DemoContext, kelurahans, facilitator) -> dict[int, list[Candidate]]:
    rng = ctx.stream("formation")
    ids = IdentityNumbers(
        [*Person.objects.values_list("nik", flat=True), *Candidate.objects.values_list("nik", flat=True)]
    )
    by_kelurahan: dict[int, list[Candidate]] = {}
    for kelurahan in kelurahans:
        region = kelurahan.kecamatan.code.replace(".", "")
        made = []
        for _index in range(FAMILIES_PER_KELURAHAN):
            sex = Sex.FEMALE if rng.random() < 0.7 else Sex.MALE
            birth_on = dt.date(rng.randint(1968, 2003), rng.randint(1, 12), rng.randint(1, 28))
            decile = rng.choice((1, 1, 2, 2, 3, 4, None))
            willingness = rng.choices(list(Willingness), weights=(7, 2, 1))[0]
            made.append(
                services.candidate_save(
                    actor=facilitator,
                    nik=ids.nik(rng, region=region, sex=sex, birth_on=birth_on),
                    name=person_name(rng, sex),
                    sex=sex,
                    birth_on=birth_on,
                    kelurahan=kelurahan,
                    rt=f"{rng.randint(1, 30):02d}",
                    is_dtks=decile is not None or rng.random() < 0.5,
                    dtks_decile=decile,
                    is_pkh=rng.random() < 0.4,
                    is_head_of_family=sex == Sex.MALE or rng.random() < 0.5,
                    is_main_earner=True,
                    dependents=rng.randint(0, 6),
                    willingness=willingness,
                    willingness_note="" if willingness == Willingness.BELUM else "Ditanyakan saat kunjungan rumah.",
                )
            )
        by_kelurahan[kelurahan.pk] = made
    return by_kelurahan


def _proposals(ctx: DemoContext, kelurahans, families, facilitator) -> dict[str, int]:
    officer = ctx.officer
    counts = {"usulan": 0}
    for index, (name, business, size, failing, state, reason) in enumerate(PROPOSALS):
        kelurahan = kelurahans[index % len(kelurahans)]
        pool = [c for c in families[kelurahan.pk] if c.willingness != Willingness.TIDAK and c.status == "menunggu"]
        proposal = services.proposal_create(
            actor=facilitator,
            name=name,
            kelurahan=kelurahan,
            business_field=business,
            business_description="",
            proposer_kind="kelurahan" if index % 2 else "masyarakat",
            proposed_on=ctx.today - dt.timedelta(days=40 - index * 5),
            facilitator=facilitator,
            grant_source=GrantSource.KEMENSOS if state == "diajukan" else "",
            grant_amount=2_000_000 * size if state == "diajukan" else None,
        )
        chosen = pool[:size]
        for position, candidate in enumerate(chosen):
            if failing == "dtks" and position == size - 1:
                candidate = services.candidate_update(
                    actor=facilitator, candidate=candidate, is_dtks=False, dtks_decile=None
                )
            else:
                # The others pass every check, so the one failure is the one shown.
                candidate = services.candidate_update(
                    actor=facilitator, candidate=candidate, is_dtks=True, is_head_of_family=True
                )
            role = ("ketua", "sekretaris", "bendahara")[position] if position < 3 else "anggota"
            services.proposal_candidate_add(actor=facilitator, proposal=proposal, candidate=candidate, role=role)
        families[kelurahan.pk] = [c for c in families[kelurahan.pk] if c not in chosen]
        if state != "draf":
            services.proposal_submit(actor=facilitator, proposal=proposal)
        if state == "dikembalikan":
            services.proposal_return(actor=officer, proposal=proposal, reason=reason)
        elif state == "ditolak":
            services.proposal_reject(actor=officer, proposal=proposal, reason=reason)
        counts["usulan"] += 1
    return counts


def _approved(ctx: DemoContext, facilitator) -> int:
    """The newest of pendamping1's groups came from a proposal: its founding members were
    its families. Recorded as the office would have (not approved again: `--groups N`
    stays the number of groups)."""
    kube = (
        Kube.objects.filter(facilitator=facilitator)
        .exclude(pk=ctx.mekar_sari.pk)
        .select_related("kelurahan")
        .order_by("-founded_on", "no_registrasi")
        .first()
    )
    if kube is None:
        return 0
    proposed_on = kube.founded_on - dt.timedelta(days=60)
    proposal = Proposal.objects.create(
        code=services.proposal_code_next(year=proposed_on.year),
        name=kube.name,
        kelurahan=kube.kelurahan,
        rt=kube.rt,
        business_field=kube.business_field,
        business_description=kube.business_description,
        proposer_kind="masyarakat",
        proposed_on=proposed_on,
        facilitator=facilitator,
        status=ProposalStatus.DISETUJUI,
        kube=kube,
        created_by=facilitator,
    )
    founders = kube.memberships.filter(joined_on__lte=kube.founded_on).select_related("person").order_by("pk")
    for membership in founders:
        person = membership.person
        # update_or_create: a family may be known from an earlier run over a cleared register.
        candidate, _created = Candidate.objects.update_or_create(
            nik=person.nik,
            defaults={
                "kk": person.kk,
                "name": person.name,
                "sex": person.sex,
                "birth_on": person.birth_on,
                "kelurahan": kube.kelurahan,
                "is_dtks": person.is_dtks,
                "is_pkh": person.is_pkh,
                "is_head_of_family": True,
                "willingness": Willingness.BERSEDIA,
                "status": "ditempatkan",
                "placed_kube": kube,
                "created_by": facilitator,
            },
        )
        ProposalCandidate.objects.create(proposal=proposal, candidate=candidate, role=membership.role)
    steps = ((DecisionAction.DIBUAT, facilitator), (DecisionAction.DIAJUKAN, facilitator))
    for action, user in (*steps, (DecisionAction.DISETUJUI, ctx.officer)):
        ProposalDecision.objects.create(proposal=proposal, action=action, decided_by=user)
    return 1


def build_formation(ctx: DemoContext) -> dict[str, int]:
    facilitator = ctx.facilitators[0] if ctx.facilitators else get_user_model().objects.get(username="pendamping1")
    counts = {"tahap": _stages(ctx)}
    if not Kube.objects.exclude(pk=ctx.mekar_sari.pk).exists():
        return counts  # --groups 0: just the regions, Mekar Sari and the users (contract 2)
    counts["usulan"] = _approved(ctx, facilitator)
    # Families wait in Mekar Sari's kelurahan and two more of its kecamatan.
    home = ctx.mekar_sari.kelurahan
    kelurahans = [
        home,
        *Kelurahan.objects.filter(kecamatan_id=home.kecamatan_id).exclude(pk=home.pk).order_by("code")[:2],
    ]
    # pendamping1's work area covers them, as the office would have set it.
    area = {*Kelurahan.objects.filter(facilitator_areas__facilitator=facilitator), *kelurahans}
    facilitator_area_set(actor=ctx.officer, facilitator=facilitator, kelurahans=area)
    families = _families(ctx, kelurahans, facilitator)
    counts["calon"] = sum(len(f) for f in families.values())
    counts["usulan"] += _proposals(ctx, kelurahans, families, facilitator)["usulan"]
    return counts
