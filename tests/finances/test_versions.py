"""Grant, asset, loan and product forms refuse a stale save (issue 13)."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from finances import services
from finances.models import Asset, Grant, Loan, Product
from tests.factories import MembershipFactory
from tests.finances.factories import AssetFactory, GrantFactory, LoanFactory, ProductFactory
from tests.groups.test_versions import STALE, form_data


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def url(name, kube, obj):
    return reverse(f"finances:{name}", kwargs={"pk": kube.pk, "object_pk": obj.pk})


def test_grant_form_read_before_another_save_is_refused(client_for, officer, kube):
    grant = GrantFactory(kube=kube, description="Modal awal")
    client = client_for(officer)
    data = form_data(client.get(url("grant_update", kube, grant)))
    services.grant_update(actor=officer, grant=grant, amount=25_000_000)

    response = client.post(url("grant_update", kube, grant), data | {"description": "Modal usaha"})

    error = response.context["form"].non_field_errors()[0]
    assert STALE in error and "Jumlah: 20000000 → 25000000" in error
    assert Grant.objects.get().description == "Modal awal"


def test_asset_and_product_forms_refuse_a_stale_save(client_for, officer, kube):
    asset, product = AssetFactory(kube=kube), ProductFactory(kube=kube)
    client = client_for(officer)
    asset_data = form_data(client.get(url("asset_update", kube, asset)))
    product_data = form_data(client.get(url("product_update", kube, product)))
    services.asset_update(actor=officer, asset=asset, name="Tenda besar")
    services.product_update(actor=officer, product=product, name="Kompos cair")

    response = client.post(url("asset_update", kube, asset), asset_data | {"value": "1.000"})
    assert "Tenda besar" in response.context["form"].non_field_errors()[0]
    response = client.post(url("product_update", kube, product), product_data | {"description": "x"})
    assert "Kompos cair" in response.context["form"].non_field_errors()[0]
    assert (Asset.objects.get().value, Product.objects.get().description) == (asset.value, product.description)


def test_a_repayment_makes_an_open_loan_form_stale(client_for, officer, kube):
    loan = LoanFactory(membership=MembershipFactory(kube=kube), amount=200_000)
    client = client_for(officer)
    data = form_data(client.get(url("loan_update", kube, loan)))
    client.post(url("repayment_create", kube, loan), {"paid_on": "2024-03-01", "amount": "200.000"})
    loan.refresh_from_db()
    assert loan.repaid_on is not None and loan.version == 2

    response = client.post(url("loan_update", kube, loan), data | {"amount": "150.000"})

    assert STALE in response.context["form"].non_field_errors()[0]
    assert Loan.objects.get().amount == 200_000
