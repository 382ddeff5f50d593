"""Issue 17, the server's side of the offline app: the manifest and service worker at the
root, the pages a facilitator's phone keeps (only their own groups', none with a NIK), the
answers a queued sending gets, and signing out emptying the browser's copies."""

import datetime as dt
import json

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from finances import services as finance_services
from finances.models import MonthlyReport, ReportStatus
from groups.models import KubeStatus
from kube_registry.phone import opaque_user
from monitoring.models import Visit
from tests.factories import KubeFactory, MembershipFactory
from tests.finances.factories import MonthlyReportFactory

pytestmark = pytest.mark.django_db
PAGES = "/luring/halaman/"
PHONE = {"HTTP_X_KUBE_OFFLINE": "1"}
TODAY = "2024-04-05 09:00:00+08:00"


def test_the_manifest_is_at_the_root_with_indonesian_names_and_served_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["short_name"], manifest["start_url"], manifest["display"]) == ("KUBE", "/", "standalone")
    assert manifest["lang"] == "id"
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_the_service_worker_is_at_the_root_and_may_control_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "/static/css/app.css" in body and "/luring/halaman/" in body


def test_every_page_names_its_user_only_opaquely_and_links_the_manifest(client_for, facilitator, other_facilitator):
    page = client_for(facilitator).get("/").content.decode()
    mark = opaque_user(facilitator)
    assert f'data-user="{mark}"' in page and 'data-source="network"' in page
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert mark != opaque_user(other_facilitator) and str(facilitator.pk) not in mark
    assert facilitator.username not in mark
    assert 'data-user=""' in client_for(None).get(reverse("login")).content.decode()


@freeze_time(TODAY)
def test_a_facilitator_phone_keeps_their_active_groups_pages_only(client_for, facilitator, other_facilitator, kube):
    stopped = KubeFactory(facilitator=facilitator, status=KubeStatus.TIDAK_AKTIF, name="KUBE Berhenti")
    foreign = KubeFactory(facilitator=other_facilitator, name="KUBE Orang Lain")
    kube.founded_on = dt.date(2023, 12, 1)
    kube.save()
    # January verified, February submitted, March returned; December and April (current) not written.
    for month, status in ((1, ReportStatus.VERIFIED), (2, ReportStatus.SUBMITTED), (3, ReportStatus.RETURNED)):
        MonthlyReportFactory(kube=kube, period=dt.date(2024, month, 1), status=status)
    answer = client_for(facilitator).get(PAGES).json()
    assert answer["user"] == opaque_user(facilitator)
    edit = lambda month: reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": month})  # noqa: E731
    assert answer["pages"] == [
        "/",
        "/luring/",
        kube.get_absolute_url(),
        reverse("monitoring:visit_create", kwargs={"pk": kube.pk}),
        edit(dt.date(2023, 12, 1)),
        edit(dt.date(2024, 3, 1)),
        edit(dt.date(2024, 4, 1)),
    ]
    listed = " ".join(answer["pages"])
    assert f"/kelompok/{stopped.pk}/" not in listed and f"/kelompok/{foreign.pk}/" not in listed


def test_the_office_keeps_no_pages_and_a_stranger_gets_401(client_for, officer, admin_user):
    assert client_for(officer).get(PAGES).json()["pages"] == []
    assert client_for(admin_user).get(PAGES).json()["pages"] == []
    assert client_for(None).get(PAGES).status_code == 302  # to sign in
    response = client_for(None).get(PAGES, **PHONE)  # the phone's script: it keeps its copies
    assert response.status_code == 401 and response.json()["status"] == "signin"


@freeze_time(TODAY)
def test_no_kept_page_carries_a_nik_a_kk_or_a_birth_date(client_for, facilitator, kube):
    members = [MembershipFactory(kube=kube) for _ in range(3)]
    client = client_for(facilitator)
    pages = client.get(PAGES).json()["pages"]
    assert len(pages) >= 5
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for membership in members:
            person = membership.person
            assert person.nik not in body and (not person.kk or person.kk not in body), url
            assert person.birth_on.strftime("%d-%m-%Y") not in body and person.birth_on.isoformat() not in body, url
        if url == kube.get_absolute_url():  # the profile lists the members, masked
            assert all(m.person.name in body for m in members)


@freeze_time(TODAY)
def test_the_pages_list_reads_a_fixed_number_of_queries(client_for, facilitator):
    client = client_for(facilitator)
    KubeFactory(facilitator=facilitator)
    client.get(PAGES)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGES)
    for _ in range(8):
        KubeFactory(facilitator=facilitator)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(PAGES).json()["pages"]) > 8 * 3
    assert len(many) == len(few)


# --- A queued sending's answers -------------------------------------------------------------


def visit_post(**extra):
    return {"visited_on": "2024-04-02", "kind": "pendampingan", "form_token": "dari-ponsel-1"} | extra


@freeze_time(TODAY)
def test_a_queued_visit_is_saved_once_however_often_it_is_sent(client_for, facilitator, kube):
    url = reverse("monitoring:visit_create", kwargs={"pk": kube.pk})
    client = client_for(facilitator)
    first = client.post(url, visit_post(), **PHONE)
    assert first.status_code == 200 and first.json() == {
        "status": "saved",
        "url": reverse("monitoring:visit_list", kwargs={"pk": kube.pk}),
    }
    again = client.post(url, visit_post(), **PHONE)  # the phone never heard the answer and sends again
    assert again.json() == first.json()
    assert Visit.objects.count() == 1
    # Without the header the same form answers as ever: a redirect.
    assert client.post(url, visit_post(form_token="dari-ponsel-2", kind="pelatihan")).status_code == 302


@freeze_time(TODAY)
def test_a_refused_sending_comes_back_as_the_form_with_its_message(client_for, facilitator, kube):
    url = reverse("monitoring:visit_create", kwargs={"pk": kube.pk})
    response = client_for(facilitator).post(url, visit_post(visited_on="2030-01-01", notes="catatan saya"), **PHONE)
    assert response.status_code == 200 and response["X-Kube-Form"] == "refused"
    body = response.content.decode()
    assert "Tanggal tidak boleh di masa depan." in body and "catatan saya" in body
    assert not Visit.objects.exists()


@freeze_time(TODAY)
def test_a_report_changed_on_the_server_comes_back_as_a_conflict(client_for, facilitator, officer, kube):
    url = reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": dt.date(2024, 3, 1)})
    client = client_for(facilitator)
    client.post(url, {**report_post(version=0), "action": "submit"})
    report = MonthlyReport.objects.get()
    read_at = report.version  # what the phone read before going offline (it then edits offline)
    finance_services.report_return(actor=officer, report=report, comment="Kas tidak cocok.")
    response = client.post(url, report_post(version=read_at, income="1.750.000"), **PHONE)
    assert response.status_code == 200 and response["X-Kube-Form"] == "conflict"
    body = response.content.decode()
    assert "1.750.000" in body or "1750000" in body  # the phone's value stays in the form
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.income != 1_750_000
    # Saving the form as shown keeps the phone's values: it now carries the current version.
    current = response.context["form"]["version"].value()
    saved = client.post(url, report_post(version=current, income="1.750.000"), **PHONE)
    assert saved.json()["status"] == "saved"
    report.refresh_from_db()
    assert report.income == 1_750_000


def report_post(*, version, **overrides):
    return {
        "version": version,
        "income": "1.500.000",
        "expenses": "700.000",
        "kept_in_cash": "200.000",
        "shared_to_members": "400.000",
        "cash_in_hand": "250000",
        "cash_in_bank": "1.000.000",
        "meetings_held": "2",
        "notes": "",
        "problems": "",
        "action": "draft",
    } | overrides


@freeze_time(TODAY)
def test_an_expired_session_keeps_the_sending_and_says_where_to_sign_in(client, kube):
    url = reverse("monitoring:visit_create", kwargs={"pk": kube.pk})
    response = client.post(url, visit_post(), **PHONE)
    assert response.status_code == 401
    assert response.json() == {"status": "signin", "url": f"{reverse('login')}?next={url.replace('/', '%2F')}"}
    assert not Visit.objects.exists()


@freeze_time(TODAY)
def test_another_facilitators_group_is_404_from_the_queue_too(client_for, other_facilitator, kube):
    url = reverse("monitoring:visit_create", kwargs={"pk": kube.pk})
    assert client_for(other_facilitator).post(url, visit_post(), **PHONE).status_code == 404
    assert not Visit.objects.exists()


def test_signing_out_empties_the_browsers_copies(client_for, facilitator):
    response = client_for(facilitator).post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_queue_page_needs_sign_in(client_for, facilitator):
    assert client_for(None).get("/luring/").status_code == 302
    page = client_for(facilitator).get("/luring/").content.decode()
    assert 'id="daftar-antrean"' in page and "Kiriman di ponsel" in page


def test_a_page_fetched_to_keep_on_the_phone_leaves_the_messages_for_the_next_page(client_for, facilitator, kube):
    client = client_for(facilitator)
    client.post(reverse("monitoring:visit_create", kwargs={"pk": kube.pk}), visit_post(visited_on="2024-04-02"))
    kept = client.get(kube.get_absolute_url(), HTTP_X_KUBE_KEEP="1").content.decode()
    assert "Kunjungan 02-04-2024 tercatat" not in kept  # the service worker's copy carries no message
    shown = client.get(reverse("monitoring:visit_list", kwargs={"pk": kube.pk})).content.decode()
    assert "Kunjungan 02-04-2024" in shown  # the user still sees it


def test_pages_come_compressed_for_slow_links(client_for, facilitator, kube):
    response = client_for(facilitator).get(kube.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"


def test_the_service_worker_is_not_sent_again_until_it_changes(client):
    first = client.get("/sw.js")
    again = client.get("/sw.js", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
