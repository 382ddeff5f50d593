"""Hooks the dashboard registers from AssessmentsConfig.ready()."""


def register_homes() -> None:
    from kube_registry.roles import ROLE_ADMIN, ROLE_FACILITATOR, ROLE_OFFICER
    from kube_registry.sections import ProfileSection, register_home, register_profile_section

    from .views import DashboardView, FacilitatorHomeView, print_years_context

    # Above the group list (0) and the finances' report overview (10), which stays at /laporan/.
    register_home(ROLE_OFFICER, DashboardView.as_view(), priority=20)
    register_home(ROLE_ADMIN, DashboardView.as_view(), priority=20)
    register_home(ROLE_FACILITATOR, FacilitatorHomeView.as_view(), priority=20)
    # The printed "Profil KUBE" sheet carries the finance by year (on screen it is on the finance page).
    register_profile_section(
        ProfileSection(
            key="dashboard_print_years",
            order=21,
            template="assessments/dashboard_profile_years.html",
            context=print_years_context,
        )
    )
