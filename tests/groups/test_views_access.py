"""The permission matrix: every page of the registry core, asked by every persona."""

import pytest
from django.urls import reverse

from tests.factories import ADMIN, ANON, FAC, NOROLE, OFFICER, OTHER, MembershipFactory

# page -> expected status per persona (302: to sign-in).
# Whoever may not see the group gets 404, before any 403.
GROUP_PAGE = {ANON: 302, FAC: 200, OTHER: 404, OFFICER: 200, ADMIN: 200, NOROLE: 404}
MATRIX = {
    "groups:home": {ANON: 302, FAC: 200, OTHER: 200, OFFICER: 200, ADMIN: 200, NOROLE: 403},
    "groups:kube_list": {ANON: 302, FAC: 200, OTHER: 200, OFFICER: 200, ADMIN: 200, NOROLE: 403},
    "groups:kube_create": {ANON: 302, FAC: 403, OTHER: 403, OFFICER: 200, ADMIN: 200, NOROLE: 403},
    "groups:kube_detail": GROUP_PAGE,
    "groups:kube_update": GROUP_PAGE,
    "groups:member_add": GROUP_PAGE,
    "groups:member_role": GROUP_PAGE,
    "groups:member_leave": GROUP_PAGE,
    "groups:person_update": GROUP_PAGE,
    "healthz": {ANON: 200, FAC: 200, OTHER: 200, OFFICER: 200, ADMIN: 200, NOROLE: 200},
}


def url_for(name, kube, membership):
    if name in {"groups:member_role", "groups:member_leave", "groups:person_update"}:
        return reverse(name, kwargs={"pk": kube.pk, "membership_pk": membership.pk})
    if name in {"groups:kube_detail", "groups:kube_update", "groups:member_add"}:
        return reverse(name, kwargs={"pk": kube.pk})
    return reverse(name)


@pytest.mark.parametrize("name", MATRIX)
@pytest.mark.parametrize("persona", [ANON, FAC, OTHER, OFFICER, ADMIN, NOROLE])
def test_page_access_matrix(client_for, personas, kube, name, persona):
    membership = MembershipFactory(kube=kube)
    url = url_for(name, kube, membership)
    response = client_for(personas[persona]).get(url)
    assert response.status_code == MATRIX[name][persona], (url, persona)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["groups:kube_update", "groups:member_add", "groups:member_leave"])
def test_other_facilitator_cannot_post_to_a_group_not_theirs(client_for, other_facilitator, kube, name):
    membership = MembershipFactory(kube=kube)
    url = url_for(name, kube, membership)
    response = client_for(other_facilitator).post(url, {"name": "Dibajak", "left_on": "2024-01-01"})
    assert response.status_code == 404
    kube.refresh_from_db()
    assert kube.name == "KUBE Mekar Uji"
    assert kube.memberships.active().count() == 1


def test_membership_of_another_group_is_404_even_in_own_group_url(client_for, facilitator, kube):
    elsewhere = MembershipFactory()  # in a group of another facilitator
    url = reverse("groups:member_leave", kwargs={"pk": kube.pk, "membership_pk": elsewhere.pk})
    assert client_for(facilitator).get(url).status_code == 404


def test_facilitator_list_shows_only_own_groups(client_for, facilitator, other_facilitator, kube):
    MembershipFactory(kube__name="KUBE Orang Lain", kube__facilitator=other_facilitator)
    page = client_for(facilitator).get(reverse("groups:kube_list")).content.decode()
    assert "KUBE Mekar Uji" in page
    assert "KUBE Orang Lain" not in page


@pytest.mark.parametrize("method", ["delete", "put", "patch"])
def test_pages_refuse_other_methods(client_for, officer, kube, method):
    response = getattr(client_for(officer), method)(reverse("groups:kube_detail", kwargs={"pk": kube.pk}))
    assert response.status_code == 405


def test_healthz_refuses_post(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_healthz_answers_ok_without_login(client, db):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"ok")


def test_sign_in_page_is_indonesian(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Masuk ke Registri KUBE" in page
    assert "Nama pengguna" in page


def test_facilitator_edit_form_hides_assignment_and_status(client_for, facilitator, kube):
    form = client_for(facilitator).get(reverse("groups:kube_update", kwargs={"pk": kube.pk})).context["form"]
    assert "facilitator" not in form.fields
    assert "status" not in form.fields


def test_failed_sign_in_message_is_clear_indonesian(client, officer):
    response = client.post(reverse("login"), {"username": "petugas", "password": "salah"})
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()


def test_sort_choices_are_indonesian(client_for, officer):
    form = client_for(officer).get(reverse("groups:kube_list")).context["filter"].form
    labels = [str(label) for _value, label in form.fields["o"].choices]
    assert "Jumlah anggota (menurun)" in labels
    assert not any("descending" in label or "Members" in label for label in labels)
