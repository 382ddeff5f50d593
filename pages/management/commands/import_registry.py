"""`import_registry FILE [--dry-run]`: the registry workbook (or one sheet as CSV) in, all or nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pages.management.users import user_named
from pages.workbook import import_workbook

MSG_FAILED = gettext_noop("Impor gagal: {count} kesalahan; tidak ada yang disimpan.")
MSG_DONE = gettext_noop("Impor selesai")
MSG_DRY_RUN = gettext_noop("Uji coba selesai (--dry-run), tidak ada yang disimpan")
MSG_MORE_WARNINGS = gettext_noop("… dan {count} peringatan lain (tampilkan semua dengan -v 2).")
STAGES = {"validate": gettext_noop("memeriksa"), "write": gettext_noop("menyimpan")}
WARNINGS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Imports a registry workbook (.xlsx: sheets kelompok, anggota, …) or one sheet as a CSV named after it. "
        "Nothing is written unless every row is valid; exit status 1 and every error printed as "
        "sheet:row:column: message otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx workbook or a CSV named after its sheet (kelompok.csv, …)")
        parser.add_argument("--dry-run", action="store_true", help="check and count everything, then roll back")
        parser.add_argument("--user", help="username recorded in the history as the author of the changes")

    def handle(self, *args, **options):
        actor = user_named(options["user"])
        show_progress = self.stdout.isatty()
        result = import_workbook(
            options["file"],
            actor=actor,
            dry_run=options["dry_run"],
            progress=self._progress if show_progress else None,
        )
        if show_progress:
            self.stdout.write("\r\033[K", ending="")
        verbosity = options["verbosity"]
        shown = result.warnings if verbosity >= 2 else result.warnings[:WARNINGS_SHOWN]
        for warning in shown:
            self.stdout.write(self.style.WARNING(str(warning)))
        if len(result.warnings) > len(shown):
            self.stdout.write(_(MSG_MORE_WARNINGS).format(count=len(result.warnings) - len(shown)))
        for error in result.errors:
            self.stdout.write(str(error))
        if result.errors:
            self.stdout.write(result.summary())
            raise CommandError(_(MSG_FAILED).format(count=len(result.errors)), returncode=1)
        heading = _(MSG_DRY_RUN) if result.dry_run else _(MSG_DONE)
        self.stdout.write(f"{heading}: {result.summary()}")

    def _progress(self, stage: str, sheet: str, done: int, total: int) -> None:
        self.stdout.write(f"\r\033[K{sheet}: {_(STAGES.get(stage, stage))} {done}/{total}", ending="")
        self.stdout.flush()
