"""`export_partnerships --output FILE [--format xlsx|csv]`: every partnership out, as the kemitraan sheet."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kube_registry.exporting import MSG_EXPORT_DONE, add_output_arguments, output_format
from partnerships.exports import write_kemitraan_csv, write_kemitraan_xlsx
from partnerships.models import Partnership


class Command(BaseCommand):
    help = (
        "Exports every partnership (past ones too) as the kemitraan sheet of contract 4, an .xlsx or a CSV "
        "that import_registry reads back."
    )

    def add_arguments(self, parser):
        add_output_arguments(parser)

    def handle(self, *args, **options):
        path = Path(options["output"])
        file_format = output_format(path, options["format"])
        partnerships = Partnership.objects.all()
        if file_format == "csv":
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                count = write_kemitraan_csv(partnerships, handle)
        else:
            with path.open("wb") as handle:
                count = write_kemitraan_xlsx(partnerships, handle)
        self.stdout.write(f"{_(MSG_EXPORT_DONE).format(path=path)}: kemitraan: rows={count}")
