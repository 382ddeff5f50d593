from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Kelompok dan anggota")

    def ready(self) -> None:
        from kube_registry.importing import register_sheet

        from .exports import register_export_sheets
        from .resources import AnggotaResource, KelompokResource

        register_sheet("kelompok", KelompokResource)
        register_sheet("anggota", AnggotaResource)
        register_export_sheets()
