"""`purge_uploads`: empty the content of import uploads kept past KUBE_IMPORT_RETENTION_HOURS (run daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.services import import_uploads_purge
from kube_registry.submissions import tokens_purge

MSG_DONE = gettext_noop("Isi {count} unggahan impor yang lebih lama dari {hours} jam dihapus.")


class Command(BaseCommand):
    help = (
        "Deletes the content of uploaded import files older than KUBE_IMPORT_RETENTION_HOURS (default 24) "
        "that were checked but never applied; the upload rows stay as the audit trace. Also forgets "
        "double-submit tokens older than 30 days. Run it daily."
    )

    def handle(self, *args, **options):
        count = import_uploads_purge()
        tokens_purge()
        self.stdout.write(_(MSG_DONE).format(count=count, hours=settings.KUBE_IMPORT_RETENTION_HOURS))
