"""The city's kecamatan and kelurahan, from the Kemendagri lists in fixtures/wilayah/."""

import csv
from pathlib import Path

from django.conf import settings

REGION_FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "wilayah"


def read_region_rows(city_code: str) -> list[dict[str, str]]:
    rows = []
    for path in sorted(REGION_FIXTURES.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows.extend(row for row in csv.DictReader(handle) if row["kode_kota"] == city_code)
    return rows


# Kemendagri's province codes: the first two digits of every region code.
PROVINCES = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
    "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat",
    "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}  # fmt: skip


def province_name(code: str) -> str:
    return PROVINCES.get(code, f"Provinsi {code}")


def city_get_or_create(city_code: str, city_model, name: str = ""):
    """The City row for `city_code`, named from the fixture (or `name`) when it is new."""
    city = city_model.objects.filter(code=city_code).first()
    if city is None:
        rows = read_region_rows(city_code)
        city = city_model.objects.create(
            code=city_code,
            name=name or (rows[0]["kota"].strip() if rows else f"Kota {city_code}"),
            province_code=city_code[:2],
            province_name=province_name(city_code[:2]),
        )
    return city


def load_regions(city_code: str, kecamatan_model, kelurahan_model, city_model=None) -> int:
    """Create or rename the city's regions; returns how many rows were read.

    Takes the models as arguments so a data migration can pass its historical ones.
    """
    rows = read_region_rows(city_code)
    if not rows:
        return 0
    if city_model is None:
        city_model = kecamatan_model._meta.get_field("city").related_model
    city = city_get_or_create(city_code, city_model)
    kecamatans = {}
    for row in rows:
        code = row["kode_kecamatan"]
        if code not in kecamatans:
            kecamatans[code], _created = kecamatan_model.objects.update_or_create(
                code=code, defaults={"name": row["kecamatan"].strip(), "city": city}
            )
        kelurahan_model.objects.update_or_create(
            code=row["kode_kelurahan"],
            defaults={"name": row["kelurahan"].strip(), "kecamatan": kecamatans[code]},
        )
    return len(rows)
