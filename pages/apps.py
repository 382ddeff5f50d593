from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The top layer: pages composed of several apps' parts (each role's home, the group
    profile, the group list, the import/export workbook, the demo city).

    The only app that imports the domain apps side by side; none of them imports it.
    """

    name = "pages"
    verbose_name = _("Halaman gabungan")
