"""The group profile's own parts: its members, the member-count warning and the change history.

`templates/groups/kube_detail.html` lays them out (identity and members first, history
last); the other apps' panels, listed in `pages/profile.py`, come between.
"""

from kube_registry.masking import can_see_personal_data

from .selectors import kube_history, kube_memberships, member_count_warning


def profile_context(request, kube) -> dict:
    """Six queries: the memberships with their persons; the history (group, memberships,
    persons, users, kelurahan)."""
    active, former = kube_memberships(kube)
    return {
        "active_members": active,
        "former_members": former,
        "member_warning": member_count_warning(len(active), kube.status),
        "history": kube_history(kube, can_see_personal_data=can_see_personal_data(request.user)),
    }
