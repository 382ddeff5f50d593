from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Penilaian")

    def ready(self) -> None:
        # Each area registers its own hooks (profile section, homes, export columns, demo).
        # One line each here, so that work on one area does not touch another's.
        from . import demo, listing, sections

        listing.register()  # the group list's category, score and flags
        sections.register()  # the profile's "Penilaian" panel
        demo.register()  # seed_demo: assessments at each year's end, Mekar Sari's 2017 judgement
        from .dashboard.apps import register_homes

        register_homes()  # "/": the city dashboard for officers and admins, "my groups" for facilitators
