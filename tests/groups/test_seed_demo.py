import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.utils import timezone
from freezegun import freeze_time

from groups.demo import MEKAR_SARI_NUMBER
from groups.models import Kelurahan, Kube, KubeStatus, Membership, Person, Role
from kube_registry.nik import parse_kk, parse_nik
from kube_registry.roles import ROLE_ADMIN, ROLE_FACILITATOR, ROLE_OFFICER
from tests.factories import KubeFactory

PASSWORD = "demo-uji-123"

pytestmark = pytest.mark.django_db


def seed(*args: str, groups: int = 12) -> str:
    out = StringIO()
    call_command("seed_demo", "--groups", str(groups), "--password", PASSWORD, *args, stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list, list]:
    persons = sorted(Person.objects.values_list("nik", "kk", "name", "sex", "birth_on"))
    kubes = sorted(Kube.objects.values_list("no_registrasi", "name", "founded_on", "status", "facilitator__username"))
    return persons, kubes


def clear_groups() -> None:
    Kube.objects.all().delete()  # with their memberships and what other apps hold of them
    Membership.objects.all().delete()
    Person.objects.all().delete()


def test_seed_demo_same_seed_gives_same_data():
    seed("--seed", "7")
    first = snapshot()
    clear_groups()
    seed("--seed", "7")  # the users exist now: they are updated, not duplicated
    assert snapshot() == first
    clear_groups()
    seed("--seed", "8")
    assert snapshot()[0] != first[0]


def test_seed_demo_builds_mekar_sari_with_its_real_facts():
    seed()
    kube = Kube.objects.get(no_registrasi=MEKAR_SARI_NUMBER)
    assert kube.name == "KUBE Mekar Sari"
    assert (kube.rt, kube.kelurahan.code, kube.kelurahan.kecamatan.name) == ("07", "64.74.01.1004", "Bontang Utara")
    assert (kube.founded_on.year, kube.founded_on.month) == (2014, 4)
    assert (kube.business_field, kube.area_type, kube.initiative) == ("produksi", "perkotaan", "masyarakat")
    assert "RENSTRA 2015–2019" in kube.plan
    assert kube.facilitator.username == "pendamping1"
    active = kube.memberships.active().select_related("person")
    assert active.count() == 23
    assert kube.memberships.filter(joined_on=kube.founded_on).count() == 10
    assert kube.memberships.active_on(dt.date(2016, 12, 31)).count() == 20
    roles = [m.role for m in active]
    assert all(roles.count(role) == 1 for role in (Role.KETUA, Role.SEKRETARIS, Role.BENDAHARA))
    assert sum(m.person.sex == "P" for m in active) > 18
    assert all(m.person.is_dtks for m in active)
    former = kube.memberships.filter(left_on__isnull=False)
    assert former.count() >= 3
    assert all(m.leave_reason for m in former)
    assert {m.person.nik[:6] for m in active} > {"647401", "737101"}


def test_seed_demo_identity_numbers_are_valid_and_unique():
    seed()
    today = timezone.localdate()
    persons = list(Person.objects.all())
    assert len(persons) > 12 * 5
    for person in persons:
        info = parse_nik(person.nik, sex=person.sex, birth_on=person.birth_on, today=today)
        assert info.serial != "0000"
        if person.kk:
            parse_kk(person.kk)
    assert len({p.kk for p in persons if p.kk}) == len([p for p in persons if p.kk])


def test_seed_demo_groups_are_consistent():
    seed(groups=30)
    assert Kube.objects.count() == 31
    assert not Person.objects.annotate(n=Count("memberships", filter=Q(memberships__left_on__isnull=True))).filter(
        n__gt=1
    )
    # Every kelurahan of the city has a group; numbers follow contract 4.
    assert Kelurahan.objects.filter(code__startswith="64.74.", kubes__isnull=True).count() == 0
    for kube in Kube.objects.all():
        assert kube.no_registrasi == f"6474-{kube.founded_on.year}-{kube.no_registrasi[-3:]}"
        assert dt.date(2012, 1, 1) <= kube.founded_on <= timezone.localdate()
    for membership in Membership.objects.select_related("kube"):
        assert membership.joined_on is None or membership.joined_on >= membership.kube.founded_on
        assert bool(membership.left_on) == bool(membership.leave_reason)
    assert not Membership.objects.active().filter(kube__status=KubeStatus.BUBAR).exists()
    # Creation is attributable: one history entry per row, made by admin.
    assert Kube.history.count() == Kube.objects.count()
    assert Person.history.count() == Person.objects.count()
    assert Membership.history.filter(history_user__username="admin").count() == Membership.objects.count()


def test_seed_demo_users_have_roles_and_the_password():
    output = seed()
    assert "13 KUBE" in output
    admin = authenticate(username="admin", password=PASSWORD)
    assert admin.is_staff and admin.is_superuser
    assert admin.groups.filter(name=ROLE_ADMIN).exists()
    assert authenticate(username="petugas", password=PASSWORD).groups.filter(name=ROLE_OFFICER).exists()
    facilitator = authenticate(username="pendamping1", password=PASSWORD)
    assert facilitator.groups.filter(name=ROLE_FACILITATOR).exists()
    assert facilitator.first_name
    assert facilitator.facilitated_kubes.count() > 1


def test_seed_demo_rerun_updates_existing_users_password():
    seed()
    clear_groups()
    call_command("seed_demo", "--groups", "0", "--years", "0", "--password", "baru-456", stdout=StringIO())
    assert authenticate(username="pendamping1", password="baru-456") is not None
    assert authenticate(username="pendamping1", password=PASSWORD) is None


def test_seed_demo_refuses_default_password_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--password"):
        call_command("seed_demo", "--groups", "0", stdout=StringIO())
    assert not Kube.objects.exists()


def test_seed_demo_uses_default_password_in_debug(settings):
    settings.DEBUG = True
    output = StringIO()
    call_command("seed_demo", "--groups", "0", "--years", "0", stdout=output)
    assert authenticate(username="admin", password="kube-demo") is not None
    assert "kube-demo" in output.getvalue()


def test_seed_demo_if_empty_leaves_existing_data_alone():
    KubeFactory()
    output = seed("--if-empty")
    assert Kube.objects.count() == 1
    assert not Person.objects.exists()
    assert "tidak dibuat" in output


def test_seed_demo_refuses_database_with_groups():
    KubeFactory()
    with pytest.raises(CommandError, match="sudah berisi KUBE"):
        seed()
    assert Kube.objects.count() == 1


def test_seed_demo_minimal_gives_regions_mekar_sari_and_users():
    seed("--years", "0", groups=0)
    assert list(Kube.objects.values_list("no_registrasi", flat=True)) == [MEKAR_SARI_NUMBER]
    assert Kelurahan.objects.filter(code__startswith="64.74.").count() == 15
    assert sorted(Kube.objects.get().facilitator.groups.values_list("name", flat=True)) == [ROLE_FACILITATOR]
    assert set(Person.objects.values_list("memberships__kube__name", flat=True)) == {"KUBE Mekar Sari"}


@freeze_time("2019-06-30 12:00")
def test_seed_demo_dates_nothing_after_today():
    seed()
    today = dt.date(2019, 6, 30)
    assert not Kube.objects.filter(Q(founded_on__gt=today) | Q(financial_institution_on__gt=today)).exists()
    assert not Membership.objects.filter(Q(joined_on__gt=today) | Q(left_on__gt=today)).exists()
    assert not Person.objects.filter(birth_on__gt=today).exists()
    for person in Person.objects.all():
        parse_nik(person.nik, sex=person.sex, birth_on=person.birth_on, today=today)
