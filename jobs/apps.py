from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long work done by workers, with its progress: the queue's jobs (issue 18)."""

    name = "jobs"
    verbose_name = _("Pekerjaan latar belakang")
