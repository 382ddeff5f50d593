"""Grants, assets, loans, repayments and products through their forms."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from finances.models import Asset, Grant, Loan, Product
from tests.factories import MembershipFactory, PersonFactory
from tests.finances.factories import AssetFactory, LoanFactory, ProductFactory


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def url(name, kube, obj=None):
    kwargs = {"pk": kube.pk} | ({"object_pk": obj.pk} if obj else {})
    return reverse(f"finances:{name}", kwargs=kwargs)


def test_officer_records_a_grant_typed_in_rupiah(client_for, officer, kube):
    response = client_for(officer).post(
        url("grant_create", kube),
        {"source": "kemensos", "amount": "Rp 20.000.000", "received_on": "2020-06-15", "description": "UEP"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/kelompok/{kube.pk}/keuangan/#bantuan")
    grant = Grant.objects.get()
    assert (grant.amount, grant.source, grant.received_on) == (20_000_000, "kemensos", dt.date(2020, 6, 15))
    assert grant.history.first().history_user == officer


def test_loan_above_the_limit_is_saved_with_a_warning_and_default_due_date(client_for, officer, kube):
    member = MembershipFactory(kube=kube, person=PersonFactory(name="Hasnah"))
    client = client_for(officer)
    assert "Hasnah" in client.get(url("loan_create", kube)).content.decode()
    response = client.post(
        url("loan_create", kube),
        {"membership": member.pk, "amount": "750.000", "lent_on": "2024-01-31", "due_on": ""},
        follow=True,
    )
    loan = Loan.objects.get()
    assert (loan.amount, loan.due_on) == (750_000, dt.date(2024, 4, 30))
    html = response.content.decode()
    assert "melebihi batas kelompok Rp 500.000" in html
    assert "Pinjaman dicatat." in html


def test_loan_form_offers_only_active_members_of_the_group(client_for, officer, kube):
    MembershipFactory(
        kube=kube, person=PersonFactory(name="Sudah Keluar"), left_on=dt.date(2023, 1, 1), leave_reason="pindah"
    )
    MembershipFactory(person=PersonFactory(name="Kelompok Lain"))
    member = MembershipFactory(kube=kube)
    form = client_for(officer).get(url("loan_create", kube)).context["form"]
    assert list(form.fields["membership"].queryset) == [member]


def test_repayment_form_completes_a_loan(client_for, officer, kube):
    loan = LoanFactory(membership=MembershipFactory(kube=kube), amount=200_000)
    client = client_for(officer)
    response = client.post(url("repayment_create", kube, loan), {"paid_on": "2024-03-01", "amount": "250.000"})
    assert "Angsuran Rp 250.000 melebihi sisa pinjaman Rp 200.000." in response.content.decode()
    client.post(url("repayment_create", kube, loan), {"paid_on": "2024-03-01", "amount": "200.000"})
    loan.refresh_from_db()
    assert loan.repaid_on == dt.date(2024, 3, 1)


def test_facilitator_records_products_over_time(client_for, facilitator, kube):
    client = client_for(facilitator)
    response = client.post(
        url("product_create", kube), {"kind": "produk", "name": "Kompos padat", "started_on": "2014-05"}
    )
    assert response["Location"].endswith(f"/kelompok/{kube.pk}/#produk")
    product = Product.objects.get()
    assert product.started_on == dt.date(2014, 5, 1)
    client.post(
        url("product_update", kube, product),
        {"kind": "produk", "name": "Kompos padat", "started_on": "2014-05", "ended_on": "Desember 2015"},
    )
    product.refresh_from_db()
    assert product.ended_on == dt.date(2015, 12, 1)
    html = client.get(kube.get_absolute_url()).content.decode()
    assert "Kompos padat" in html
    assert "Mei 2014 – Desember 2015" in html


def test_product_form_shows_months_and_refuses_end_before_start(client_for, facilitator, kube):
    product = ProductFactory(kube=kube, started_on=dt.date(2021, 3, 1))
    client = client_for(facilitator)
    assert 'value="2021-03"' in client.get(url("product_update", kube, product)).content.decode()
    response = client.post(
        url("product_update", kube, product),
        {"kind": "produk", "name": product.name, "started_on": "2021-03", "ended_on": "2020-01"},
    )
    assert "tidak boleh sebelum" in response.context["form"].errors["ended_on"][0]


def test_asset_update_records_disposal(client_for, officer, kube):
    asset = AssetFactory(kube=kube, name="Tenda", value=3_000_000)
    client_for(officer).post(
        url("asset_update", kube, asset),
        {"name": "Tenda", "value": "3.000.000", "acquired_on": "2021-01-10", "disposed_on": "2024-02-01"},
    )
    assert Asset.objects.get().disposed_on == dt.date(2024, 2, 1)
