from django.db import migrations

from kube_registry.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "assessments")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("groups", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
