"""Each role's home at `/` (contract 5): one view per role.

A user without a role gets 403 with a message to ask the admin; an anonymous visitor
is sent to sign in.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views import View

from assessments.dashboard.views import DashboardView, FacilitatorHomeView
from kube_registry.roles import ROLE_ADMIN, ROLE_FACILITATOR, ROLE_OBSERVER, ROLE_OFFICER, primary_role

MSG_NO_ROLE = _("Akun Anda belum memiliki peran. Hubungi admin.")

HOMES = {
    ROLE_ADMIN: DashboardView.as_view(),  # the city dashboard
    ROLE_OFFICER: DashboardView.as_view(),
    ROLE_FACILITATOR: FacilitatorHomeView.as_view(),  # "my groups", the most urgent first
    ROLE_OBSERVER: DashboardView.as_view(),  # the province's or the country's dashboard
}


class HomeView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        role = primary_role(request.user)
        if role is None:
            raise PermissionDenied(MSG_NO_ROLE)
        return HOMES[role](request, *args, **kwargs)
