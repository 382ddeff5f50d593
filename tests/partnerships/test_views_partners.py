"""The city's partner view, a partner's page, registering, editing and merging partners, the admin."""

import datetime as dt

import pytest
from django.urls import reverse

from groups.models import Kelurahan, KubeStatus
from partnerships import services
from partnerships.models import Partner, PartnerKind, PartnerMerge, Partnership
from tests.factories import KubeFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

D = dt.date
LIST_URL = "/mitra/"


@pytest.fixture
def city(facilitator):
    north = Kelurahan.objects.get(code="64.74.01.1004")
    south = Kelurahan.objects.exclude(kecamatan=north.kecamatan).select_related("kecamatan").first()
    groups = {
        "mekar": KubeFactory(name="KUBE Mekar", kelurahan=north, facilitator=facilitator),
        "melati": KubeFactory(name="KUBE Melati", kelurahan=north),
        "selatan": KubeFactory(name="KUBE Selatan", kelurahan=south),
        "bubar": KubeFactory(name="KUBE Bubar", kelurahan=south, status=KubeStatus.BUBAR),
    }
    office = PartnerFactory(name="Dinas Sosial", kind=PartnerKind.PEMERINTAH)
    bank = PartnerFactory(name="Bank Kaltimtara", kind=PartnerKind.LEMBAGA_KEUANGAN)
    PartnershipFactory(kube=groups["mekar"], partner=office, has_pendampingan=True)
    PartnershipFactory(kube=groups["selatan"], partner=office)
    PartnershipFactory(kube=groups["mekar"], partner=bank, has_koordinasi=False, has_permodalan=True)
    return groups | {"office": office, "bank": bank, "north": north, "south": south}


def partner_rows(response):
    return {row.name: row for row in response.context["partners"]}


def test_city_view_counts_groups_per_partner_by_form(client_for, officer, city):
    response = client_for(officer).get(LIST_URL)
    rows = partner_rows(response)
    assert rows["Dinas Sosial"].kube_count == 2
    assert dict(rows["Dinas Sosial"].form_counts) == {
        "Konsultasi teknis": 0,
        "Koordinasi": 2,
        "Pendampingan": 1,
        "Permodalan": 0,
        "Pemasaran": 0,
    }
    assert dict(rows["Bank Kaltimtara"].form_counts)["Permodalan"] == 1
    assert response.context["totals"].kube_count == 2
    assert [k.name for k in response.context["without"]] == ["KUBE Melati"]  # the dissolved group is left out
    page = response.content.decode()
    assert "2 KUBE bermitra aktif pada" in page
    assert "KUBE tanpa mitra aktif (1)" in page
    assert reverse("partnerships:partner_detail", kwargs={"pk": city["office"].pk}) in page


def test_city_view_filters_by_kind_and_kecamatan(client_for, officer, city):
    client = client_for(officer)
    response = client.get(LIST_URL, {"kind": "lembaga_keuangan"})
    assert list(partner_rows(response)) == ["Bank Kaltimtara"]
    assert {k.name for k in response.context["without"]} == {"KUBE Melati", "KUBE Selatan"}

    response = client.get(LIST_URL, {"kecamatan": city["south"].kecamatan_id})
    rows = partner_rows(response)
    assert (rows["Dinas Sosial"].kube_count, rows["Bank Kaltimtara"].kube_count) == (1, 0)
    assert list(response.context["without"]) == []
    assert "Semua KUBE dalam saringan ini memiliki mitra aktif." in response.content.decode()


def test_city_view_answers_at_a_past_date(client_for, officer, city):
    PartnershipFactory(kube=city["melati"], partner=city["bank"], started_on=D(2020, 5, 1), ended_on=D(2020, 12, 31))
    response = client_for(officer).get(LIST_URL, {"day": "2020-06-30"})
    assert partner_rows(response)["Bank Kaltimtara"].kube_count == 1
    assert partner_rows(response)["Dinas Sosial"].kube_count == 0
    assert "1 KUBE bermitra aktif pada 30 Juni 2020." in response.content.decode()


def test_city_view_refuses_a_future_date_and_shows_today(client_for, officer, city):
    response = client_for(officer).get(LIST_URL, {"day": "2999-01-01"})
    assert response.status_code == 200
    assert response.context["is_today"]
    assert "day" in response.context["filter_form"].errors


@pytest.mark.parametrize("partners", [1, 30])
def test_city_view_query_count_does_not_grow_with_partners(client_for, officer, django_assert_num_queries, partners):
    lonely = KubeFactory.create_batch(3)
    for index in range(partners):
        PartnershipFactory(partner=PartnerFactory(kind=PartnerKind.SWASTA), has_pemasaran=index % 2 == 0)
    client = client_for(officer)
    # session, user, the user's permissions and their roles' permissions,
    # the chosen kecamatan, groups without a partner (count, then the page), partners by form,
    # the totals, the user's roles (menu), the kecamatan choices, the bell's unread count
    with django_assert_num_queries(12):
        response = client.get(LIST_URL, {"kind": "swasta", "kecamatan": lonely[0].kelurahan.kecamatan_id})
    assert len(response.context["partners"]) == partners
    assert len(response.context["without"]) == 3


def test_partner_detail_lists_its_groups(client_for, officer, city):
    PartnershipFactory(kube=city["melati"], partner=city["office"], ended_on=D(2022, 6, 30))
    response = client_for(officer).get(city["office"].get_absolute_url())
    network = response.context["network"]
    assert [row.partnership.kube.name for row in network.current] == ["KUBE Mekar", "KUBE Selatan"]
    assert [row.partnership.kube.name for row in network.past] == ["KUBE Melati"]
    page = response.content.decode()
    assert "KUBE yang bermitra saat ini (2)" in page
    assert "Kemitraan yang telah berakhir" in page


@pytest.mark.parametrize("groups", [1, 20])
def test_partner_detail_query_count_does_not_grow(client_for, officer, django_assert_num_queries, groups):
    partner = PartnerFactory()
    for _index in range(groups):
        PartnershipFactory(partner=partner)
    client = client_for(officer)
    # session, user, permissions x2, the partner, its partnerships with groups and regions,
    # its merges, the user's roles (menu), the bell's unread count
    with django_assert_num_queries(9):
        response = client.get(partner.get_absolute_url())
    assert len(response.context["network"].current) == groups


def test_officer_registers_and_edits_a_partner(client_for, officer):
    client = client_for(officer)
    response = client.post(
        reverse("partnerships:partner_create"),
        {"name": "Universitas Trunajaya", "kind": "perguruan_tinggi", "contact": "LPPM, 0548-21000", "notes": ""},
    )
    partner = Partner.objects.get()
    assert response["Location"] == partner.get_absolute_url()
    assert partner.history.get().history_user == officer
    response = client.post(
        reverse("partnerships:partner_update", kwargs={"pk": partner.pk}),
        {"name": "Universitas Trunajaya Bontang", "kind": "perguruan_tinggi", "contact": "", "notes": "MoU 2022"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.name_key, partner.notes) == (
        "Universitas Trunajaya Bontang",
        "universitastrunajayabontang",
        "MoU 2022",
    )


def test_registering_a_partner_twice_names_the_existing_one(client_for, officer):
    PartnerFactory(name="PT Pupuk Kaltim", kind=PartnerKind.SWASTA)
    response = client_for(officer).post(
        reverse("partnerships:partner_create"), {"name": "pt.pupuk kaltim", "kind": "swasta"}
    )
    assert response.context["form"].errors["name"] == [services.MSG_PARTNER_EXISTS.format(name="PT Pupuk Kaltim")]
    assert "sudah terdaftar sebagai “PT Pupuk Kaltim”" in response.content.decode()


def test_admin_merges_a_duplicate_partner(client_for, admin_user, city):
    duplicate = PartnerFactory(name="Dinsos Kota Bontang", kind=PartnerKind.PEMERINTAH)
    PartnershipFactory(kube=city["mekar"], partner=duplicate, has_pemasaran=True, started_on=D(2020, 6, 1))
    PartnershipFactory(kube=city["melati"], partner=duplicate)
    client = client_for(admin_user)
    url = reverse("partnerships:partner_merge", kwargs={"pk": city["office"].pk})
    form = client.get(url, {"duplicate": duplicate.pk}).context["form"]
    assert form.initial["remove"] == str(duplicate.pk)
    assert city["office"] not in form.fields["remove"].queryset

    response = client.post(url, {"remove": duplicate.pk})  # without the confirmation
    assert "confirm" in response.context["form"].errors
    response = client.post(url, {"remove": duplicate.pk, "confirm": "on"}, follow=True)
    assert "Mitra Dinsos Kota Bontang digabung ke Dinas Sosial: 2 kemitraan dipindahkan, 1 disatukan." in (
        response.content.decode()
    )
    assert not Partner.objects.filter(pk=duplicate.pk).exists()
    mekar = Partnership.objects.get(kube=city["mekar"], partner=city["office"])
    assert mekar.forms == ["koordinasi", "pendampingan", "pemasaran"]
    assert mekar.started_on == D(2020, 6, 1)
    assert Partnership.objects.get(kube=city["melati"]).partner == city["office"]
    assert PartnerMerge.objects.get().merged_by == admin_user
    assert "Dinsos Kota Bontang" in response.content.decode()  # "also known as" on the partner's page


# --- Django admin -----------------------------------------------------------------------


def test_admin_pages_list_partners_and_partnerships(client_for, admin_user, city):
    client = client_for(admin_user)
    for name in ("partner", "partnership", "partnermerge"):
        assert client.get(reverse(f"admin:partnerships_{name}_changelist")).status_code == 200
    history = reverse("admin:partnerships_partner_history", kwargs={"object_id": city["office"].pk})
    assert client.get(history).status_code == 200


def test_admin_add_partner_refuses_a_duplicate_name(client_for, admin_user, city):
    response = client_for(admin_user).post(
        reverse("admin:partnerships_partner_add"), {"name": "DINAS  SOSIAL", "kind": "pemerintah"}
    )
    assert response.status_code == 200
    assert "sudah terdaftar sebagai “Dinas Sosial”" in response.content.decode()
    response = client_for(admin_user).post(
        reverse("admin:partnerships_partner_add"), {"name": " Forum  Bontang Hijau", "kind": "masyarakat"}
    )
    assert response.status_code == 302
    partner = Partner.objects.get(name="Forum Bontang Hijau")
    assert partner.name_key == "forumbontanghijau"
    assert partner.history.get().history_user == admin_user


def test_admin_merge_action_opens_the_merge_page(client_for, admin_user, city):
    duplicate = PartnerFactory(name="Dinsos")
    response = client_for(admin_user).post(
        reverse("admin:partnerships_partner_changelist"),
        {"action": "merge_selected", "_selected_action": [city["office"].pk, duplicate.pk]},
    )
    # The partner with more partnerships stays.
    expected = reverse("partnerships:partner_merge", kwargs={"pk": city["office"].pk})
    assert response["Location"] == f"{expected}?duplicate={duplicate.pk}"
