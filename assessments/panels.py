"""The "Penilaian" panel on the group profile: the current category, why, and what it still lacks."""

from django.utils import timezone

from kube_registry.panels import ProfilePanel

from .selectors import PROFILE_HISTORY, assess_now_refusal, assessment_summary, kube_assessments


def profile_context(request, kube) -> dict:
    """One query: the latest assessments with who ran and judged them (nothing without access)."""
    user = request.user
    if not user.has_perm("assessments.view_assessment"):
        return {"visible": False}
    # One more than shown tells whether the history page has more to show.
    recent = kube_assessments(kube, limit=PROFILE_HISTORY + 1)
    today = timezone.localdate()
    return {
        "visible": True,
        "current": assessment_summary(recent[0]) if recent else None,
        "recent": recent[:PROFILE_HISTORY],
        "has_more": len(recent) > PROFILE_HISTORY,
        "today": today,
        "can_assess": user.has_perm("assessments.add_assessment") and not assess_now_refusal(kube, today),
        "assessed_today": bool(recent) and recent[0].as_of == today,
        "can_judge": user.has_perm("assessments.judge_assessment"),
    }


ASSESSMENT_PANEL = ProfilePanel(template="assessments/includes/profile_section.html", context=profile_context)
