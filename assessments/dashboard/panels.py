"""The printed "Profil KUBE" sheet's finance by year (on screen it is on the finance page)."""

from finances.selectors import yearly_summary
from kube_registry.panels import ProfilePanel


def print_years_context(request, kube) -> dict:
    """The group's finance by year for the printed profile; three queries (none without access)."""
    if not request.user.has_perm("finances.view_monthlyreport"):
        return {"years": []}
    return {"years": yearly_summary(kube)}


PRINT_YEARS_PANEL = ProfilePanel(template="assessments/dashboard_profile_years.html", context=print_years_context)
