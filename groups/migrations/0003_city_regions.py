from django.conf import settings
from django.db import migrations

from groups.regions import load_regions


def load(apps, schema_editor):
    load_regions(settings.KUBE_CITY_CODE, apps.get_model("groups", "Kecamatan"), apps.get_model("groups", "Kelurahan"))


class Migration(migrations.Migration):
    dependencies = [("groups", "0002_roles")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
