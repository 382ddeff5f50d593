from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from groups.models import Kecamatan, Kelurahan
from groups.regions import load_regions


class Command(BaseCommand):
    help = "Loads (or updates) a city's kecamatan and kelurahan from fixtures/wilayah/."

    def add_arguments(self, parser):
        parser.add_argument("--city", default=settings.KUBE_CITY_CODE, help="Kemendagri city code, e.g. 64.74")

    def handle(self, *args, city, **options):
        count = load_regions(city, Kecamatan, Kelurahan)
        if not count:
            raise CommandError(f"Tidak ada data wilayah untuk kode kota {city} di fixtures/wilayah/.")
        self.stdout.write(f"{count} kelurahan dimuat untuk kota {city}.")
