from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders and notifications: the daily schedules, the inbox, email (issue 18)."""

    name = "notifications"
    verbose_name = _("Pemberitahuan")
