"""`export_partnerships --output FILE [--format xlsx|csv]`: every partnership out, as the kemitraan sheet."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from partnerships.exports import write_kemitraan_csv, write_kemitraan_xlsx
from partnerships.models import Partnership

MSG_DONE = gettext_noop("Ekspor selesai ke {path}")


class Command(BaseCommand):
    help = (
        "Exports every partnership (past ones too) as the kemitraan sheet of contract 4, an .xlsx or a CSV "
        "that import_registry reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument(
            "--format", choices=["xlsx", "csv"], help="default: from the file name's extension, else xlsx"
        )

    def handle(self, *args, **options):
        path = Path(options["output"])
        file_format = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
        partnerships = Partnership.objects.all()
        if file_format == "csv":
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                count = write_kemitraan_csv(partnerships, handle)
        else:
            with path.open("wb") as handle:
                count = write_kemitraan_xlsx(partnerships, handle)
        self.stdout.write(f"{_(MSG_DONE).format(path=path)}: kemitraan: rows={count}")
