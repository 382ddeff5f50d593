"""Every export of the registry leaves a row in the audit trail: who, when, masked or not."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from kube_registry.models import ExportRecord, ExportSource
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_an_admins_unmasked_web_export_is_recorded_with_who_and_when(client_for, admin_user, kube):
    MembershipFactory(kube=kube)
    moment = timezone.now().replace(microsecond=0)
    with freeze_time(moment):
        response = client_for(admin_user).get(reverse("groups:kube_export", args=["xlsx"]), {"status": "aktif"})
    assert response.status_code == 200
    record = ExportRecord.objects.get()
    assert record.user == admin_user
    assert record.actor == admin_user.username
    assert record.source == ExportSource.WEB
    assert record.is_unmasked is True
    assert record.file_format == "xlsx"
    assert record.group_count == 1
    assert record.query == "status=aktif"
    assert record.created_at == moment


def test_a_masked_web_export_is_recorded_as_masked(client_for, officer, kube):
    client_for(officer).get(reverse("groups:kube_export", args=["csv"]))
    record = ExportRecord.objects.get()
    assert (record.user, record.is_unmasked, record.file_format) == (officer, False, "csv")


def test_the_unmasked_command_is_recorded(tmp_path, admin_user, kube):
    call_command("export_registry", "--output", str(tmp_path / "r.xlsx"), "--unmasked", "--user", "admin")
    record = ExportRecord.objects.get()
    assert record.source == ExportSource.COMMAND
    assert record.is_unmasked is True
    assert record.user == admin_user
    assert record.actor.endswith("(admin)")
    assert record.group_count == 1


def test_the_command_without_user_records_the_system_account(tmp_path, kube):
    call_command("export_registry", "--output", str(tmp_path / "r.csv"))
    record = ExportRecord.objects.get()
    assert record.user is None and record.actor and record.is_unmasked is False


def test_an_unknown_user_writes_no_file_and_no_record(tmp_path):
    with pytest.raises(CommandError):
        call_command("export_registry", "--output", str(tmp_path / "r.xlsx"), "--user", "siapa")
    assert not (tmp_path / "r.xlsx").exists()
    assert not ExportRecord.objects.exists()


def test_the_audit_trail_is_read_only_in_the_admin(client_for, admin_user, kube):
    client_for(admin_user).get(reverse("groups:kube_export", args=["csv"]))
    record = ExportRecord.objects.get()
    client = client_for(admin_user)
    assert client.get(reverse("admin:kube_registry_exportrecord_changelist")).status_code == 200
    delete = reverse("admin:kube_registry_exportrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ExportRecord.objects.count() == 1
