"""Trainings belong to a city (issue 19): the existing ones to the installation's city;
(title, date) is unique within a city."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from groups.regions import city_get_or_create


def trainings_to_home_city(apps, schema_editor):
    training_model = apps.get_model("monitoring", "Training")
    if not training_model.objects.exists():
        return
    city = city_get_or_create(settings.KUBE_CITY_CODE, apps.get_model("groups", "City"))
    training_model.objects.update(city=city)
    apps.get_model("monitoring", "HistoricalTraining").objects.update(city_id=city.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_user_area"),
        ("monitoring", "0003_visitphoto_thumbnail"),
        ("partnerships", "0004_partner_city"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="training",
            name="training_one_per_title_and_day",
        ),
        migrations.AddField(
            model_name="historicaltraining",
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
            model_name="training",
            name="city",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="trainings",
                to="groups.city",
                verbose_name="kota",
            ),
        ),
        migrations.RunPython(trainings_to_home_city, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="training",
            name="city",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="trainings",
                to="groups.city",
                verbose_name="kota",
            ),
        ),
        migrations.AddConstraint(
            model_name="training",
            constraint=models.UniqueConstraint(
                fields=("city", "title", "held_on"), name="training_one_per_city_title_and_day"
            ),
        ),
    ]
