from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancesConfig(AppConfig):
    name = "finances"
    verbose_name = _("Keuangan")

    def ready(self) -> None:
        from .exports import register_export_sheets
        from .resources import register_sheets

        register_sheets()
        register_export_sheets()
