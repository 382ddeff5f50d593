"""The group profile (`/kelompok/<pk>/`): the group's own parts, then each app's panel, in this order.

To add a panel: write its context function and `ProfilePanel` beside your app's
selectors (`<app>/panels.py`), then put it in `PANELS` where it should show.
"""

from django.views.generic import TemplateView

from assessments.dashboard.panels import PRINT_YEARS_PANEL
from assessments.panels import ASSESSMENT_PANEL
from finances.panels import FINANCES_PANEL
from formation.panels import REPLACEMENT_PANEL, STAGES_PANEL
from groups.panels import profile_context
from groups.views import KubeScopedMixin
from monitoring.panels import FACTORS_PANEL, VISITS_PANEL
from partnerships.panels import NETWORK_PANEL

# Shown between the members (above) and the change history (below).
PANELS = [
    STAGES_PANEL,  # the program stages as a timeline
    REPLACEMENT_PANEL,  # waiting families to fill the places of members who left
    ASSESSMENT_PANEL,  # the current category, why, and what it still lacks
    VISITS_PANEL,  # visits, the dynamics last observed and their trend, follow-ups, trainings
    FINANCES_PANEL,  # the latest monthly reports and the products
    PRINT_YEARS_PANEL,  # the finance by year, on the printed "Profil KUBE" only
    NETWORK_PANEL,  # the partner network
    FACTORS_PANEL,  # the six independence factors: the evidence on record, no score
]


class KubeDetailView(KubeScopedMixin, TemplateView):
    permission_required = "groups.view_kube"
    template_name = "groups/kube_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(profile_context(self.request, self.kube))
        context["sections"] = [(panel, panel.context(self.request, self.kube)) for panel in PANELS]
        return context
