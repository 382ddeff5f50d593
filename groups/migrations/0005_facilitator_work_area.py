"""Facilitators' work areas: the kelurahan where they see waiting families.

Each facilitator starts with the kelurahan of the groups they facilitate now, so
nobody loses their current work; officers widen or narrow it from /pendamping/.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from kube_registry.roles import ROLE_FACILITATOR, grant_role_permissions


def seed_areas(apps, schema_editor):
    kube = apps.get_model("groups", "Kube")
    area = apps.get_model("groups", "FacilitatorArea")
    pairs = (
        kube.objects.filter(facilitator__groups__name=ROLE_FACILITATOR)
        .values_list("facilitator_id", "kelurahan_id")
        .distinct()
    )
    area.objects.bulk_create(
        [area(facilitator_id=user_id, kelurahan_id=kelurahan_id) for user_id, kelurahan_id in pairs],
        ignore_conflicts=True,
    )


def grant(apps, schema_editor):
    grant_role_permissions(apps, "groups")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0004_import_upload"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FacilitatorArea",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="ditetapkan")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="ditetapkan oleh",
                    ),
                ),
                (
                    "facilitator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="work_areas",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="pendamping",
                    ),
                ),
                (
                    "kelurahan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="facilitator_areas",
                        to="groups.kelurahan",
                        verbose_name="kelurahan",
                    ),
                ),
            ],
            options={
                "verbose_name": "wilayah kerja pendamping",
                "verbose_name_plural": "wilayah kerja pendamping",
                "ordering": ["facilitator", "kelurahan"],
                "constraints": [
                    models.UniqueConstraint(fields=("facilitator", "kelurahan"), name="facilitator_area_once")
                ],
            },
        ),
        migrations.RunPython(seed_areas, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
