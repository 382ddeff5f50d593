"""The province's and the Ministry's readers (issue 19): the role and its read permissions."""

from django.db import migrations

from kube_registry.roles import grant_role_permissions

APPS = ("groups", "finances", "partnerships", "assessments", "formation", "monitoring")


def grant(apps, schema_editor):
    for label in APPS:
        grant_role_permissions(apps, label)


class Migration(migrations.Migration):
    dependencies = [
        ("kube_registry", "0003_submission_token"),
        ("groups", "0008_user_area"),
        ("finances", "0004_versions"),
        ("partnerships", "0003_versions"),
        ("assessments", "0005_judgement_carried"),
        ("formation", "0004_versions"),
        ("monitoring", "0003_visitphoto_thumbnail"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
