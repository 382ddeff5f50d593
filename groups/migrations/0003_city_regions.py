from django.conf import settings
from django.db import migrations

from groups.regions import read_region_rows


def load(apps, schema_editor):
    """The installation's city's regions, as this migration first loaded them (before
    cities were rows: 0007 gives each kecamatan its City)."""
    kecamatan_model, kelurahan_model = apps.get_model("groups", "Kecamatan"), apps.get_model("groups", "Kelurahan")
    kecamatans = {}
    for row in read_region_rows(settings.KUBE_CITY_CODE):
        code = row["kode_kecamatan"]
        if code not in kecamatans:
            kecamatans[code], _created = kecamatan_model.objects.update_or_create(
                code=code, defaults={"name": row["kecamatan"].strip()}
            )
        kelurahan_model.objects.update_or_create(
            code=row["kode_kelurahan"], defaults={"name": row["kelurahan"].strip(), "kecamatan": kecamatans[code]}
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0002_roles")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
