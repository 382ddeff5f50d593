"""A user's area: the command that sets it, the default, and what the sign-in reads with the user."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from groups.areas import AreaLevel, area_of
from groups.models import City, Kecamatan, Kelurahan, Kube, UserArea
from groups.regions import load_regions
from groups.services import kube_create
from tests.factories import KubeFactory, OfficerFactory


@pytest.fixture
def samarinda(db):
    load_regions("64.72", Kecamatan, Kelurahan)
    return City.objects.get(code="64.72")


def test_a_user_without_an_area_works_in_the_installations_city(db):
    area = area_of(OfficerFactory())
    assert (area.level, area.code, area.name) == (AreaLevel.KOTA, "64.74", "Kota Bontang")


def test_load_regions_makes_the_city_row_with_its_province(samarinda):
    assert (samarinda.name, samarinda.province_code, samarinda.province_name) == (
        "Kota Samarinda",
        "64",
        "Kalimantan Timur",
    )
    assert Kelurahan.objects.filter(kecamatan__city=samarinda).count() == 59


def test_the_command_sets_a_city_a_province_or_the_country(samarinda, capsys):
    officer = OfficerFactory(username="petugas_smd")
    call_command("set_user_area", "petugas_smd", "--city", "64.72")
    assert area_of(type(officer).objects.get(pk=officer.pk)).name == "Kota Samarinda"
    call_command("set_user_area", "petugas_smd", "--province", "63")
    assert UserArea.objects.get(user=officer).province_code == "63"
    call_command("set_user_area", "petugas_smd", "--national")
    assert UserArea.objects.get(user=officer).level == AreaLevel.NASIONAL
    with pytest.raises(CommandError, match="belum dimuat"):
        call_command("set_user_area", "petugas_smd", "--city", "64.71")
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("set_user_area", "petugas_smd", "--province", "99")


def test_an_area_row_must_match_its_level(samarinda):
    from django.db import IntegrityError, transaction

    officer = OfficerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        UserArea.objects.create(user=officer, level=AreaLevel.KOTA, city=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserArea.objects.create(user=officer, level=AreaLevel.PROVINSI, city=samarinda, province_code="64")


def test_a_new_group_takes_its_kelurahans_city_code(samarinda):
    import datetime as dt

    officer = OfficerFactory()
    UserArea.objects.create(user=officer, level=AreaLevel.KOTA, city=samarinda)
    kelurahan = Kelurahan.objects.filter(kecamatan__city=samarinda).first()
    kube = kube_create(
        actor=officer, name="KUBE Mahakam", kelurahan=kelurahan, founded_on=dt.date(2024, 3, 1), business_field="jasa"
    )
    assert kube.no_registrasi == "6472-2024-001"


def test_an_officer_cannot_place_a_group_in_another_city(samarinda, client):
    import datetime as dt

    from django.core.exceptions import ValidationError

    officer = OfficerFactory()  # Bontang
    kelurahan = Kelurahan.objects.filter(kecamatan__city=samarinda).first()
    with pytest.raises(ValidationError) as caught:
        kube_create(
            actor=officer, name="KUBE Salah", kelurahan=kelurahan, founded_on=dt.date(2024, 3, 1), business_field="jasa"
        )
    assert "kelurahan" in caught.value.message_dict
    # The form neither offers nor accepts it.
    client.force_login(officer)
    page = client.get(reverse("groups:kube_create")).content.decode()
    assert kelurahan.name not in page
    response = client.post(
        reverse("groups:kube_create"),
        {"name": "KUBE Salah", "kelurahan": kelurahan.pk, "founded_on": "2024-03-01", "business_field": "jasa"},
    )
    assert response.status_code == 200 and not Kube.objects.filter(name="KUBE Salah").exists()


def test_the_signed_in_user_is_read_with_their_area_in_one_query(samarinda, client, django_assert_num_queries):
    officer = OfficerFactory()
    UserArea.objects.create(user=officer, level=AreaLevel.KOTA, city=samarinda)
    KubeFactory(kelurahan=Kelurahan.objects.filter(kecamatan__city=samarinda).first())
    client.force_login(officer)
    url = reverse("groups:kube_list")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # The session's user: one query by id, joining the area and its city; no query of the area alone.
    user_reads = [q["sql"] for q in queries if re.search(r'FROM "auth_user".*WHERE "auth_user"."id" = \d+', q["sql"])]
    assert len(user_reads) == 1 and '"groups_city"' in user_reads[0]
    assert not [
        q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT") and 'FROM "groups_userarea"' in q["sql"]
    ]
