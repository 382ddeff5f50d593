"""`export_registry --output FILE [--format xlsx|csv] [--unmasked]`: the whole registry out."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.exports import write_kelompok_csv, write_registry_xlsx
from groups.models import Kube

MSG_DONE = gettext_noop("Ekspor selesai ke {path}")
MSG_MASKED = gettext_noop("NIK dan nomor KK disamarkan; tambahkan --unmasked untuk angka lengkap.")
MSG_FORMAT = gettext_noop("Format “{format}” tidak didukung; pilih xlsx atau csv.")


class Command(BaseCommand):
    help = (
        "Exports the registry: an .xlsx with the kelompok sheet (plus jumlah_anggota, kategori, skor, "
        "tanggal_penilaian) and the anggota sheet, or the kelompok sheet as CSV. NIK and KK numbers are masked "
        "unless --unmasked is given; the unmasked file imports back with import_registry."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument(
            "--format", choices=["xlsx", "csv"], help="default: from the file name's extension, else xlsx"
        )
        parser.add_argument(
            "--unmasked",
            action="store_true",
            help="write full NIK and KK numbers (personal data: only for those whose work needs them)",
        )

    def handle(self, *args, **options):
        path = Path(options["output"])
        file_format = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
        if file_format not in ("xlsx", "csv"):
            raise CommandError(_(MSG_FORMAT).format(format=file_format))
        kubes = Kube.objects.all()
        if file_format == "csv":
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                counts = {"kelompok": write_kelompok_csv(kubes, handle)}
        else:
            with path.open("wb") as handle:
                counts = write_registry_xlsx(kubes, handle, can_see_personal_data=options["unmasked"])
        summary = "; ".join(f"{sheet}: rows={count}" for sheet, count in counts.items())
        self.stdout.write(f"{_(MSG_DONE).format(path=path)}: {summary}")
        if not options["unmasked"] and file_format == "xlsx":
            self.stdout.write(_(MSG_MASKED))
