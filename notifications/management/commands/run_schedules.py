"""`run_schedules [--day YYYY-MM-DD]`: the daily scheduled work (notifications.schedules)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kube_registry.values import parse_date
from notifications.schedules import LABELS, counts_summary, schedules_run

MSG_DATE = gettext_noop("Tanggal --day “{value}” tidak terbaca; tulis YYYY-MM-DD.")
MSG_DONE = gettext_noop("{day} {name}: selesai ({counts}).")
MSG_SKIPPED = gettext_noop("{day} {name}: sudah dijalankan hari itu, dilewati.")
MSG_RUNNING = gettext_noop("{day} {name}: sedang dijalankan proses lain, dilewati.")
MSG_FAILED = gettext_noop("{day} {name}: gagal: {error}")
MSG_SOME_FAILED = gettext_noop("Ada jadwal yang gagal; jalankan lagi perintah ini untuk mengulanginya.")
MESSAGES = {"done": MSG_DONE, "skipped": MSG_SKIPPED, "running": MSG_RUNNING, "failed": MSG_FAILED}


class Command(BaseCommand):
    help = (
        "Runs the day's scheduled work once: on the 1st of a month every group assessed as of the month's end; "
        "the clean-up of old import uploads; the reminders (stored, emailed, resolved when their cause is gone); "
        "the daily email digest. Each step is recorded per day and not run twice for the same day. Run it daily "
        "(docs/deploy.md); --day runs it for another day (default today)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", metavar="YYYY-MM-DD", help="the day to run for (default: today)")

    def handle(self, *args, **options):
        day = timezone.localdate()
        if options["day"]:
            try:
                day = parse_date(options["day"])
            except ValueError:
                day = None
            if day is None:
                raise CommandError(_(MSG_DATE).format(value=options["day"]))
        outcomes = schedules_run(day=day)
        for outcome in outcomes:
            counts = counts_summary(outcome.counts)
            self.stdout.write(
                _(MESSAGES[outcome.status]).format(
                    day=day.isoformat(), name=LABELS[outcome.name], counts=counts, error=outcome.error
                )
            )
        if any(outcome.status == "failed" for outcome in outcomes):
            raise CommandError(_(MSG_SOME_FAILED))
