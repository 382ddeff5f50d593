"""Scope: a client sees exactly its area's objects on every list, and 404 on every detail outside."""

import base64

import pytest
from django.urls import reverse

from tests.api.conftest import issue

# (list URL name, detail URL name, the attribute of CityData the detail names)
RESOURCES = [
    ("api:kube-list", "api:kube-detail", "kube"),
    ("api:membership-list", "api:membership-detail", "membership"),
    ("api:report-list", "api:report-detail", "report"),
    ("api:assessment-list", "api:assessment-detail", "assessment"),
    ("api:partner-list", "api:partner-detail", "partner"),
]


def listed_ids(client, token, name) -> set[int]:
    response = client.get(reverse(name), **token.header)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def detail_status(client, token, name, pk, method="get") -> int:
    return getattr(client, method)(reverse(name, kwargs={"pk": pk}), **token.header).status_code


def expected_ids(world, codes, attribute) -> set[int]:
    return {getattr(world[code], attribute).pk for code in codes}


@pytest.mark.django_db
@pytest.mark.parametrize(("list_name", "detail_name", "attribute"), RESOURCES)
def test_city_token_reads_only_its_city(client, world, bontang, list_name, detail_name, attribute):
    assert listed_ids(client, bontang, list_name) == expected_ids(world, ["64.74"], attribute)
    assert detail_status(client, bontang, detail_name, getattr(world["64.74"], attribute).pk) == 200
    for other in ("64.72", "63.71"):
        assert detail_status(client, bontang, detail_name, getattr(world[other], attribute).pk) == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("list_name", "detail_name", "attribute"), RESOURCES)
def test_the_other_city_token_reads_only_samarinda(client, world, samarinda, list_name, detail_name, attribute):
    assert listed_ids(client, samarinda, list_name) == expected_ids(world, ["64.72"], attribute)
    for other in ("64.74", "63.71"):
        assert detail_status(client, samarinda, detail_name, getattr(world[other], attribute).pk) == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("list_name", "detail_name", "attribute"), RESOURCES)
def test_province_token_reads_its_cities_not_another_province(client, world, kaltim, list_name, detail_name, attribute):
    assert listed_ids(client, kaltim, list_name) == expected_ids(world, ["64.74", "64.72"], attribute)
    for own in ("64.74", "64.72"):
        assert detail_status(client, kaltim, detail_name, getattr(world[own], attribute).pk) == 200
    assert detail_status(client, kaltim, detail_name, getattr(world["63.71"], attribute).pk) == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("list_name", "detail_name", "attribute"), RESOURCES)
def test_national_token_reads_every_city(client, world, kemensos, list_name, detail_name, attribute):
    assert listed_ids(client, kemensos, list_name) == expected_ids(world, ["64.74", "64.72", "63.71"], attribute)


@pytest.mark.django_db
@pytest.mark.parametrize(("list_name", "detail_name", "attribute"), RESOURCES)
def test_writing_answers_405_alike_for_own_and_foreign_objects(
    client, world, bontang, list_name, detail_name, attribute
):
    """Read-only: any other method is refused the same way, so it tells nothing of a foreign object."""
    own, foreign = getattr(world["64.74"], attribute).pk, getattr(world["64.72"], attribute).pk
    for method in ("post", "put", "patch", "delete", "options"):
        assert detail_status(client, bontang, detail_name, own, method) == 405
        assert detail_status(client, bontang, detail_name, foreign, method) == 405
        assert getattr(client, method)(reverse(list_name), **bontang.header).status_code == 405


@pytest.mark.django_db
def test_filters_cannot_widen_the_area(client, world, bontang):
    """Naming another city, its kecamatan or its group in a filter gives nothing, never its rows."""
    samarinda_kube = world["64.72"].kube
    for params in ({"kota": "64.72"}, {"kecamatan": "64.72.01"}, {"no_registrasi": samarinda_kube.no_registrasi}):
        response = client.get(reverse("api:kube-list"), params, **bontang.header)
        assert response.status_code == 200
        assert response.json()["results"] == []
    response = client.get(reverse("api:membership-list"), {"kelompok": samarinda_kube.no_registrasi}, **bontang.header)
    assert response.json()["results"] == []


@pytest.mark.django_db
def test_partners_are_their_citys_with_or_without_partnerships(client, world, bontang, kaltim):
    """Each city keeps its own partners: one with no group yet is listed for its city only."""
    from groups.models import City
    from tests.partnerships.factories import PartnerFactory

    idle = PartnerFactory(city=City.objects.get(code="64.72"), name="Bank Samarinda")
    assert idle.pk not in listed_ids(client, bontang, "api:partner-list")
    assert idle.pk in listed_ids(client, kaltim, "api:partner-list")
    body = client.get(reverse("api:partner-detail", kwargs={"pk": world["64.74"].partner.pk}), **bontang.header).json()
    assert body["kota"] == "64.74"
    assert [row["no_registrasi"] for row in body["kemitraan"]] == [world["64.74"].kube.no_registrasi]
    assert detail_status(client, bontang, "api:partner-detail", idle.pk) == 404


@pytest.mark.django_db
def test_cities_of_the_area(client, world, kaltim, bontang):
    body = client.get(reverse("api:city-list"), **kaltim.header).json()
    assert {row["kode"] for row in body} >= {"64.74", "64.72"}
    assert "63.71" not in {row["kode"] for row in body}
    assert client.get(reverse("api:city-detail", kwargs={"code": "63.71"}), **kaltim.header).status_code == 404
    assert client.get(reverse("api:city-detail", kwargs={"code": "64.72"}), **bontang.header).status_code == 404
    assert client.get(reverse("api:city-detail", kwargs={"code": "64.74"}), **bontang.header).status_code == 200
    assert client.get("/api/kota/64.7%00/", **bontang.header).status_code == 404


@pytest.mark.django_db
def test_aggregates_count_only_the_area(client, world, kaltim, bontang):
    body = client.get(reverse("api:aggregate-categories"), {"tanggal": "2024-12-31"}, **kaltim.header).json()
    assert {row["kode"]: row["jumlah"] for row in body["baris"]} == {"64.72": 1, "64.74": 1}
    category = world["64.74"].assessment.final_category
    assert next(row for row in body["baris"] if row["kode"] == "64.74")[category] == 1
    body = client.get(
        reverse("api:aggregate-categories"), {"tanggal": "2024-12-31", "per": "kecamatan"}, **bontang.header
    ).json()
    assert [(row["kode"], row["kode_kota"], row["jumlah"]) for row in body["baris"]] == [("64.74.01", "64.74", 1)]
    # Before the assessment: counted, as not assessed.
    body = client.get(reverse("api:aggregate-categories"), {"tanggal": "2024-01-31"}, **bontang.header).json()
    assert body["baris"][0]["belum_dinilai"] == 1

    body = client.get(
        reverse("api:aggregate-completeness"), {"bulan": "2024-04", "jumlah_bulan": 2}, **kaltim.header
    ).json()
    assert [(row["periode"], row["diharapkan"], row["masuk"]) for row in body["baris"]] == [
        ("2024-03", 2, 2),
        ("2024-04", 2, 0),
    ]
    body = client.get(
        reverse("api:aggregate-completeness"), {"bulan": "2024-03", "jumlah_bulan": 1, "kota": "63.71"}, **kaltim.header
    ).json()
    assert body["baris"][0]["diharapkan"] == 0


@pytest.mark.django_db
def test_group_list_filters(client, world, kemensos):
    kube = world["64.72"].kube
    kube.status = "tidak_aktif"
    kube.save()

    def numbers(**params):
        response = client.get(reverse("api:kube-list"), params, **kemensos.header)
        assert response.status_code == 200, response.content
        return [row["no_registrasi"] for row in response.json()["results"]]

    assert numbers(status="tidak_aktif") == [kube.no_registrasi]
    assert numbers(kota="64.72") == [kube.no_registrasi]
    assert numbers(q="6472-2020") == [kube.no_registrasi]
    assert numbers(kategori=world["64.72"].assessment.final_category, kota="64.72") == [kube.no_registrasi]
    assert sorted(numbers(business_field="produksi")) == sorted(w.kube.no_registrasi for w in world.values())
    assert client.get(reverse("api:kube-list"), {"kategori": "bukan"}, **kemensos.header).status_code == 400


@pytest.mark.django_db
def test_latest_assessment_filter(client, world, kemensos):
    from assessments.services import assessment_run

    kube = world["64.74"].kube
    later = assessment_run(kube=kube, as_of=world["64.74"].assessment.as_of.replace(year=2025))
    params = {"kelompok": kube.no_registrasi, "terakhir": "true"}
    body = client.get(reverse("api:assessment-list"), params, **kemensos.header).json()
    assert [row["id"] for row in body["results"]] == [later.pk]
    body = client.get(
        reverse("api:assessment-list"), params | {"tanggal_sampai": "2024-12-31"}, **kemensos.header
    ).json()
    assert [row["id"] for row in body["results"]] == [world["64.74"].assessment.pk]


@pytest.mark.django_db
def test_cursor_pages_walk_every_row_once(client, world, kemensos):
    seen, url = [], reverse("api:kube-list") + "?page_size=1"
    while url:
        body = client.get(url, **kemensos.header).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == seen and set(seen) == {w.kube.pk for w in world.values()}
    # Hand-made cursors: a position that is no id, one too large for an id.
    for cursor in (base64.b64encode(b"p=abc").decode(), base64.b64encode(b"p=" + b"9" * 30).decode()):
        assert client.get(reverse("api:kube-list"), {"cursor": cursor}, **kemensos.header).status_code == 404


@pytest.mark.django_db
def test_a_new_client_is_scoped_at_once(client, world):
    banjarmasin = issue("Dinsos Banjarmasin", city="63.71")
    ids = {row["id"] for row in client.get(reverse("api:kube-list"), **banjarmasin.header).json()["results"]}
    assert ids == {world["63.71"].kube.pk}
