from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kube_registry", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportrecord",
            name="what",
            # Every export recorded before this field was the registry's (group list or command).
            field=models.CharField(default="registri", max_length=200, verbose_name="isi berkas"),
            preserve_default=False,
        ),
    ]
