"""The API's call log is kept KUBE_API_LOG_DAYS, then the daily clean-up forgets it."""

import datetime as dt

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from api.models import ApiCall


@override_settings(KUBE_API_LOG_DAYS=30)
def test_the_daily_clean_up_forgets_calls_older_than_the_setting(client, bontang, capsys):
    client.get("/api/kelompok/", **bontang.header)
    [call] = ApiCall.objects.all()
    old = ApiCall.objects.create(
        client=call.client, method="GET", path="/api/kelompok/", status_code=200, duration_ms=3,
        at=timezone.now() - dt.timedelta(days=31),
    )  # fmt: skip
    call_command("run_schedules")
    assert list(ApiCall.objects.values_list("pk", flat=True)) == [call.pk]
    assert not ApiCall.objects.filter(pk=old.pk).exists()
    assert "catatan panggilan API lama dihapus 1" in capsys.readouterr().out
