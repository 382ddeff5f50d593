"""Partnership and partner forms refuse a stale save (issue 13)."""

import datetime as dt

from django.urls import reverse

from partnerships import services
from partnerships.models import Partner, Partnership
from tests.groups.test_versions import STALE, form_data
from tests.partnerships.factories import PartnerFactory, PartnershipFactory


def test_partnership_edit_and_end_forms_refuse_a_stale_save(client_for, officer, kube):
    partnership = PartnershipFactory(kube=kube)
    client = client_for(officer)
    kwargs = {"pk": kube.pk, "partnership_pk": partnership.pk}
    edit_url, end_url = (
        reverse("partnerships:partnership_update", kwargs=kwargs),
        reverse("partnerships:partnership_end", kwargs=kwargs),
    )
    edit_data, end_data = form_data(client.get(edit_url)), form_data(client.get(end_url))
    services.partnership_update(
        actor=officer, partnership=partnership, forms=["koordinasi"], started_on=dt.date(2021, 2, 1)
    )

    response = client.post(edit_url, edit_data | {"started_on": "2021-03-01"})
    assert STALE in response.context["form"].non_field_errors()[0]
    response = client.post(end_url, end_data | {"ended_on": "2023-01-01"})
    assert STALE in response.context["form"].non_field_errors()[0]
    partnership.refresh_from_db()
    assert (partnership.started_on, partnership.ended_on) == (dt.date(2021, 2, 1), None)


def test_partner_form_refuses_a_stale_save(client_for, admin_user):
    partner = PartnerFactory(name="Dinas Koperasi")
    client = client_for(admin_user)
    url = reverse("partnerships:partner_update", kwargs={"pk": partner.pk})
    data = form_data(client.get(url))
    services.partner_update(actor=admin_user, partner=partner, contact="0541 1")

    response = client.post(url, data | {"notes": "Baru"})

    assert "0541 1" in response.context["form"].non_field_errors()[0]
    assert Partner.objects.get().notes == ""
    assert Partnership.objects.count() == 0
