"""`assess (--all | --group NO_REGISTRASI) [--as-of YYYY-MM-DD]` (contract 3)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.models import Category
from assessments.selectors import assessable_kubes
from assessments.services import assessment_run_all
from groups.models import Kube
from kube_registry.values import parse_date

MSG_DATE = gettext_noop("Tanggal --as-of “{value}” tidak terbaca; tulis YYYY-MM-DD.")
MSG_GROUP = gettext_noop("KUBE dengan nomor registrasi “{no}” tidak ada.")
MSG_NOT_FOUNDED = gettext_noop("KUBE {no} belum berdiri pada {date}; tidak ada yang dinilai.")
MSG_DONE = gettext_noop("Penilaian per {date}: {total} KUBE dinilai (rubrik Registri KUBE v1).")
MSG_PROGRESS = gettext_noop("menyimpan {done}/{total}")


class Command(BaseCommand):
    help = (
        "Assesses groups (tumbuh / berkembang / mandiri) as of a date, default today, using only data dated on or "
        "before it; stores the results (an officer's judgement is kept, and carried from the latest one before the "
        "date) and prints the count per computed category."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="every group except dissolved ones")
        which.add_argument("--group", metavar="NO_REGISTRASI", help="one group")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="the assessment date (default: today)")

    def handle(self, *args, **options):
        as_of = timezone.localdate()
        if options["as_of"]:
            try:
                as_of = parse_date(options["as_of"])
            except ValueError:
                as_of = None
            if as_of is None:
                raise CommandError(_(MSG_DATE).format(value=options["as_of"]))
        if options["group"]:
            kubes = Kube.objects.filter(no_registrasi=options["group"].strip())
            kube = kubes.first()
            if kube is None:
                raise CommandError(_(MSG_GROUP).format(no=options["group"]))
            if kube.founded_on > as_of:
                raise CommandError(_(MSG_NOT_FOUNDED).format(no=kube.no_registrasi, date=as_of.isoformat()))
        else:
            kubes = assessable_kubes()
        show_progress = self.stdout.isatty()
        counts = assessment_run_all(kubes=kubes, as_of=as_of, progress=self._progress if show_progress else None)
        if show_progress:
            self.stdout.write("\r\033[K", ending="")
        self.stdout.write(_(MSG_DONE).format(date=as_of.isoformat(), total=sum(counts.values())))
        for category in Category:
            self.stdout.write(f"{category.value}: {counts[category.value]}")

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write("\r\033[K" + _(MSG_PROGRESS).format(done=done, total=total), ending="")
        self.stdout.flush()
