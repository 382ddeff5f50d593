"""`purge_job_files`: delete export files past KUBE_EXPORT_KEEP_HOURS and unchecked uploads past retention (daily)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jobs.services import job_files_purge

MSG_DONE = gettext_noop("{count} berkas pekerjaan yang sudah lewat waktunya dihapus.")


class Command(BaseCommand):
    help = (
        "Deletes the files of export jobs older than KUBE_EXPORT_KEEP_HOURS (default 24) and the workbooks "
        "of import jobs still unchecked after KUBE_IMPORT_RETENTION_HOURS; the jobs stay as the record. "
        "Run it daily, beside purge_uploads."
    )

    def handle(self, *args, **options):
        self.stdout.write(_(MSG_DONE).format(count=job_files_purge()))
