from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from groups import demo
from groups.models import Kube
from pages.demo import seed_demo


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Builds a deterministic demo city (CONTRACTS.md, 2): the city's regions, KUBE Mekar Sari, "
        "N synthetic groups with members, and the users admin, petugas and pendamping1..N."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--groups", type=int, default=demo.DEFAULT_GROUPS, help="synthetic groups besides Mekar Sari"
        )
        parser.add_argument("--years", type=int, default=demo.DEFAULT_YEARS, help="years of monthly reports")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="same seed, same data")
        parser.add_argument("--password", help=f"password of every demo user (default {demo.DEFAULT_PASSWORD})")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when any KUBE exists")

    def handle(self, *args, groups, years, seed, password, if_empty, **options):
        if if_empty and Kube.objects.exists():
            self.stdout.write("Basis data sudah berisi KUBE; data demo tidak dibuat.")
            return
        if groups < 0 or years < 0:
            raise CommandError("--groups dan --years tidak boleh negatif.")
        if password is None and not settings.DEBUG:
            raise CommandError(
                "DEBUG mati: kata sandi demo bawaan tidak boleh dipakai. Berikan --password untuk pengguna demo."
            )
        try:
            summary = seed_demo(groups=groups, years=years, seed=seed, password=password or demo.DEFAULT_PASSWORD)
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        hint = f" (kata sandi: {demo.DEFAULT_PASSWORD})" if password is None else ""
        self.stdout.write(
            f"Data demo dibuat: {_count(summary.kubes)} KUBE, {_count(summary.persons)} orang, "
            f"{_count(summary.memberships)} keanggotaan, "
            + "".join(f"{_count(n)} {label}, " for label, n in summary.extra.items())
            + f"{_count(summary.users)} pengguna{hint}."
        )
