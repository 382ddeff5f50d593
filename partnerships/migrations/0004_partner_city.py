"""Partners belong to a city (issue 19): the existing ones to the installation's city;
a name is unique within a city, so the same institution may be a partner of two cities."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from groups.regions import city_get_or_create


def partners_to_home_city(apps, schema_editor):
    partner_model = apps.get_model("partnerships", "Partner")
    if not partner_model.objects.exists():
        return
    city = city_get_or_create(settings.KUBE_CITY_CODE, apps.get_model("groups", "City"))
    partner_model.objects.update(city=city)
    apps.get_model("partnerships", "HistoricalPartner").objects.update(city_id=city.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_user_area"),
        ("partnerships", "0003_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpartner",
            name="city",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="groups.city",
                verbose_name="kota",
            ),
        ),
        migrations.AddField(
            model_name="partner",
            name="city",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="partners",
                to="groups.city",
                verbose_name="kota",
            ),
        ),
        migrations.RunPython(partners_to_home_city, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="partner",
            name="city",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="partners",
                to="groups.city",
                verbose_name="kota",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpartner",
            name="name_key",
            field=models.CharField(editable=False, max_length=200, verbose_name="kunci nama"),
        ),
        migrations.AlterField(
            model_name="partner",
            name="name_key",
            field=models.CharField(editable=False, max_length=200, verbose_name="kunci nama"),
        ),
        migrations.AddConstraint(
            model_name="partner",
            constraint=models.UniqueConstraint(
                fields=("city", "name_key"),
                name="partner_one_name_per_city",
                violation_error_message="Mitra dengan nama ini sudah terdaftar di kota ini.",
            ),
        ),
    ]
