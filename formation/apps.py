from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormationConfig(AppConfig):
    name = "formation"
    verbose_name = _("Pembentukan KUBE")

    def ready(self) -> None:
        from kube_registry.demo_hooks import DemoBuilder, register_demo_builder
        from kube_registry.sections import register_profile_section

        from . import listing
        from .demo import build_formation
        from .sections import REPLACEMENT_SECTION, STAGES_SECTION

        register_profile_section(STAGES_SECTION)
        register_profile_section(REPLACEMENT_SECTION)
        register_demo_builder(DemoBuilder(key="formation", order=40, build=build_formation))
        listing.register()  # the group list's stage column, filter and sort
