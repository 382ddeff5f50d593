"""Group list and profile: search, filters, masking, query counts, group forms."""

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Kube
from pages.profile import PANELS
from tests.factories import KubeFactory, MembershipFactory


def panel_queries(user, kube) -> int:
    """Queries the profile panels (pages/profile.py) make for `user` (permissions already loaded)."""
    user.get_all_permissions()
    request = RequestFactory().get(kube.get_absolute_url())
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        for panel in PANELS:
            panel.context(request, kube)
    return len(queries)


def list_page(client, **params):
    return client.get(reverse("groups:kube_list"), params)


def names(response):
    return [kube.name for kube in response.context["object_list"]]


def test_list_search_by_name_and_registration_number(client_for, officer, kube):
    KubeFactory(name="KUBE Lain", no_registrasi="6474-2019-007")
    client = client_for(officer)
    assert names(list_page(client, q="mekar")) == ["KUBE Mekar Uji"]
    assert names(list_page(client, q="2019-007")) == ["KUBE Lain"]


def test_list_search_does_not_take_a_nik_in_the_url(client_for, officer, kube):
    """A NIK is searched through the POST form of groups:member_search (tests/groups/test_member_search.py)."""
    member = MembershipFactory(kube=kube)
    assert names(list_page(client_for(officer), q=member.person.nik)) == []


def test_list_filters_by_kecamatan_business_field_status_and_facilitator(client_for, officer, kube):
    from groups.models import Kelurahan

    tanjung_laut = Kelurahan.objects.get(code="64.74.02.1001")
    KubeFactory(name="KUBE Selatan", kelurahan=tanjung_laut, business_field="jasa", status="bubar")
    client = client_for(officer)
    assert names(list_page(client, kecamatan=tanjung_laut.kecamatan_id)) == ["KUBE Selatan"]
    assert names(list_page(client, business_field="jasa")) == ["KUBE Selatan"]
    assert names(list_page(client, status="aktif")) == ["KUBE Mekar Uji"]
    assert names(list_page(client, facilitator=kube.facilitator_id)) == ["KUBE Mekar Uji"]


def test_list_sorts_by_member_count(client_for, officer, kube):
    bigger = KubeFactory(name="KUBE Besar")
    MembershipFactory.create_batch(3, kube=bigger)
    assert names(list_page(client_for(officer), o="-members")) == ["KUBE Besar", "KUBE Mekar Uji"]


def test_list_warns_outside_five_to_twenty_members(client_for, officer, kube):
    MembershipFactory.create_batch(2, kube=kube)
    page = list_page(client_for(officer)).content.decode()
    assert "Anggota aktif baru 2; ketentuan minimal 5 KK." in page


def test_list_paginates_and_keeps_filters(client_for, officer, facilitator):
    KubeFactory.create_batch(30, facilitator=facilitator, business_field="jasa")
    response = list_page(client_for(officer), business_field="jasa")
    assert len(response.context["object_list"]) == 25
    assert "business_field=jasa&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("count", [2, 50])
def test_list_query_count_does_not_grow_with_groups(client_for, officer, django_assert_num_queries, count):
    for kube in KubeFactory.create_batch(count):
        MembershipFactory(kube=kube)
    client = client_for(officer)
    # session, user, user's roles, user's permissions (group perms + own perms),
    # filter choices (kecamatan, kelurahan, facilitators), count, page of groups, the bell's unread count
    with django_assert_num_queries(11):
        response = list_page(client, o="-members")
    assert len(response.context["object_list"]) == min(count, 25)


@pytest.mark.parametrize("members", [1, 30])
def test_profile_query_count_does_not_grow_with_members(client_for, officer, kube, django_assert_num_queries, members):
    for membership in MembershipFactory.create_batch(members, kube=kube):
        membership.person.name += " (dikoreksi)"
        membership.person.save()
    client = client_for(officer)
    # session, user, roles, permissions x2, group, memberships with persons,
    # history: group, memberships, persons, users, kelurahan; the bell's unread count; then the other apps'
    # panels (pages/profile.py), measured on their own (each app tests its panel's count)
    with django_assert_num_queries(13 + panel_queries(officer, kube)):
        response = client.get(kube.get_absolute_url())
    assert len(response.context["active_members"]) == members


def test_profile_masks_nik_for_officer_and_shows_it_to_admin(client_for, officer, admin_user, kube):
    nik = MembershipFactory(kube=kube).person.nik
    masked = f"{nik[:4]} •••• •••• ••••"
    officer_page = client_for(officer).get(kube.get_absolute_url()).content.decode()
    assert masked in officer_page
    assert nik not in officer_page
    assert nik[4:8] not in officer_page.replace(nik[:4], "")  # nor any middle group
    admin_page = client_for(admin_user).get(kube.get_absolute_url()).content.decode()
    assert f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}" in admin_page


def test_profile_lists_former_members_with_reason(client_for, officer, kube):
    MembershipFactory(kube=kube, person__name="Bu Lama", left_on=dt.date(2022, 3, 1), leave_reason="mampu")
    response = client_for(officer).get(kube.get_absolute_url())
    assert [m.person.name for m in response.context["former_members"]] == ["Bu Lama"]
    assert "Mampu (lulus)" in response.content.decode()


def kube_post_data(**overrides):
    return {
        "name": "KUBE Sinar Baru",
        "kelurahan": "",
        "rt": "03",
        "founded_on": "2021-06-15",
        "business_field": "perdagangan",
        "status": "aktif",
    } | overrides


def test_officer_creates_group_with_generated_number(client_for, officer, facilitator):
    from groups.models import Kelurahan

    guntung = Kelurahan.objects.get(code="64.74.01.1004")
    response = client_for(officer).post(
        reverse("groups:kube_create"), kube_post_data(kelurahan=guntung.pk, facilitator=facilitator.pk)
    )
    kube = Kube.objects.get(name="KUBE Sinar Baru")
    assert response["Location"] == kube.get_absolute_url()
    assert kube.no_registrasi == "6474-2021-001"
    assert kube.facilitator == facilitator
    assert kube.history.get().history_user == officer


def test_group_form_names_the_field_on_bad_input(client_for, officer):
    response = client_for(officer).post(
        reverse("groups:kube_create"),
        kube_post_data(kelurahan="", founded_on="31-02-2021", financial_institution="lkm"),
    )
    errors = response.context["form"].errors
    assert set(errors) >= {"kelurahan", "founded_on"}
    assert not Kube.objects.exists()


def test_group_form_requires_date_with_lkm(client_for, officer, kube):
    data = kube_post_data(kelurahan=kube.kelurahan_id, facilitator=kube.facilitator_id, financial_institution="lkm")
    response = client_for(officer).post(reverse("groups:kube_update", kwargs={"pk": kube.pk}), data)
    assert "financial_institution_on" in response.context["form"].errors
    kube.refresh_from_db()
    assert kube.financial_institution == ""


def test_facilitator_edits_own_group_but_keeps_assignment(client_for, facilitator, kube):
    data = kube_post_data(kelurahan=kube.kelurahan_id, name="KUBE Mekar Baru", status="bubar")
    client_for(facilitator).post(reverse("groups:kube_update", kwargs={"pk": kube.pk}), data)
    kube.refresh_from_db()
    assert (kube.name, kube.status, kube.facilitator) == ("KUBE Mekar Baru", "aktif", facilitator)
    assert kube.history.first().history_user == facilitator


def test_dissolved_group_without_members_carries_no_size_warning(client_for, officer):
    KubeFactory(name="KUBE Bubar", status="bubar")
    page = list_page(client_for(officer)).content.decode()
    assert "ketentuan minimal" not in page
