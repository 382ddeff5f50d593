"""The group list's filter choices at national size (issue 19, part 3): the user's area's only.

Every region and facilitator of a country (tens of thousands of options) on every list
page cost most of its time; the choices are the area's, and a province's or the
country's readers choose a city first. Each test compares the choices offered, and the
groups a filter then finds, with the plain query on the same data.
"""

import pytest

from groups.models import AreaLevel, Kecamatan, Kelurahan, Kube, UserArea
from groups.regions import city_get_or_create, load_regions
from tests.factories import FacilitatorFactory, KubeFactory, OfficerFactory

SAMARINDA = "64.72"


@pytest.fixture
def country(db):
    """Bontang (the installation's city) and Samarinda; a facilitator and two groups in each."""
    load_regions(SAMARINDA, Kecamatan, Kelurahan)
    samarinda = city_get_or_create(SAMARINDA, Kecamatan._meta.get_field("city").related_model)
    bontang_facilitator = FacilitatorFactory(username="pendamping_bontang")  # no area: the installation's city
    samarinda_facilitator = FacilitatorFactory(username="pendamping_samarinda")
    UserArea.objects.create(user=samarinda_facilitator, level=AreaLevel.KOTA, city=samarinda)
    in_bontang = list(Kelurahan.objects.filter(kecamatan__city__code="64.74").order_by("code")[:2])
    in_samarinda = list(Kelurahan.objects.filter(kecamatan__city=samarinda).order_by("code")[:2])
    for n, kelurahan in enumerate(in_bontang):
        KubeFactory(kelurahan=kelurahan, facilitator=bontang_facilitator, name=f"KUBE Bontang {n}")
    for n, kelurahan in enumerate(in_samarinda):
        KubeFactory(kelurahan=kelurahan, facilitator=samarinda_facilitator, name=f"KUBE Samarinda {n}")
    officer = OfficerFactory(username="petugas_samarinda")
    UserArea.objects.create(user=officer, level=AreaLevel.KOTA, city=samarinda)
    national = OfficerFactory(username="petugas_nasional")
    UserArea.objects.create(user=national, level=AreaLevel.NASIONAL)
    return {
        "samarinda": samarinda,
        "officer": officer,
        "national": national,
        "facilitators": {"64.74": bontang_facilitator, SAMARINDA: samarinda_facilitator},
    }


def _choices(response, name: str) -> set:
    return set(response.context["filter"].form.fields[name].queryset)


def test_a_city_officer_chooses_among_their_city_only(client, country):
    client.force_login(country["officer"])
    response = client.get("/kelompok/")
    assert response.status_code == 200
    assert _choices(response, "kecamatan") == set(Kecamatan.objects.filter(city__code=SAMARINDA))
    assert _choices(response, "kelurahan") == set(Kelurahan.objects.filter(kecamatan__city__code=SAMARINDA))
    assert _choices(response, "facilitator") == {country["facilitators"][SAMARINDA]}
    content = response.content.decode()
    assert "Bontang Utara" not in content  # another city's kecamatan, not even as an option


def test_the_installation_city_officer_keeps_every_one_of_theirs(client, country, officer):
    """A user without an area works in the installation's city: its regions and facilitators without one."""
    client.force_login(officer)
    response = client.get("/kelompok/")
    assert _choices(response, "kecamatan") == set(Kecamatan.objects.filter(city__code="64.74"))
    assert _choices(response, "kelurahan") == set(Kelurahan.objects.filter(kecamatan__city__code="64.74"))
    assert _choices(response, "facilitator") == {country["facilitators"]["64.74"]}


def test_a_national_reader_chooses_a_city_first(client, country):
    client.force_login(country["national"])
    response = client.get("/kelompok/")
    assert _choices(response, "kota") >= {country["samarinda"]}
    assert _choices(response, "kecamatan") == set()
    assert _choices(response, "kelurahan") == set()
    assert _choices(response, "facilitator") == set()
    response = client.get("/kelompok/", {"kota": country["samarinda"].pk})
    assert _choices(response, "kecamatan") == set(Kecamatan.objects.filter(city__code=SAMARINDA))
    assert _choices(response, "kelurahan") == set(Kelurahan.objects.filter(kecamatan__city__code=SAMARINDA))
    assert _choices(response, "facilitator") == {country["facilitators"][SAMARINDA]}
    # A kecamatan chosen (a link from elsewhere) stands for its city.
    kecamatan = Kecamatan.objects.filter(city__code="64.74").order_by("code").first()
    response = client.get("/kelompok/", {"kecamatan": kecamatan.pk})
    assert _choices(response, "kecamatan") == set(Kecamatan.objects.filter(city__code="64.74"))
    assert _choices(response, "facilitator") == {country["facilitators"]["64.74"]}


@pytest.mark.parametrize("who", ["officer", "national"])
def test_filters_find_the_groups_the_plain_query_finds(client, country, who):
    client.force_login(country[who])
    kelurahan = Kube.objects.filter(kelurahan__kecamatan__city__code=SAMARINDA).order_by("pk").first().kelurahan
    facilitator = country["facilitators"][SAMARINDA]
    for params, plain in [
        ({"kecamatan": kelurahan.kecamatan_id}, Kube.objects.filter(kelurahan__kecamatan=kelurahan.kecamatan_id)),
        (
            {"kecamatan": kelurahan.kecamatan_id, "kelurahan": kelurahan.pk},
            Kube.objects.filter(kelurahan=kelurahan),
        ),
        (
            {"kecamatan": kelurahan.kecamatan_id, "facilitator": facilitator.pk},
            Kube.objects.filter(kelurahan__kecamatan=kelurahan.kecamatan_id, facilitator=facilitator),
        ),
    ]:
        response = client.get("/kelompok/", params)
        assert response.status_code == 200
        assert {kube.pk for kube in response.context["object_list"]} == set(plain.values_list("pk", flat=True))
        assert plain.exists()


def test_a_city_officer_cannot_filter_by_another_citys_region(client, country):
    """Another city's kecamatan is no choice: the filter is refused, not applied (the list stays the user's)."""
    client.force_login(country["officer"])
    bontang = Kecamatan.objects.get(code="64.74.01")
    response = client.get("/kelompok/", {"kecamatan": bontang.pk})
    assert response.status_code == 200
    assert "kecamatan" in response.context["filter"].form.errors
    listed = {kube.pk for kube in response.context["object_list"]}
    assert listed == set(Kube.objects.filter(kelurahan__kecamatan__city__code=SAMARINDA).values_list("pk", flat=True))
