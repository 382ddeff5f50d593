"""A double-clicked submit creates once (kube_registry.submissions, issue 13)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from freezegun import freeze_time

from finances.models import Product, Repayment
from groups.models import Kelurahan, Kube, Membership
from kube_registry.models import SubmissionToken
from kube_registry.submissions import tokens_purge
from tests.factories import MembershipFactory, make_nik
from tests.finances.factories import LoanFactory


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def post_twice(client, url, data):
    token = client.get(url).context["form"]["form_token"].value()
    assert token
    first = client.post(url, data | {"form_token": token})
    second = client.post(url, data | {"form_token": token}, follow=True)
    return first, second


def test_create_page_renders_a_fresh_token_each_time(client_for, officer):
    client = client_for(officer)
    url = reverse("groups:kube_create")
    one, two = client.get(url).content.decode(), client.get(url).content.decode()
    token = client.get(url).context["form"]["form_token"].value()
    assert 'name="form_token"' in one and token not in one
    assert one != two


def test_double_submitted_group_is_created_once(client_for, officer):
    guntung = Kelurahan.objects.get(code="64.74.01.1004")
    data = {"name": "KUBE Dua Klik", "kelurahan": guntung.pk, "rt": "03", "founded_on": "2021-06-15"}
    data |= {"business_field": "perdagangan", "status": "aktif"}
    first, second = post_twice(client_for(officer), reverse("groups:kube_create"), data)
    kube = Kube.objects.get(name="KUBE Dua Klik")
    assert first["Location"] == kube.get_absolute_url()
    assert second.redirect_chain[-1][0] == kube.get_absolute_url()
    assert "Formulir ini sudah disimpan; tidak disimpan dua kali." in second.content.decode()
    assert Kube.objects.filter(name="KUBE Dua Klik").count() == 1


def test_double_submitted_product_and_repayment_are_created_once(client_for, officer, kube):
    client = client_for(officer)
    url = reverse("finances:product_create", kwargs={"pk": kube.pk})
    post_twice(client, url, {"kind": "produk", "name": "Kompos", "started_on": "2014-05"})
    assert Product.objects.count() == 1

    loan = LoanFactory(membership=MembershipFactory(kube=kube), amount=200_000)
    url = reverse("finances:repayment_create", kwargs={"pk": kube.pk, "object_pk": loan.pk})
    post_twice(client, url, {"paid_on": "2024-03-01", "amount": "50.000"})
    assert Repayment.objects.filter(loan=loan).count() == 1


def test_double_submitted_member_add_shows_no_error(client_for, facilitator, kube):
    nik = make_nik(sex="P", birth_on=dt.date(1985, 8, 12), serial=77)
    data = {"nik": nik, "name": "Rahmawati", "sex": "P", "role": "anggota"}
    _first, second = post_twice(client_for(facilitator), reverse("groups:member_add", kwargs={"pk": kube.pk}), data)
    assert second.redirect_chain[-1][0] == kube.get_absolute_url()
    assert Membership.objects.filter(kube=kube).count() == 1


def test_a_refused_save_frees_its_token_for_the_corrected_form(client_for, officer, kube):
    client = client_for(officer)
    url = reverse("finances:product_create", kwargs={"pk": kube.pk})
    token = client.get(url).context["form"]["form_token"].value()
    refused = client.post(url, {"kind": "produk", "name": "Kompos", "started_on": "2099-01", "form_token": token})
    assert refused.status_code == 200 and not Product.objects.exists()
    client.post(url, {"kind": "produk", "name": "Kompos", "started_on": "2014-05", "form_token": token})
    assert Product.objects.count() == 1


def test_old_tokens_are_purged(officer):
    SubmissionToken.objects.create(user=officer, token="a")
    assert tokens_purge(now=dt.datetime(2024, 5, 20, tzinfo=dt.UTC)) == 1


def test_the_daily_purge_forgets_tokens_older_than_30_days(officer):
    from django.core.management import call_command
    from freezegun import freeze_time

    with freeze_time("2025-03-01 08:00"):
        SubmissionToken.objects.create(user=officer, token="old")
    with freeze_time("2025-03-07 08:00"):
        SubmissionToken.objects.create(user=officer, token="recent")
    with freeze_time("2025-03-31 08:01"):  # a phone's queue may wait weeks: a 24-day-old claim is kept
        call_command("purge_uploads", stdout=io.StringIO())
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == ["recent"]


def test_double_clicked_report_submit_acts_once_without_a_conflict_message(client_for, facilitator, kube):
    from finances.models import ReportStatus
    from tests.finances.factories import MonthlyReportFactory

    report = MonthlyReportFactory(kube=kube, status=ReportStatus.DRAFT)
    client = client_for(facilitator)
    page = client.get(report.get_absolute_url())
    data = {"version": report.version, "form_token": page.context["form_token"]}
    url = reverse("finances:report_submit", kwargs={"report_pk": report.pk})
    client.post(url, data)
    second = client.post(url, data, follow=True)
    html = second.content.decode()
    assert "Formulir ini sudah disimpan; tidak disimpan dua kali." in html
    assert "sudah diubah oleh" not in html
    report.refresh_from_db()
    assert (report.status, report.version) == (ReportStatus.SUBMITTED, 2)
    assert report.history.count() == 2  # created, then submitted once
