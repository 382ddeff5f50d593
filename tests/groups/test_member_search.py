"""Finding a member's groups by NIK: a POST form, so the NIK is never in a URL."""

import re

import pytest
from django.urls import reverse

from tests.factories import KubeFactory, MembershipFactory

URL = reverse("groups:member_search")


@pytest.fixture
def member(kube):
    return MembershipFactory(kube=kube)


def spaced(nik: str) -> str:
    return f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"


def test_search_by_nik_finds_the_group_and_puts_the_nik_in_no_url(client_for, officer, member):
    KubeFactory(name="KUBE Lain")
    response = client_for(officer).post(URL, {"nik": spaced(member.person.nik)})
    assert response.status_code == 200
    assert [k.name for k in response.context["kubes"]] == ["KUBE Mekar Uji"]
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    for url in re.findall(r'(?:href|action|src)="([^"]*)"', page):
        assert member.person.nik not in url.replace(" ", ""), url


def test_facilitator_finds_only_own_groups(client_for, other_facilitator, member):
    response = client_for(other_facilitator).post(URL, {"nik": member.person.nik})
    assert response.status_code == 200
    assert response.context["kubes"] == []
    assert "Tidak ada kelompok Anda" in response.content.decode()


def test_a_past_member_is_found_by_the_office_only(client_for, officer, facilitator, member):
    """A facilitator reaches a person only through an active membership of their group."""
    import datetime as dt

    member.left_on = dt.date.today()
    member.leave_reason = "pindah"
    member.save()
    response = client_for(officer).post(URL, {"nik": member.person.nik})
    assert [k.pk for k in response.context["kubes"]] == [member.kube_id]
    response = client_for(facilitator).post(URL, {"nik": member.person.nik})
    assert response.context["kubes"] == []


@pytest.mark.parametrize("nik", ["", "123", "abcdefghijklmnop", "6474" * 5])
def test_not_a_nik_is_a_form_error(client_for, officer, nik):
    response = client_for(officer).post(URL, {"nik": nik})
    assert response.status_code == 400
    assert response.context["form"].errors


def test_the_form_posts_and_anonymous_users_sign_in_first(client_for, officer):
    page = client_for(officer).get(URL).content.decode()
    assert re.search(r'<form method="post"', page)
    response = client_for(None).post(URL, {"nik": "6474015708800001"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "6474015708800001" not in response["Location"]


def test_the_group_list_links_to_the_nik_search(client_for, officer):
    assert URL in client_for(officer).get(reverse("groups:kube_list")).content.decode()
