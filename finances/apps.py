from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancesConfig(AppConfig):
    name = "finances"
    verbose_name = _("Keuangan")

    def ready(self) -> None:
        from kube_registry.sections import register_profile_section

        from .sections import FINANCES_SECTION

        register_profile_section(FINANCES_SECTION)
