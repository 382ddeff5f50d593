"""`export_registry --output FILE [--format xlsx|csv] [--unmasked]`: the whole registry out."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.models import Kube
from kube_registry.exporting import (
    MSG_EXPORT_DONE,
    add_output_arguments,
    output_format,
    write_registry_xlsx,
    write_sheet_csv,
)
from kube_registry.models import ExportSource, export_record
from pages.management.users import user_named
from pages.workbook import EXPORT_SHEETS, export_sheet

MSG_MASKED = gettext_noop("NIK dan nomor KK disamarkan; tambahkan --unmasked untuk angka lengkap.")
MSG_FORMAT = gettext_noop("Format “{format}” tidak didukung; pilih xlsx atau csv.")
MSG_PROGRESS = gettext_noop("{sheet}: {count} baris")


class Command(BaseCommand):
    help = (
        "Exports the registry. As .xlsx (the default): one sheet per sheet of the import workbook, in the "
        "import's order: kelompok (plus jumlah_anggota, kategori, skor, tanggal_penilaian), anggota, bantuan, "
        "kemitraan, aset, pinjaman and laporan_bulanan (submitted and verified reports). As CSV: the kelompok "
        "sheet only. NIK and KK numbers are masked unless --unmasked is given; the unmasked file imports back "
        "with import_registry unchanged."
    )

    def add_arguments(self, parser):
        add_output_arguments(parser)
        parser.add_argument(
            "--unmasked",
            action="store_true",
            help="write full NIK and KK numbers (personal data: only for those whose work needs them)",
        )
        parser.add_argument("--user", help="username recorded in the audit trail of exports with the system account")

    def handle(self, *args, **options):
        path = Path(options["output"])
        file_format = output_format(path, options["format"])
        if file_format not in ("xlsx", "csv"):
            raise CommandError(_(MSG_FORMAT).format(format=file_format))
        kubes = Kube.objects.all()
        unmasked = options["unmasked"]
        user = user_named(options["user"])
        show_progress = self.stdout.isatty()
        counts: dict[str, int] = {}
        try:
            if file_format == "csv":
                with path.open("w", encoding="utf-8-sig", newline="") as handle:
                    counts = {
                        "kelompok": write_sheet_csv(
                            export_sheet("kelompok"), kubes, handle, can_see_personal_data=unmasked
                        )
                    }
            else:
                with path.open("wb") as handle:
                    counts = write_registry_xlsx(
                        kubes,
                        handle,
                        sheets=EXPORT_SHEETS,
                        can_see_personal_data=unmasked,
                        progress=self._progress if show_progress else None,
                    )
        finally:
            # In the audit trail even when the write fails half-way: a partial file may exist.
            export_record(
                user=user,
                source=ExportSource.COMMAND,
                what="registri",
                file_format=file_format,
                is_unmasked=unmasked,
                group_count=counts.get("kelompok", 0),
            )
        if show_progress:
            self.stdout.write("\r\033[K", ending="")
        summary = "; ".join(f"{sheet}: rows={count}" for sheet, count in counts.items())
        self.stdout.write(f"{_(MSG_EXPORT_DONE).format(path=path)}: {summary}")
        if not unmasked and file_format == "xlsx":
            self.stdout.write(_(MSG_MASKED))

    def _progress(self, sheet: str, count: int) -> None:
        self.stdout.write(f"\r\033[K{_(MSG_PROGRESS).format(sheet=sheet, count=count)}", ending="")
        self.stdout.flush()
