"""Cities as rows (issue 19): each kecamatan belongs to one; users may be given an area."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from groups.regions import city_get_or_create


def cities_for_kecamatans(apps, schema_editor):
    city_model, kecamatan_model = apps.get_model("groups", "City"), apps.get_model("groups", "Kecamatan")
    city_get_or_create(settings.KUBE_CITY_CODE, city_model)
    for kecamatan in kecamatan_model.objects.all():
        kecamatan.city = city_get_or_create(kecamatan.code[:5], city_model)
        kecamatan.save(update_fields=["city"])


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0006_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="City",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=5, unique=True, verbose_name="kode Kemendagri")),
                ("name", models.CharField(max_length=100, verbose_name="nama")),
                ("province_code", models.CharField(db_index=True, max_length=2, verbose_name="kode provinsi")),
                ("province_name", models.CharField(max_length=100, verbose_name="provinsi")),
            ],
            options={"verbose_name": "kota", "verbose_name_plural": "kota", "ordering": ["code"]},
        ),
        migrations.AddField(
            model_name="kecamatan",
            name="city",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="kecamatans",
                to="groups.city",
                verbose_name="kota",
            ),
        ),
        migrations.RunPython(cities_for_kecamatans, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="kecamatan",
            name="city",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="kecamatans",
                to="groups.city",
                verbose_name="kota",
            ),
        ),
    ]
