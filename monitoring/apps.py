from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Visits, group dynamics observed, follow-ups and trainings (issue 16)."""

    name = "monitoring"
    verbose_name = _("Pemantauan lapangan")
