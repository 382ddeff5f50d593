from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancesConfig(AppConfig):
    name = "finances"
    verbose_name = _("Keuangan")

    def ready(self) -> None:
        from kube_registry.demo_hooks import DemoBuilder, register_demo_builder
        from kube_registry.roles import ROLE_FACILITATOR
        from kube_registry.sections import register_home, register_profile_section

        from .demo import build_finances
        from .sections import FINANCES_SECTION
        from .views import FacilitatorHomeView

        register_profile_section(FINANCES_SECTION)
        register_demo_builder(DemoBuilder(key="finances", order=20, build=build_finances))
        # A facilitator's day starts with the months their groups still owe (contract 5: "my groups").
        register_home(ROLE_FACILITATOR, FacilitatorHomeView.as_view(), priority=10)
