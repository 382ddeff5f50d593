"""Writes for formation: candidates, proposals and their workflow, program stages.

Each service runs in one transaction, locks what it checks, raises ValidationError
with a translated message naming the field, and records who acted (history, and a
`ProposalDecision` row for each step of a proposal's workflow). An approval creates
the group, its members and its start-up grant through the services of `groups` and
`finances`, so their rules hold here too.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from finances.services import grant_create
from groups.models import Initiative, Kube, KubeStatus, Role, work_area
from groups.services import (
    MSG_NIK_REGISTERED_ELSEWHERE,
    area_check,
    blanks_dropped,
    kube_create,
    membership_add,
    nik_reachable_check,
)
from kube_registry.nik import MSG_NIK_SHAPE, IdNumberError, nik_well_formed, normalize_id_number, parse_kk, parse_nik
from kube_registry.values import MSG_DATE_IN_FUTURE
from kube_registry.versioning import version_bump, version_check

from .models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    STAGE_ORDER,
    Candidate,
    CandidateStatus,
    DecisionAction,
    KubeStage,
    Proposal,
    ProposalCandidate,
    ProposalDecision,
    ProposalStatus,
    ProposerKind,
    Stage,
    Willingness,
)
from .rules import grant_half_filled, holds_one_place, in_future
from .selectors import proposal_review

MSG_NOT_EDITABLE = gettext_noop("Usulan berstatus {status} tidak dapat diubah.")
MSG_NOT_SUBMITTED = gettext_noop("Hanya usulan yang berstatus diajukan yang dapat diputuskan (sekarang {status}).")
MSG_NO_CANDIDATES = gettext_noop("Tambahkan calon anggota sebelum mengajukan usulan.")
MSG_IN_OTHER_PROPOSAL = gettext_noop("{name} sudah tercantum dalam usulan {code} yang masih berjalan.")
MSG_ALREADY_IN = gettext_noop("{name} sudah tercantum dalam usulan ini.")
MSG_ROLE_TAKEN = gettext_noop("Usulan ini sudah memiliki calon {role}: {name}.")
MSG_NOT_WAITING = gettext_noop("{name} tidak lagi menunggu tempat ({status}).")
MSG_REASON_REQUIRED = gettext_noop("Tuliskan alasannya.")
MSG_EXCEPTION_REQUIRED = gettext_noop(
    "{count} pemeriksaan tidak terpenuhi. Tuliskan alasan pengecualian untuk menyetujui usulan ini."
)
MSG_BLOCKING = gettext_noop("Usulan tidak dapat disetujui: {name} — {reason}")
MSG_GRANT_TOGETHER = gettext_noop("Isi sumber dan jumlah bantuan modal bersama-sama, atau kosongkan keduanya.")
MSG_STAGE_ORDER = gettext_noop("Tahap {stage} tidak boleh dimulai {relation} tahap {other} ({date}).")
MSG_BEFORE = gettext_noop("sebelum")
MSG_AFTER = gettext_noop("sesudah")
MSG_OUTSIDE_WORK_AREA = gettext_noop(
    "Kelurahan ini di luar wilayah kerja Anda; wilayah kerja ditetapkan petugas Dinas Sosial."
)
MSG_CANDIDATE_NIK_TAKEN = gettext_noop("NIK ini sudah tercatat untuk {name}.")
MSG_CANDIDATE_ACTIVE = gettext_noop("{name} sudah menjadi anggota KUBE; tidak lagi menunggu tempat.")

CANDIDATE_FIELDS = (
    "kk",
    "name",
    "sex",
    "birth_on",
    "phone",
    "kelurahan",
    "rt",
    "is_dtks",
    "dtks_decile",
    "is_pkh",
    "is_head_of_family",
    "is_main_earner",
    "dependents",
    "willingness",
    "willingness_note",
)
PROPOSAL_FIELDS = (
    "name",
    "kelurahan",
    "rt",
    "address",
    "business_field",
    "business_description",
    "area_type",
    "proposer_kind",
    "proposer_name",
    "proposed_on",
    "facilitator",
    "grant_source",
    "grant_amount",
)
# Who started the group, as the register records it: the community itself (directly or
# through its social-welfare organisation) or the government (the kelurahan).
INITIATIVE_OF = {
    ProposerKind.MASYARAKAT: Initiative.MASYARAKAT,
    ProposerKind.ORSOS: Initiative.MASYARAKAT,
    ProposerKind.KELURAHAN: Initiative.PEMERINTAH,
}


def _day(day: dt.date) -> str:
    return date_format(day, "j M Y")


def _save(obj, actor):
    if obj.pk and hasattr(obj, "version"):  # proposals and families: a form read before is stale
        version_bump(obj)
    obj._history_user = actor
    obj.save()
    return obj


# --- Candidates ---------------------------------------------------------------------------


def candidate_values_check(values: dict[str, Any]) -> dict[str, Any]:
    """Normalise a family's identity numbers; an NIK that is 16 digits is stored even if
    its embedded date is wrong, so the "NIK sah" check can show why."""
    errors = {}
    nik = normalize_id_number(values.get("nik", ""))
    if not nik_well_formed(nik):
        errors["nik"] = _(MSG_NIK_SHAPE)
    values["nik"] = nik
    if values.get("kk"):
        try:
            values["kk"], _warnings = parse_kk(values["kk"])
        except IdNumberError as exc:
            errors["kk"] = str(exc)
    if not errors and not values.get("birth_on"):
        try:
            values["birth_on"] = parse_nik(nik, today=timezone.localdate()).birth_on
        except IdNumberError:
            pass
    if in_future(values.get("birth_on"), today=timezone.localdate()):
        errors["birth_on"] = _(MSG_DATE_IN_FUTURE)
    if errors:
        raise ValidationError(errors)
    return values


def _is_office(actor) -> bool:
    """The office (and the system: imports, the demo) works with every family of its area."""
    return actor is None or actor.has_perm("formation.view_all_proposal")


def work_area_check(*, actor, kelurahan) -> None:
    """A facilitator records families and drafts proposals only in their work area; the
    office anywhere in its city (`work_area` is both)."""
    if kelurahan is None or actor is None:
        return
    if not work_area(actor).filter(pk=kelurahan.pk).exists():
        raise ValidationError({"kelurahan": _(MSG_OUTSIDE_WORK_AREA)})


def _reachable(actor, candidate: Candidate) -> bool:
    return actor is None or Candidate.objects.visible_to(actor).filter(pk=candidate.pk).exists()


def candidate_nik_check(*, actor, nik: str, candidate: Candidate | None = None) -> None:
    """A NIK the family `candidate` (None: a new one) may take: not another family's, not
    an active member's outside `actor`'s groups. Outside the writer's scope the answer
    is the neutral message, which names nobody; the office sees the full conflict."""
    other = Candidate.objects.filter(nik=nik).exclude(pk=getattr(candidate, "pk", None)).first()
    if other is not None:
        if not _reachable(actor, other):
            raise ValidationError({"nik": _(MSG_NIK_REGISTERED_ELSEWHERE)})
        raise ValidationError({"nik": _(MSG_CANDIDATE_NIK_TAKEN).format(name=other.name)})
    nik_reachable_check(actor=actor, nik=nik)


@transaction.atomic
def candidate_save(*, actor, nik: str, **values: Any) -> Candidate:
    """Record a waiting family, or update the one with this NIK.

    A write never reaches a family outside the writer's scope: a NIK recorded for a
    family the facilitator may not see, or belonging to an active member of another
    facilitator's group, is refused with the neutral message.
    """
    values = candidate_values_check({"nik": nik, **values})
    nik = values.pop("nik")
    work_area_check(actor=actor, kelurahan=values.get("kelurahan"))
    candidate = Candidate.objects.select_for_update().filter(nik=nik).first()
    if candidate is not None and not _reachable(actor, candidate):
        raise ValidationError({"nik": _(MSG_NIK_REGISTERED_ELSEWHERE)})
    nik_reachable_check(actor=actor, nik=nik)
    if candidate is None:
        candidate = Candidate(nik=nik, created_by=actor)
        if values.get("willingness", Willingness.BELUM) != Willingness.BELUM:
            candidate.willingness_by, candidate.willingness_on = actor, timezone.localdate()
        for name, value in values.items():
            if name in CANDIDATE_FIELDS:
                setattr(candidate, name, value)
        return _save(candidate, actor)
    return candidate_update(actor=actor, candidate=candidate, **blanks_dropped(values))


@transaction.atomic
def candidate_update(*, actor, candidate: Candidate, version: int | None = None, **values: Any) -> Candidate:
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if not _reachable(actor, candidate):
        raise ValidationError(_(MSG_NIK_REGISTERED_ELSEWHERE))
    version_check(candidate, version, actor=actor, fields=("nik", *CANDIDATE_FIELDS))
    if "nik" in values:
        values = candidate_values_check(values)
        if values["nik"] != candidate.nik:
            candidate_nik_check(actor=actor, nik=values["nik"], candidate=candidate)
    if "kelurahan" in values and values["kelurahan"] != candidate.kelurahan:
        work_area_check(actor=actor, kelurahan=values["kelurahan"])
    changed = False
    if "willingness" in values and values["willingness"] != candidate.willingness:
        candidate.willingness_by, candidate.willingness_on = actor, timezone.localdate()
        changed = True
    for name, value in values.items():
        if name in (*CANDIDATE_FIELDS, "nik") and getattr(candidate, name) != value:
            setattr(candidate, name, value)
            changed = True
    if changed:
        _save(candidate, actor)
    return candidate


# --- Proposals ----------------------------------------------------------------------------


def proposal_code_next(*, year: int) -> str:
    """`USL-<year>-<sequence>`, e.g. USL-2025-007."""
    prefix = f"USL-{year}-"
    taken = Proposal.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    highest = max((int(c[len(prefix) :]) for c in taken if c[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:03d}"


def proposal_values_check(values: dict[str, Any]) -> None:
    errors = {}
    if in_future(values.get("proposed_on"), today=timezone.localdate()):
        errors["proposed_on"] = _(MSG_DATE_IN_FUTURE)
    if grant_half_filled(values.get("grant_source"), values.get("grant_amount")):
        errors["grant_amount"] = _(MSG_GRANT_TOGETHER)
    if errors:
        raise ValidationError(errors)


def _decision(proposal: Proposal, actor, action: str, reason: str = "", failed_checks: dict | None = None):
    return ProposalDecision.objects.create(
        proposal=proposal, action=action, reason=reason, failed_checks=failed_checks or {}, decided_by=actor
    )


@transaction.atomic
def proposal_create(*, actor, code: str = "", **values: Any) -> Proposal:
    """A draft proposal; a facilitator's own is theirs to facilitate, whoever the form named."""
    if not _is_office(actor):
        values["facilitator"] = actor
    proposal_values_check(values)
    area_check(actor=actor, values={"facilitator": values.get("facilitator")})
    work_area_check(actor=actor, kelurahan=values.get("kelurahan"))
    proposal = Proposal(**{k: v for k, v in values.items() if k in PROPOSAL_FIELDS})
    if not code:
        Proposal.objects.select_for_update().filter(code__startswith="USL-").exists()  # serialise numbering
        code = proposal_code_next(year=proposal.proposed_on.year)
    proposal.code = code
    proposal.created_by = actor
    _save(proposal, actor)
    _decision(proposal, actor, DecisionAction.DIBUAT)
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("kelurahan__kecamatan").get(pk=proposal.pk)


def _require_editable(proposal: Proposal) -> None:
    if proposal.status not in EDITABLE_STATUSES:
        raise ValidationError(_(MSG_NOT_EDITABLE).format(status=proposal.get_status_display().lower()))


@transaction.atomic
def proposal_update(*, actor, proposal: Proposal, version: int | None = None, **values: Any) -> Proposal:
    proposal = _lock(proposal)
    version_check(proposal, version, actor=actor, fields=(*PROPOSAL_FIELDS, "status"))
    _require_editable(proposal)
    proposal_values_check({f: getattr(proposal, f) for f in PROPOSAL_FIELDS} | values)
    if "kelurahan" in values and values["kelurahan"] != proposal.kelurahan:
        work_area_check(actor=actor, kelurahan=values["kelurahan"])
    if values.get("facilitator") and values["facilitator"] != proposal.facilitator:
        area_check(actor=actor, values={"facilitator": values["facilitator"]})
    changed = False
    for name, value in values.items():
        if name in PROPOSAL_FIELDS and getattr(proposal, name) != value:
            setattr(proposal, name, value)
            changed = True
    if changed:
        _save(proposal, actor)
    return proposal


@transaction.atomic
def proposal_candidate_add(*, actor, proposal: Proposal, candidate: Candidate, role: str = Role.ANGGOTA):
    """Put a waiting family on the proposal; a family is on one open proposal at a time."""
    proposal = _lock(proposal)
    _require_editable(proposal)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if not _reachable(actor, candidate):
        raise ValidationError({"nik": _(MSG_NIK_REGISTERED_ELSEWHERE)})
    if candidate.status != CandidateStatus.MENUNGGU:
        raise ValidationError(
            {"nik": _(MSG_NOT_WAITING).format(name=candidate.name, status=candidate.get_status_display().lower())}
        )
    other = (
        ProposalCandidate.objects.filter(candidate=candidate, proposal__status__in=OPEN_STATUSES)
        .select_related("proposal")
        .first()
    )
    if other is not None:
        if other.proposal_id == proposal.pk:
            raise ValidationError({"nik": _(MSG_ALREADY_IN).format(name=candidate.name)})
        raise ValidationError({"nik": _(MSG_IN_OTHER_PROPOSAL).format(name=candidate.name, code=other.proposal.code)})
    if holds_one_place(role):
        holder = proposal.entries.filter(role=role).select_related("candidate").first()
        if holder is not None:
            raise ValidationError(
                {"role": _(MSG_ROLE_TAKEN).format(role=Role(role).label.lower(), name=holder.candidate.name)}
            )
    entry = ProposalCandidate(proposal=proposal, candidate=candidate, role=role)
    return _save(entry, actor)


@transaction.atomic
def proposal_candidate_create(*, actor, proposal: Proposal, nik: str, role: str = Role.ANGGOTA, **values: Any):
    """A family typed in on the proposal: recorded on the waiting list (or updated by NIK) and put on
    it, both or neither."""
    candidate = candidate_save(actor=actor, nik=nik, **values)
    proposal_candidate_add(actor=actor, proposal=proposal, candidate=candidate, role=role)
    return candidate


@transaction.atomic
def proposal_candidates_add(*, actor, proposal: Proposal, candidates) -> list[Candidate]:
    """Families picked from the waiting list, all put on the proposal or none."""
    for candidate in candidates:
        proposal_candidate_add(actor=actor, proposal=proposal, candidate=candidate)
    return list(candidates)


@transaction.atomic
def proposal_candidate_remove(*, actor, entry: ProposalCandidate) -> None:
    proposal = _lock(entry.proposal)
    _require_editable(proposal)
    entry._history_user = actor
    entry.delete()


@transaction.atomic
def proposal_submit(*, actor, proposal: Proposal) -> Proposal:
    proposal = _lock(proposal)
    _require_editable(proposal)
    if not proposal.entries.exists():
        raise ValidationError(_(MSG_NO_CANDIDATES))
    proposal.status = ProposalStatus.DIAJUKAN
    _save(proposal, actor)
    _decision(proposal, actor, DecisionAction.DIAJUKAN)
    return proposal


def _require_submitted(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.DIAJUKAN:
        raise ValidationError(_(MSG_NOT_SUBMITTED).format(status=proposal.get_status_display().lower()))


def _decide_with_reason(
    *, actor, proposal: Proposal, reason: str, status: str, action: str, version: int | None = None
) -> Proposal:
    proposal = _lock(proposal)
    version_check(proposal, version, actor=actor, fields=(*PROPOSAL_FIELDS, "status"))
    _require_submitted(proposal)
    if not reason.strip():
        raise ValidationError({"reason": _(MSG_REASON_REQUIRED)})
    proposal.status = status
    _save(proposal, actor)
    _decision(proposal, actor, action, reason.strip(), proposal_review(proposal).failures_snapshot())
    return proposal


@transaction.atomic
def proposal_return(*, actor, proposal: Proposal, reason: str, version: int | None = None) -> Proposal:
    """Back to its authors with a reason; everything on it stays for the next round."""
    return _decide_with_reason(
        actor=actor,
        proposal=proposal,
        reason=reason,
        status=ProposalStatus.DIKEMBALIKAN,
        action=DecisionAction.DIKEMBALIKAN,
        version=version,
    )


@transaction.atomic
def proposal_reject(*, actor, proposal: Proposal, reason: str, version: int | None = None) -> Proposal:
    """Refused with a reason; its families are free for another proposal."""
    return _decide_with_reason(
        actor=actor,
        proposal=proposal,
        reason=reason,
        status=ProposalStatus.DITOLAK,
        action=DecisionAction.DITOLAK,
        version=version,
    )


@transaction.atomic
def proposal_approve(*, actor, proposal: Proposal, exception_reason: str = "", version: int | None = None) -> Kube:
    """The proposal becomes a KUBE: active, founded today, its families members.

    Failed checks need `exception_reason` (one reason for the whole proposal, kept
    with the list of checks it covered); a blocking check refuses the approval.
    """
    proposal = _lock(proposal)
    version_check(proposal, version, actor=actor, fields=(*PROPOSAL_FIELDS, "status"))
    _require_submitted(proposal)
    review = proposal_review(proposal)
    if review.blocking:
        name, check = review.blocking[0]
        raise ValidationError(_(MSG_BLOCKING).format(name=name, reason=check.reason))
    exception_reason = exception_reason.strip()
    if review.failed_count and not exception_reason:
        raise ValidationError({"exception_reason": _(MSG_EXCEPTION_REQUIRED).format(count=review.failed_count)})
    today = timezone.localdate()
    kube = kube_create(
        actor=actor,
        name=proposal.name,
        kelurahan=proposal.kelurahan,
        rt=proposal.rt,
        address=proposal.address,
        founded_on=today,
        business_field=proposal.business_field,
        business_description=proposal.business_description,
        area_type=proposal.area_type,
        initiative=INITIATIVE_OF.get(proposal.proposer_kind, ""),
        facilitator=proposal.facilitator,
        status=KubeStatus.AKTIF,
    )
    for item in review.candidates:
        candidate = item.candidate
        membership_add(
            actor=actor,
            kube=kube,
            nik=candidate.nik,
            name=candidate.name,
            sex=candidate.sex,
            role=item.entry.role,
            joined_on=today,
            birth_on=candidate.birth_on,
            kk=candidate.kk,
            phone=candidate.phone,
            is_dtks=candidate.is_dtks,
            is_pkh=candidate.is_pkh,
        )
        candidate.status, candidate.placed_kube = CandidateStatus.DITEMPATKAN, kube
        _save(candidate, actor)
    if proposal.grant_source and proposal.grant_amount is not None:
        grant_create(
            actor=actor,
            kube=kube,
            source=proposal.grant_source,
            amount=proposal.grant_amount,
            received_on=today,
            description=_("Bantuan modal usaha dari usulan {code}").format(code=proposal.code),
        )
    stage_record(actor=actor, kube=kube, stage=Stage.PERSIAPAN, started_on=min(proposal.proposed_on, today))
    stage_record(actor=actor, kube=kube, stage=Stage.PELAKSANAAN, started_on=today)
    proposal.status, proposal.kube = ProposalStatus.DISETUJUI, kube
    _save(proposal, actor)
    _decision(proposal, actor, DecisionAction.DISETUJUI, exception_reason, review.failures_snapshot())
    return kube


# --- Replacing members --------------------------------------------------------------------


@transaction.atomic
def candidate_place(*, actor, kube: Kube, candidate: Candidate, joined_on: dt.date | None = None):
    """A waiting family takes a free place: a normal membership, with its checks."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != CandidateStatus.MENUNGGU:
        raise ValidationError(
            _(MSG_NOT_WAITING).format(name=candidate.name, status=candidate.get_status_display().lower())
        )
    other = (
        ProposalCandidate.objects.filter(candidate=candidate, proposal__status__in=OPEN_STATUSES)
        .select_related("proposal")
        .first()
    )
    if other is not None:
        raise ValidationError(_(MSG_IN_OTHER_PROPOSAL).format(name=candidate.name, code=other.proposal.code))
    membership = membership_add(
        actor=actor,
        kube=kube,
        nik=candidate.nik,
        name=candidate.name,
        sex=candidate.sex,
        joined_on=joined_on or timezone.localdate(),
        birth_on=candidate.birth_on,
        kk=candidate.kk,
        phone=candidate.phone,
        is_dtks=candidate.is_dtks,
        is_pkh=candidate.is_pkh,
    )
    candidate.status, candidate.placed_kube = CandidateStatus.DITEMPATKAN, kube
    _save(candidate, actor)
    return membership


# --- Program stages -----------------------------------------------------------------------


@transaction.atomic
def stage_record(*, actor, kube: Kube, stage: str, started_on: dt.date, note: str = "") -> KubeStage:
    """Record (or correct) the date a group began a stage; stages begin in program order."""
    Kube.objects.select_for_update().filter(pk=kube.pk).get()
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _(MSG_DATE_IN_FUTURE)})
    position = STAGE_ORDER[stage]
    others = KubeStage.objects.filter(kube=kube).exclude(stage=stage)
    for other in others:
        wrong_before = other.position < position and started_on < other.started_on
        wrong_after = other.position > position and started_on > other.started_on
        if wrong_before or wrong_after:
            raise ValidationError(
                {
                    "started_on": _(MSG_STAGE_ORDER).format(
                        stage=Stage(stage).label.lower(),
                        relation=_(MSG_BEFORE) if wrong_before else _(MSG_AFTER),
                        other=other.get_stage_display().lower(),
                        date=_day(other.started_on),
                    )
                }
            )
    record = KubeStage.objects.select_for_update().filter(kube=kube, stage=stage).first()
    if record is None:
        record = KubeStage(kube=kube, stage=stage, position=position)
    elif record.started_on == started_on and record.note == note:
        return record
    record.started_on, record.note = started_on, note
    try:
        with transaction.atomic():
            return _save(record, actor)
    except IntegrityError as exc:  # another request recorded the same stage meanwhile
        raise ValidationError(_("Tahap ini baru saja dicatat orang lain; muat ulang halaman.")) from exc
