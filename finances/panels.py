"""The finances panel on the group profile: latest reports and the products over time."""

from kube_registry.panels import ProfilePanel

from .models import MonthlyReport
from .selectors import kube_products

LATEST_REPORTS = 6


def profile_context(request, kube) -> dict:
    """Two queries: the latest reports and the products (nothing for users without access)."""
    if not request.user.has_perm("finances.view_monthlyreport"):
        return {"reports": [], "products": []}
    reports = list(MonthlyReport.objects.filter(kube=kube).order_by("-period")[:LATEST_REPORTS])
    return {"reports": reports, "products": kube_products(kube)}


FINANCES_PANEL = ProfilePanel(template="finances/includes/profile_section.html", context=profile_context)
