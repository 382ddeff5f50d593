"""The dashboard's place filters offer the user's area's places only (issue 19, part 3), like the list's.

A country's kecamatan, kelurahan and facilitators as options were most of a dashboard's
time at national size. The choices are compared with the plain query, and the groups a
filter then counts with the plain filter.
"""

from groups.models import Kecamatan, Kelurahan, Kube
from tests.groups.test_national_filters import SAMARINDA, country  # noqa: F401 - the fixture


def _choices(response, name: str) -> set:
    return set(response.context["form"].fields[name].queryset)


def test_a_city_officer_chooses_among_their_city_only(client, country):  # noqa: F811
    client.force_login(country["officer"])
    response = client.get("/dasbor/")
    assert response.status_code == 200
    assert _choices(response, "kecamatan") == set(Kecamatan.objects.filter(city__code=SAMARINDA))
    assert _choices(response, "kelurahan") == set(Kelurahan.objects.filter(kecamatan__city__code=SAMARINDA))
    assert _choices(response, "facilitator") == {country["facilitators"][SAMARINDA]}


def test_a_national_reader_chooses_a_city_first_and_counts_the_plain_groups(client, country):  # noqa: F811
    client.force_login(country["national"])
    response = client.get("/dasbor/")
    assert _choices(response, "kecamatan") == _choices(response, "kelurahan") == set()
    kube = Kube.objects.filter(kelurahan__kecamatan__city__code=SAMARINDA).order_by("pk").first()
    kecamatan = kube.kelurahan.kecamatan
    response = client.get("/dasbor/", {"kecamatan": kecamatan.pk, "kelurahan": kube.kelurahan_id})
    assert response.status_code == 200
    assert _choices(response, "kelurahan") == set(Kelurahan.objects.filter(kecamatan__city=kecamatan.city))
    counted = set(response.context["params"].kubes.values_list("pk", flat=True))
    assert counted == set(Kube.objects.filter(kelurahan=kube.kelurahan_id).values_list("pk", flat=True))
