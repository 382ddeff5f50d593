from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormationConfig(AppConfig):
    name = "formation"
    verbose_name = _("Pembentukan KUBE")

    def ready(self) -> None:
        from kube_registry.importing import register_sheet

        from .resources import UsulanResource

        register_sheet("usulan", UsulanResource)
