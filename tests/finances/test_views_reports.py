"""The facilitator's report form and the officer's workflow actions, through the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from finances.models import MemberLine, MonthlyReport, ReportStatus
from finances.services import line_key
from tests.factories import MembershipFactory, PersonFactory
from tests.finances.factories import MonthlyReportFactory

MARCH = dt.date(2024, 3, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time("2024-04-05 09:00:00+08:00"):
        yield


def form_url(kube, period=MARCH):
    return reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": period})


def report_post(version=0, **overrides):
    data = {
        "version": version,
        "income": "Rp 1.500.000",
        "expenses": "700.000",
        "kept_in_cash": "200.000",
        "shared_to_members": "Rp 400.000",
        "cash_in_hand": "250000",
        "cash_in_bank": "1.000.000",
        "meetings_held": "2",
        "notes": "Pesanan kompos dari PKK.",
        "problems": "",
        "action": "draft",
    }
    return data | overrides


def test_facilitator_saves_a_draft_typed_with_thousands_dots(client_for, facilitator, kube):
    member = MembershipFactory(kube=kube, person=PersonFactory(name="Wahyuni"))
    client = client_for(facilitator)
    page = client.get(form_url(kube))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wahyuni" in html
    assert 'name="version" value="0"' in html
    assert "plotly.min.js" not in html  # the phone form carries no chart library

    data = report_post() | {line_key(member.pk, "iks_paid"): "Rp 10.000", line_key(member.pk, "meetings_attended"): "2"}
    response = client.post(form_url(kube), data)
    report = MonthlyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert (report.status, report.income, report.shared_to_members, report.cash_in_hand) == (
        ReportStatus.DRAFT,
        1_500_000,
        400_000,
        250_000,
    )
    assert (report.iks_collected, report.attendance_percent) == (10_000, 100)
    assert MemberLine.objects.get().membership == member
    assert "Draf laporan Maret 2024 disimpan." in client.get(response["Location"]).content.decode()

    # The draft reopens with the amounts written the Indonesian way.
    html = client.get(form_url(kube)).content.decode()
    assert 'value="1.500.000"' in html
    assert 'value="10.000"' in html
    assert 'name="version" value="1"' in html


def test_facilitator_submits_from_the_form(client_for, facilitator, kube):
    client = client_for(facilitator)
    response = client.post(form_url(kube), report_post(action="submit"))
    report = MonthlyReport.objects.get()
    assert (report.status, report.submitted_by) == (ReportStatus.SUBMITTED, facilitator)
    assert "Laporan Maret 2024 diajukan ke Dinas Sosial." in client.get(response["Location"]).content.decode()


def test_unreadable_and_implausible_entries_are_shown_on_their_fields(client_for, facilitator, kube):
    client = client_for(facilitator)
    response = client.post(form_url(kube), report_post(income="satu juta"))
    assert response.status_code == 200
    assert "Jumlah uang tidak terbaca: “satu juta”" in response.context["form"].errors["income"][0]

    response = client.post(form_url(kube), report_post(shared_to_members="5.000.000"))
    assert response.status_code == 200
    assert (
        "melebihi laba (Rp 800.000) ditambah saldo kas dan bank"
        in (response.context["form"].errors["shared_to_members"][0])
    )
    assert not MonthlyReport.objects.exists()


def test_second_of_two_concurrent_saves_gets_the_conflict_message(client_for, facilitator, admin_user, kube):
    MonthlyReportFactory(kube=kube, period=MARCH, income=1_000_000)
    first = client_for(facilitator)
    version = first.get(form_url(kube)).context["form"].initial["version"]
    assert version == 1
    first.post(form_url(kube), report_post(version=version, income="2.000.000"))

    second = client_for(admin_user)  # loaded the same version before the first save
    response = second.post(form_url(kube), report_post(version=version, income="3.000.000"))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "sudah diubah oleh" in errors[0] and "Pendapatan (omzet): 2000000 → 3000000" not in errors[0]
    assert "1000000 → 2000000" in errors[0]  # what the first save changed
    report = MonthlyReport.objects.get()
    assert (report.income, report.version) == (2_000_000, 2)
    # The form keeps the second user's input and now carries the current version: saving again keeps it.
    form = response.context["form"]
    assert form["income"].value() == "3.000.000" and form["version"].value() == 2
    second.post(form_url(kube), report_post(version=2, income="3.000.000"))
    assert MonthlyReport.objects.get().income == 3_000_000


def test_officer_returns_with_comment_then_verifies_after_correction(client_for, facilitator, officer, kube):
    report = MonthlyReportFactory(kube=kube, status=ReportStatus.SUBMITTED, first_submitted_at=dt.datetime.now(dt.UTC))
    client = client_for(officer)
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "Verifikasi" in detail
    assert "Kembalikan" in detail

    url = reverse("finances:report_return", kwargs={"report_pk": report.pk})
    response = client.post(url, {"comment": "", "version": report.version}, follow=True)
    assert "Tuliskan apa yang perlu diperbaiki oleh pendamping." in response.content.decode()
    response = client.post(url, {"comment": "Saldo bank belum diisi.", "version": report.version}, follow=True)
    assert "dikembalikan ke pendamping" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "Saldo bank belum diisi.")

    fac = client_for(facilitator)
    assert "Saldo bank belum diisi." in fac.get(form_url(kube)).content.decode()
    fac.post(form_url(kube), report_post(version=report.version, action="submit"))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    client = client_for(officer)
    client.post(reverse("finances:report_verify", kwargs={"report_pk": report.pk}), {"version": report.version})
    report.refresh_from_db()
    assert (report.status, report.verified_by) == (ReportStatus.VERIFIED, officer)

    # Read-only now: the facilitator's page offers no edit link.
    detail = client_for(facilitator).get(report.get_absolute_url()).content.decode()
    assert reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": MARCH}) not in detail


def test_officer_reopens_a_verified_report_only_with_a_reason(client_for, officer, kube):
    report = MonthlyReportFactory(kube=kube, status=ReportStatus.VERIFIED)
    client = client_for(officer)
    url = reverse("finances:report_reopen", kwargs={"report_pk": report.pk})
    response = client.post(url, {"comment": " "}, follow=True)
    assert "Tuliskan alasan membuka kembali" in response.content.decode()
    assert MonthlyReport.objects.get().status == ReportStatus.VERIFIED
    response = client.post(url, {"comment": "Salah ketik pendapatan."}, follow=True)
    assert MonthlyReport.objects.get().status == ReportStatus.RETURNED
    assert "Dibuka kembali: Salah ketik pendapatan." in response.content.decode()  # in the history


def test_stale_verify_is_refused_with_a_message(client_for, officer, kube):
    report = MonthlyReportFactory(kube=kube, status=ReportStatus.SUBMITTED, version=3)
    response = client_for(officer).post(
        reverse("finances:report_verify", kwargs={"report_pk": report.pk}), {"version": 2}, follow=True
    )
    assert "sudah diubah oleh" in response.content.decode()
    assert MonthlyReport.objects.get().status == ReportStatus.SUBMITTED


def test_facilitator_home_lists_missing_and_returned_months(client_for, facilitator, kube):
    kube.founded_on = dt.date(2023, 12, 1)
    kube.save()
    MonthlyReportFactory(kube=kube, period=dt.date(2023, 12, 1), status=ReportStatus.VERIFIED)
    MonthlyReportFactory(kube=kube, period=dt.date(2024, 1, 1), status=ReportStatus.RETURNED)
    MonthlyReportFactory(kube=kube, period=dt.date(2024, 2, 1), status=ReportStatus.DRAFT)
    response = client_for(facilitator).get(reverse("finances:facilitator_home"))
    (row,) = response.context["rows"]
    assert [c.period for c in row.missing] == [dt.date(2024, 2, 1), dt.date(2024, 3, 1)]
    assert [c.period for c in row.returned] == [dt.date(2024, 1, 1)]
    html = response.content.decode()
    assert form_url(kube) in html
    assert "2 laporan belum diajukan." in html


def test_profile_shows_latest_reports_and_products(client_for, officer, kube):
    MonthlyReportFactory(kube=kube, income=1_416_000)
    html = client_for(officer).get(kube.get_absolute_url()).content.decode()
    assert "Laporan bulanan dan keuangan" in html
    assert "Rp 1.416.000" in html
    assert reverse("finances:kube_finance", kwargs={"pk": kube.pk}) in html


def test_service_errors_about_fields_the_form_lacks_go_on_top_of_it():
    from django.core.exceptions import ValidationError

    from finances.forms import MonthlyReportForm
    from kube_registry.form_views import fit_errors

    form = MonthlyReportForm(data={}, memberships=[])
    fitted = fit_errors(ValidationError({"period": "Bulan salah.", "income": "Negatif."}), form)
    assert fitted.message_dict == {"__all__": ["Bulan salah."], "income": ["Negatif."]}


def test_a_facilitators_home_is_their_groups_with_the_months_they_owe(client_for, facilitator, other_facilitator, kube):
    from tests.factories import KubeFactory

    someone_elses = KubeFactory(facilitator=other_facilitator, name="KUBE Orang Lain")
    response = client_for(facilitator).get("/")
    assert response.status_code == 200
    assert [row.kube for row in response.context["rows"]] == [kube]
    html = response.content.decode()
    assert form_url(kube) in html
    assert someone_elses.name not in html
