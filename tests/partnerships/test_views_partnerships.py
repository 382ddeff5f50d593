"""A group's partnerships: the profile panel and the add / edit / end forms."""

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships import services
from partnerships.models import Partner, PartnerKind, Partnership
from partnerships.panels import NETWORK_PANEL, network_context
from tests.partnerships.factories import PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

D = dt.date


def add_url(kube):
    return reverse("partnerships:partnership_add", kwargs={"pk": kube.pk})


def test_officer_adds_a_new_partner_with_two_forms(client_for, officer, kube):
    response = client_for(officer).post(
        add_url(kube),
        {
            "new_partner_name": "  Bank  Kaltimtara ",
            "new_partner_kind": "lembaga_keuangan",
            "forms": ["permodalan", "konsultasi_teknis"],
            "started_on": "2021-03-01",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{kube.get_absolute_url()}#kemitraan"
    partnership = Partnership.objects.select_related("partner").get(kube=kube)
    assert (partnership.partner.name, partnership.partner.kind) == ("Bank Kaltimtara", "lembaga_keuangan")
    assert partnership.forms == ["konsultasi_teknis", "permodalan"]
    assert partnership.history.get().history_user == officer
    assert partnership.partner.history.get().history_user == officer
    page = response.content.decode()
    assert "Kemitraan dengan Bank Kaltimtara dicatat (konsultasi teknis, permodalan)." in page
    assert "Jejaring kemitraan (1 mitra aktif)" in page


def test_a_new_partner_name_that_exists_is_refused_naming_the_partner(client_for, officer, kube):
    PartnerFactory(name="PT Pupuk Kaltim", kind=PartnerKind.SWASTA)
    response = client_for(officer).post(
        add_url(kube),
        {"new_partner_name": "PT. PUPUK  KALTIM", "new_partner_kind": "swasta", "forms": ["koordinasi"]}
        | {"started_on": "2021-03-01"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["new_partner_name"] == [services.MSG_PARTNER_EXISTS.format(name="PT Pupuk Kaltim")]
    assert Partner.objects.count() == 1
    assert not Partnership.objects.exists()


def test_a_refused_partnership_leaves_no_new_partner_behind(client_for, officer, kube):
    response = client_for(officer).post(
        add_url(kube),
        {"new_partner_name": "Mitra Baru", "new_partner_kind": "lsm", "forms": ["koordinasi"]}
        | {"started_on": "2019-01-01"},  # before the group was founded
    )
    assert "started_on" in response.context["form"].errors
    assert not Partner.objects.filter(name="Mitra Baru").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "partner"),
        ({"partner": "PK", "new_partner_name": "Lain", "new_partner_kind": "lsm"}, "partner"),
        ({"new_partner_name": "Lain"}, "new_partner_kind"),
    ],
)
def test_officer_picks_a_partner_or_names_a_new_one_not_both(client_for, officer, kube, data, field):
    partner = PartnerFactory()
    data = {k: partner.pk if v == "PK" else v for k, v in data.items()}
    response = client_for(officer).post(add_url(kube), data | {"forms": ["koordinasi"], "started_on": "2021-03-01"})
    assert field in response.context["form"].errors
    assert not Partnership.objects.exists()


def test_facilitator_picks_from_the_office_list_only(client_for, facilitator, kube):
    partner = PartnerFactory(name="Dinas Sosial")
    client = client_for(facilitator)
    form = client.get(add_url(kube)).context["form"]
    assert "new_partner_name" not in form.fields
    response = client.post(
        add_url(kube),
        {"new_partner_name": "Diam-diam Baru", "new_partner_kind": "lsm", "forms": ["koordinasi"]}
        | {"started_on": "2021-03-01"},
    )
    assert "partner" in response.context["form"].errors
    assert not Partner.objects.filter(name="Diam-diam Baru").exists()
    response = client.post(
        add_url(kube), {"partner": partner.pk, "forms": ["pendampingan"], "started_on": "2021-03-01"}
    )
    assert response.status_code == 302
    assert Partnership.objects.get(kube=kube).history.get().history_user == facilitator


def test_a_second_open_partnership_is_refused_on_the_partner_field(client_for, facilitator, kube):
    existing = PartnershipFactory(kube=kube, partner=PartnerFactory(name="Dinas Sosial"), started_on=D(2021, 1, 4))
    response = client_for(facilitator).post(
        add_url(kube), {"partner": existing.partner_id, "forms": ["pemasaran"], "started_on": "2022-01-03"}
    )
    expected = services.MSG_OPEN_EXISTS.format(partner="Dinas Sosial", date="4 Jan 2021")
    assert response.context["form"].errors["partner"] == [expected]


def test_facilitator_edits_and_ends_a_partnership(client_for, facilitator, kube):
    partnership = PartnershipFactory(kube=kube, partner=PartnerFactory(name="Dinas Sosial"))
    client = client_for(facilitator)
    url = reverse("partnerships:partnership_update", kwargs={"pk": kube.pk, "partnership_pk": partnership.pk})
    form = client.get(url).context["form"]
    assert form.initial["forms"] == ["koordinasi"]
    response = client.post(url, {"forms": ["koordinasi", "pemasaran"], "started_on": "2021-01-04"})
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.forms == ["koordinasi", "pemasaran"]

    url = reverse("partnerships:partnership_end", kwargs={"pk": kube.pk, "partnership_pk": partnership.pk})
    response = client.post(url, {"ended_on": "2023-12-31"}, follow=True)
    partnership.refresh_from_db()
    assert partnership.ended_on == D(2023, 12, 31)
    page = response.content.decode()
    assert "Kemitraan dengan Dinas Sosial tercatat berakhir." in page
    assert "Kemitraan yang telah berakhir" in page
    assert partnership.history.latest().history_user == facilitator


def test_profile_shows_the_partner_by_form_matrix_and_past_apart(client_for, officer, kube):
    PartnershipFactory(
        kube=kube,
        partner=PartnerFactory(name="Dinas Sosial dan Pemberdayaan Masyarakat"),
        has_konsultasi_teknis=True,
        has_pendampingan=True,
    )
    PartnershipFactory(kube=kube, partner=PartnerFactory(name="Forum Kota Sehat"))
    PartnershipFactory(
        kube=kube, partner=PartnerFactory(name="Bank Lama"), has_permodalan=True, ended_on=D(2022, 3, 31)
    )
    response = client_for(officer).get(kube.get_absolute_url())
    section = response.content.decode().split('id="kemitraan"')[1].split("</section>")[0]
    matrix, past = section.split('id="kemitraan-berakhir"')
    assert "Jejaring kemitraan (2 mitra aktif)" in section
    rows = matrix.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert "Dinas Sosial dan Pemberdayaan Masyarakat" in rows[0] and rows[0].count("✓") == 3
    assert "Forum Kota Sehat" in rows[1] and rows[1].count("✓") == 1
    assert "Bank Lama" not in matrix
    assert "Bank Lama" in past and "permodalan" in past and "31 Mar 2022" in past
    assert reverse("partnerships:partnership_add", kwargs={"pk": kube.pk}) in section
    assert "Akhiri" in matrix


def test_profile_section_is_one_query(rf: RequestFactory, officer, kube, django_assert_num_queries):
    for index in range(15):
        PartnershipFactory(kube=kube, has_pemasaran=index % 2 == 0)
    request = rf.get(kube.get_absolute_url())
    request.user = officer
    officer.has_perm("partnerships.view_partnership")  # the page has read the permissions already
    # the group's partnerships with their partners
    with django_assert_num_queries(1):
        context = network_context(request, kube)
        html = render_to_string(
            "partnerships/includes/kube_network.html", {"section": context, "kube": kube, "perms": None}
        )
    assert html.count("✓") == 15 + 8


@pytest.mark.parametrize("partners", [1, 25])
def test_profile_query_count_does_not_grow_with_partners(
    client_for, officer, kube, partners, django_assert_num_queries
):
    client = client_for(officer)
    PartnershipFactory(kube=kube)
    client.get(kube.get_absolute_url())  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as one:
        client.get(kube.get_absolute_url())
    for _index in range(partners):
        PartnershipFactory(kube=kube, has_permodalan=True)
        PartnershipFactory(kube=kube, ended_on=D(2022, 1, 1))
    # The registry's own profile queries (session, user, roles, permissions, group, members,
    # history) and the panels of other apps, plus this panel's one: partnerships with partners.
    # The same count with one partner and with many.
    with django_assert_num_queries(len(one)):
        response = client.get(kube.get_absolute_url())
    panels = dict(response.context["sections"])
    assert len(panels[NETWORK_PANEL]["network"].current) == partners + 1
    assert len(panels[NETWORK_PANEL]["network"].past) == partners
