from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Kemitraan")

    def ready(self) -> None:
        from kube_registry.exporting import register_export_sheet
        from kube_registry.importing import register_sheet

        from .exports import kemitraan_sheet_rows
        from .resources import KemitraanResource, kemitraan_columns

        register_sheet("kemitraan", KemitraanResource)
        register_export_sheet("kemitraan", kemitraan_columns(), kemitraan_sheet_rows)
