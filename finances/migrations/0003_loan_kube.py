
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_loan_kube(apps, schema_editor):
    """A loan's group is its borrower's group."""
    loan = apps.get_model("finances", "Loan")
    membership = apps.get_model("groups", "Membership")
    loan.objects.update(kube=Subquery(membership.objects.filter(pk=OuterRef("membership_id")).values("kube_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('finances', '0002_roles'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalloan',
            name='kube',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='groups.kube', verbose_name='KUBE'),
        ),
        migrations.AddField(
            model_name='loan',
            name='kube',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='loans', to='groups.kube', verbose_name='KUBE'),
        ),
        migrations.RunPython(fill_loan_kube, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='loan',
            name='kube',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='loans', to='groups.kube', verbose_name='KUBE'),
        ),
        migrations.AlterField(
            model_name='loan',
            name='membership',
            field=models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='loans', to='groups.membership', verbose_name='peminjam'),
        ),
        migrations.AlterField(
            model_name='memberline',
            name='membership',
            field=models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='report_lines', to='groups.membership', verbose_name='anggota'),
        ),
    ]
