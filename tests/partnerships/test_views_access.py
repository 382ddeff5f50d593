"""The permission matrix of every partnership page, asked by every persona."""

import pytest
from django.urls import reverse

from partnerships.models import Partner, Partnership
from tests.factories import ADMIN, ANON, FAC, NOROLE, OFFICER, OTHER
from tests.partnerships.factories import PartnerFactory, PartnershipFactory

PERSONAS = [ANON, FAC, OTHER, OFFICER, ADMIN, NOROLE]

# page -> expected status per persona (302: to sign-in).
# Whoever may not see the group gets 404, before any 403.
GROUP_PAGE = {ANON: 302, FAC: 200, OTHER: 404, OFFICER: 200, ADMIN: 200, NOROLE: 404}
CITY_PAGE = {ANON: 302, FAC: 403, OTHER: 403, OFFICER: 200, ADMIN: 200, NOROLE: 403}
MATRIX = {
    "partnerships:partnership_add": GROUP_PAGE,
    "partnerships:partnership_update": GROUP_PAGE,
    "partnerships:partnership_end": GROUP_PAGE,
    "partnerships:partner_list": CITY_PAGE,
    "partnerships:partnership_export": CITY_PAGE,
    "partnerships:partner_create": CITY_PAGE,
    "partnerships:partner_detail": CITY_PAGE,
    "partnerships:partner_update": CITY_PAGE,
    "partnerships:partner_merge": {ANON: 302, FAC: 403, OTHER: 403, OFFICER: 403, ADMIN: 200, NOROLE: 403},
}
GROUP_URLS = {"partnerships:partnership_add", "partnerships:partnership_update", "partnerships:partnership_end"}


@pytest.fixture
def partnership(kube):
    return PartnershipFactory(kube=kube, partner=PartnerFactory(name="Dinas Sosial"))


def url_for(name, partnership):
    if name == "partnerships:partnership_add":
        return reverse(name, kwargs={"pk": partnership.kube_id})
    if name in GROUP_URLS:
        return reverse(name, kwargs={"pk": partnership.kube_id, "partnership_pk": partnership.pk})
    if name in {"partnerships:partner_list", "partnerships:partner_create", "partnerships:partnership_export"}:
        return reverse(name)
    return reverse(name, kwargs={"pk": partnership.partner_id})


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_matrix(client_for, personas, partnership, name, persona):
    url = url_for(name, partnership)
    response = client_for(personas[persona]).get(url)
    assert response.status_code == MATRIX[name][persona], (url, persona)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(GROUP_URLS))
def test_other_facilitator_cannot_post_to_a_group_not_theirs(client_for, other_facilitator, partnership, name):
    before = list(Partnership.objects.values())
    data = {"partner": partnership.partner_id, "forms": ["pemasaran"], "started_on": "2021-02-01"}
    response = client_for(other_facilitator).post(url_for(name, partnership), data | {"ended_on": "2022-01-01"})
    assert response.status_code == 404
    assert list(Partnership.objects.values()) == before


@pytest.mark.parametrize("name", ["partnerships:partnership_update", "partnerships:partnership_end"])
def test_partnership_of_another_group_is_404_even_in_own_group_url(client_for, facilitator, kube, name):
    elsewhere = PartnershipFactory()  # another facilitator's group
    url = reverse(name, kwargs={"pk": kube.pk, "partnership_pk": elsewhere.pk})
    assert client_for(facilitator).get(url).status_code == 404


def test_facilitator_may_not_register_partners_nor_post_to_city_pages(client_for, facilitator, partnership):
    client = client_for(facilitator)
    response = client.post(reverse("partnerships:partner_create"), {"name": "Mitra Baru", "kind": "swasta"})
    assert response.status_code == 403
    assert not Partner.objects.filter(name="Mitra Baru").exists()


def test_officer_may_not_merge_partners(client_for, officer, partnership):
    other = PartnerFactory(name="Dinsos")
    url = reverse("partnerships:partner_merge", kwargs={"pk": partnership.partner_id})
    response = client_for(officer).post(url, {"remove": other.pk, "confirm": "on"})
    assert response.status_code == 403
    assert Partner.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("method", ["delete", "put", "patch"])
def test_pages_refuse_other_methods(client_for, admin_user, partnership, name, method):
    response = getattr(client_for(admin_user), method)(url_for(name, partnership))
    assert response.status_code == 405


@pytest.mark.parametrize(
    "name", ["partnerships:partner_list", "partnerships:partner_detail", "partnerships:partnership_export"]
)
def test_read_only_pages_refuse_post(client_for, officer, partnership, name):
    assert client_for(officer).post(url_for(name, partnership)).status_code == 405
