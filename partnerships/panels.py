"""The group profile's "Jejaring kemitraan" panel: the group's partners and how it works with them."""

from django.utils import timezone

from kube_registry.panels import ProfilePanel

from .models import PartnershipForm
from .selectors import kube_network


def network_context(request, kube) -> dict:
    """One query: the group's partnerships with their partners (nothing without access)."""
    user = request.user
    if not user.has_perm("partnerships.view_partnership"):
        return {"visible": False}
    return {
        "visible": True,
        "network": kube_network(kube, day=timezone.localdate()),
        "forms": PartnershipForm.choices,
        "can_add": user.has_perm("partnerships.add_partnership"),
        "can_change": user.has_perm("partnerships.change_partnership"),
    }


NETWORK_PANEL = ProfilePanel(template="partnerships/includes/kube_network.html", context=network_context)
