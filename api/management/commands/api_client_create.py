from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.services import api_client_create, city_by_code
from groups.areas import AreaLevel


class Command(BaseCommand):
    help = (
        "Issues a read-API client for one area (--city 64.74, --province 64 or --national) and prints its "
        "token once: only its hash is stored. --personal-data lets it read NIK, KK, phone and birth date in full."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="who uses the token, e.g. 'Dinsos Provinsi Kaltim'")
        area = parser.add_mutually_exclusive_group(required=True)
        area.add_argument("--city", help="a city's Kemendagri code, e.g. 64.74")
        area.add_argument("--province", help="a province's code, e.g. 64")
        area.add_argument("--national", action="store_true", help="every city")
        parser.add_argument("--personal-data", action="store_true", help="unmasked NIK, KK, phone, birth date")

    def handle(self, *args, name, city, province, national, personal_data, **options):
        try:
            if city:
                area = {"level": AreaLevel.KOTA, "city": city_by_code(city)}
            elif province:
                area = {"level": AreaLevel.PROVINSI, "province_code": province.strip()}
            else:
                area = {"level": AreaLevel.NASIONAL}
            client, secret = api_client_create(name=name, personal_data=personal_data, **area)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        where = client.as_area().name
        masked = "unmasked personal data" if client.personal_data else "personal data masked"
        self.stdout.write(f"API client {client.name} ({client.prefix}…), area {where}, {masked}.")
        self.stdout.write("Token (shown only now; send as 'Authorization: Bearer <token>'):")
        self.stdout.write(secret)
