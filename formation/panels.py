"""The profile's panels: the program stages as a timeline, and families to fill free places."""

from django.conf import settings
from django.utils import timezone

from groups.models import KubeStatus
from kube_registry.panels import ProfilePanel

from .eligibility import candidate_checks
from .models import Candidate
from .selectors import candidate_facts, kube_stages, ranked_candidates

SUGGESTIONS = 5


def stages_context(request, kube) -> dict:
    """One query: the group's stages."""
    user = request.user
    if not user.has_perm("formation.view_kubestage"):
        return {"visible": False}
    return {"visible": True, "stages": kube_stages(kube), "can_record": user.has_perm("formation.add_kubestage")}


def replacement_context(request, kube) -> dict:
    """When members have left and places are free: the top waiting families of the group's kelurahan.

    Four queries: former members, the suggestions, and their checks (memberships, grants).
    """
    user = request.user
    if not user.has_perm("formation.view_candidate") or kube.status != KubeStatus.AKTIF:
        return {"visible": False}
    memberships = list(kube.memberships.values_list("left_on", "leave_reason"))
    left = [reason for left_on, reason in memberships if left_on is not None]
    active = len(memberships) - len(left)
    if not left or active >= settings.KUBE_MEMBERS_MAX:
        return {"visible": False}
    visible = Candidate.objects.visible_to(user).filter(kelurahan_id=kube.kelurahan_id)
    suggestions = list(ranked_candidates(visible).filter(open_proposal_id=None)[:SUGGESTIONS])
    facts = candidate_facts(suggestions, viewer=user)
    today = timezone.localdate()
    band = tuple(settings.KUBE_WORKING_AGE)
    kecamatan = kube.kelurahan.kecamatan.name
    rows = [
        (
            c,
            [
                check
                for check in candidate_checks(facts[c.pk], proposed_on=today, age_band=band, kecamatan_name=kecamatan)
                if not check.ok
            ],
        )
        for c in suggestions
    ]
    return {
        "visible": True,
        "left_count": len(left),
        "graduated_count": left.count("mampu"),
        "active_count": active,
        "rows": rows,
        "can_add": user.has_perm("groups.add_membership"),
    }


STAGES_PANEL = ProfilePanel(template="formation/includes/kube_stages.html", context=stages_context)
REPLACEMENT_PANEL = ProfilePanel(template="formation/includes/kube_replacement.html", context=replacement_context)
