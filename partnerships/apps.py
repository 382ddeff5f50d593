from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Kemitraan")

    def ready(self) -> None:
        from kube_registry.demo_hooks import DemoBuilder, register_demo_builder
        from kube_registry.sections import ProfileSection, register_profile_section

        from .demo import build_partnerships
        from .views import network_section_context

        register_profile_section(
            ProfileSection(
                key="partnerships",
                order=30,
                template="partnerships/includes/kube_network.html",
                context=network_section_context,
            )
        )
        register_demo_builder(DemoBuilder(key="partnerships", order=30, build=build_partnerships))
