from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from groups.areas import AreaLevel
from groups.models import City, UserArea
from groups.regions import PROVINCES


class Command(BaseCommand):
    help = (
        "Sets where a user works: one city (officers, facilitators), or a province or the whole country "
        "(observers). Without an area a user works in the installation's city (KUBE_CITY_CODE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--city", help="Kemendagri city code, e.g. 64.72 (its regions loaded by load_regions)")
        where.add_argument("--province", help="two-digit province code, e.g. 64")
        where.add_argument("--national", action="store_true")

    def handle(self, *args, username, city, province, national, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Pengguna {username} tidak ada.")
        if city:
            row = City.objects.filter(code=city).first()
            if row is None:
                raise CommandError(f"Kota {city} belum dimuat; jalankan load_regions --city {city} dahulu.")
            values = {"level": AreaLevel.KOTA, "city": row, "province_code": ""}
        elif province:
            if province not in PROVINCES:
                raise CommandError(f"Kode provinsi {province} tidak dikenal.")
            values = {"level": AreaLevel.PROVINSI, "city": None, "province_code": province}
        else:
            values = {"level": AreaLevel.NASIONAL, "city": None, "province_code": ""}
        area, _created = UserArea.objects.update_or_create(user=user, defaults=values)
        self.stdout.write(f"{username}: {area.as_area().name}")
