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


def load_regions(city_code: str, kecamatan_model, kelurahan_model) -> int:
    """Create or rename the city's regions; returns how many rows were read.

    Takes the models as arguments so a data migration can pass its historical ones.
    """
    rows = read_region_rows(city_code)
    kecamatans = {}
    for row in rows:
        code = row["kode_kecamatan"]
        if code not in kecamatans:
            kecamatans[code], _created = kecamatan_model.objects.update_or_create(
                code=code, defaults={"name": row["kecamatan"].strip()}
            )
        kelurahan_model.objects.update_or_create(
            code=row["kode_kelurahan"],
            defaults={"name": row["kelurahan"].strip(), "kecamatan": kecamatans[code]},
        )
    return len(rows)
