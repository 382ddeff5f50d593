"""The demo city's field history (monitoring.demo, run by seed_demo)."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from groups.demo import MEKAR_SARI_NUMBER, DemoContext
from groups.models import Kube, KubeStatus
from monitoring.demo import build_monitoring
from monitoring.models import FollowUp, Training, Visit

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed(groups: int = 40, seed: int = 2014) -> str:
    out = StringIO()
    call_command("seed_demo", "--groups", str(groups), "--seed", str(seed), "--password", "uji-demo-123", stdout=out)
    return out.getvalue()


def snapshot():
    visits = list(
        Visit.objects.order_by("kube__no_registrasi", "visited_on", "kind").values_list(
            "kube__no_registrasi", "visited_on", "kind", "visitor__username", "cohesion", "problems"
        )
    )
    attendance = sorted(
        Visit.attendees.through.objects.values_list(
            "visit__kube__no_registrasi", "visit__visited_on", "membership__person__nik"
        )
    )
    trainings = sorted(Training.objects.values_list("title", "held_on", "organiser__name", "participants__person__nik"))
    follow_ups = sorted(FollowUp.objects.values_list("kube__no_registrasi", "due_on", "closed_on", "action"))
    return visits, attendance, trainings, follow_ups


def test_demo_has_a_field_history_with_mekar_saris_trainings_and_lapsed_groups():
    seed()
    today = timezone.localdate().replace(day=1) - dt.timedelta(days=1)  # the demo's last day
    mekar = Kube.objects.get(no_registrasi=MEKAR_SARI_NUMBER)
    titles = set(Training.objects.filter(participants__kube=mekar).values_list("title", flat=True))
    assert "Pelatihan pembuatan kompos padat" in titles
    assert "Pelatihan berbicara di depan umum (public speaking)" in titles
    assert any(title.startswith("Studi banding") for title in titles)
    assert any(title.startswith("Menerima studi banding") for title in titles)
    compost = Training.objects.get(title="Pelatihan pembuatan kompos padat")
    assert compost.organiser.name == "PT Pupuk Kaltim"

    last = Kube.objects.filter(status=KubeStatus.AKTIF).annotate(last=Max("visits__visited_on"))
    assert any(k.last is None or (today - k.last).days >= 90 for k in last)  # some group not visited for 90+ days
    assert any(k.last is not None and (today - k.last).days <= 40 for k in last)  # and some visited lately
    regular = Visit.objects.filter(visitor__username="pendamping1", visited_on__gt=today - dt.timedelta(days=60))
    assert regular.exists()
    stopped = Visit.objects.filter(visitor__username="pendamping2").aggregate(last=Max("visited_on"))["last"]
    assert stopped is not None and (today - stopped).days > 300
    assert Visit.objects.exclude(cohesion=None).exists()
    assert Visit.objects.filter(kind="monev", visitor__username="petugas").exists()
    assert Visit.attendees.through.objects.exists()
    assert not Visit.objects.filter(visited_on__gt=today).exists()
    open_ = FollowUp.objects.filter(closed_on__isnull=True)
    assert open_.filter(due_on__lt=today).exists() and FollowUp.objects.filter(closed_on__isnull=False).exists()
    for _kube, visited_on, joined_on, left_on in Visit.attendees.through.objects.values_list(
        "visit__kube_id", "visit__visited_on", "membership__joined_on", "membership__left_on"
    )[:500]:
        assert (joined_on is None or joined_on <= visited_on) and (left_on is None or left_on >= visited_on)


def context(seed: int) -> DemoContext:
    return DemoContext(
        seed=seed,
        years=3,
        today=timezone.localdate().replace(day=1) - dt.timedelta(days=1),
        admin=User.objects.get(username="admin"),
        officer=User.objects.get(username="petugas"),
        facilitators=list(User.objects.filter(username__startswith="pendamping").order_by("username")),
        mekar_sari=Kube.objects.get(no_registrasi=MEKAR_SARI_NUMBER),
    )


def test_demo_field_history_is_deterministic_with_the_seed():
    seed(groups=20, seed=7)
    first = snapshot()

    # The same groups and seed again: the same history.
    Visit.objects.all().delete()
    Training.objects.all().delete()
    build_monitoring(context(7))
    assert snapshot() == first
    Visit.objects.all().delete()
    Training.objects.all().delete()
    build_monitoring(context(8))
    assert snapshot() != first
