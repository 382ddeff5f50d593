"""Tokens, masking, the rate limit, the call log, the schema and its documentation page."""

import datetime as dt
import re

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from api.models import ApiCall, ApiClient
from api.services import hash_secret
from kube_registry.masking import age_years
from tests.api.conftest import issue

LISTS = [
    "api:kube-list",
    "api:membership-list",
    "api:report-list",
    "api:assessment-list",
    "api:partner-list",
    "api:city-list",
    "api:aggregate-categories",
    "api:aggregate-completeness",
]


def every_answer(client, world, token) -> list[bytes]:
    """The raw body of every list and of every detail of the world's objects the token may read."""
    bodies = [client.get(reverse(name), **token.header).content for name in LISTS]
    for data in world.values():
        for name, obj in (
            ("api:kube-detail", data.kube),
            ("api:membership-detail", data.membership),
            ("api:report-detail", data.report),
            ("api:assessment-detail", data.assessment),
            ("api:partner-detail", data.partner),
        ):
            bodies.append(client.get(reverse(name, kwargs={"pk": obj.pk}), **token.header).content)
    return bodies


def digits_in(body: bytes) -> str:
    return re.sub(rb"\D", b"", body).decode()


# --- Masking ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_masked_token_never_sees_a_full_nik_kk_phone_or_birth_date(client, world):
    masked = issue("Provinsi tanpa data pribadi", province="64")
    bodies = every_answer(client, world, masked)
    for data in world.values():
        for body in bodies:
            text = body.decode()
            assert data.nik not in text and data.nik not in digits_in(body)
            assert data.kk not in text
            assert data.phone not in text
            assert data.birth_on.isoformat() not in text
    membership = client.get(
        reverse("api:membership-detail", kwargs={"pk": world["64.74"].membership.pk}), **masked.header
    ).json()
    assert membership["nik"] == "6474 •••• •••• ••••"
    assert membership["tanggal_lahir"] is None
    assert membership["umur"] == age_years(world["64.74"].birth_on, timezone.localdate())
    report = client.get(reverse("api:report-detail", kwargs={"pk": world["64.74"].report.pk}), **masked.header).json()
    assert "6474 •••• •••• ••••" in report["catatan"]


@pytest.mark.django_db
def test_personal_data_token_sees_them_in_full(client, world, kemensos):
    data = world["64.72"]
    membership = client.get(reverse("api:membership-detail", kwargs={"pk": data.membership.pk}), **kemensos.header)
    body = membership.json()
    assert (body["nik"], body["no_kk"], body["telepon"]) == (data.nik, data.kk, data.phone)
    assert body["tanggal_lahir"] == data.birth_on.isoformat()
    report = client.get(reverse("api:report-detail", kwargs={"pk": data.report.pk}), **kemensos.header).json()
    assert data.nik in report["catatan"]


@pytest.mark.django_db
def test_facilitator_is_a_name_for_personal_data_clients_only(client, world, kemensos, bontang):
    kube = world["64.74"].kube
    kube.facilitator.first_name, kube.facilitator.last_name = "Siti", "Aminah"
    kube.facilitator.save()
    url = reverse("api:kube-detail", kwargs={"pk": kube.pk})
    assert client.get(url, **kemensos.header).json()["pendamping"] == "Siti Aminah"
    masked = client.get(url, **bontang.header).json()
    assert masked["pendamping"] is None and masked["ada_pendamping"] is True
    assert kube.facilitator.username not in client.get(url, **kemensos.header).content.decode()


# --- Tokens ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_wrong_or_revoked_token_gets_401(client, world, bontang, admin_user):
    url = reverse("api:kube-list")
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer kube_bukan-token").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {bontang.secret}").status_code == 200
    # A signed-in administrator's session is no key to the API.
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    client.logout()
    ApiClient.objects.filter(pk=bontang.client.pk).update(is_active=False)
    response = client.get(url, **bontang.header)
    assert response.status_code == 401
    assert (
        client.get(reverse("api:kube-detail", kwargs={"pk": world["64.74"].kube.pk}), **bontang.header).status_code
        == 401
    )


@pytest.mark.django_db
def test_only_the_hash_is_stored(bontang):
    client = ApiClient.objects.get(pk=bontang.client.pk)
    assert client.token_hash == hash_secret(bontang.secret) != bontang.secret
    assert bontang.secret not in str(ApiClient.objects.values().get(pk=client.pk))
    assert bontang.secret.removeprefix("kube_").startswith(client.prefix)


# --- Rate limit and call log -----------------------------------------------------------------


@pytest.mark.django_db
@override_settings(KUBE_API_RATE="3/minute")
def test_rate_limit_answers_429_in_indonesian(client, world, bontang, samarinda):
    url = reverse("api:kube-list")
    assert [client.get(url, **bontang.header).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url, **bontang.header)
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    # Per client: another one is not held back.
    assert client.get(url, **samarinda.header).status_code == 200
    assert ApiCall.objects.filter(client=bontang.client, status_code=429).count() == 1


@pytest.mark.django_db
def test_every_call_of_a_known_client_is_recorded(client, world, bontang):
    foreign = world["64.72"].kube.pk
    client.get(reverse("api:kube-list"), {"status": "aktif"}, **bontang.header)
    client.get(reverse("api:kube-detail", kwargs={"pk": foreign}), **bontang.header)
    client.post(reverse("api:kube-list"), **bontang.header)
    client.get(reverse("api:kube-list"), HTTP_AUTHORIZATION="Bearer kube_tidak-dikenal")  # no client: nothing
    ApiClient.objects.filter(pk=bontang.client.pk).update(is_active=False)
    client.get(reverse("api:kube-list"), **bontang.header)
    calls = list(ApiCall.objects.order_by("pk").values_list("method", "path", "query_string", "status_code"))
    assert calls == [
        ("GET", "/api/kelompok/", "status=aktif", 200),
        ("GET", f"/api/kelompok/{foreign}/", "", 404),
        ("POST", "/api/kelompok/", "", 405),
        ("GET", "/api/kelompok/", "", 401),
    ]
    assert all(call.client_id == bontang.client.pk and call.duration_ms >= 0 for call in ApiCall.objects.all())
    assert ApiClient.objects.get(pk=bontang.client.pk).last_used_at is not None


@pytest.mark.django_db
def test_a_call_is_one_insert(client, world, bontang, django_assert_num_queries):
    url = reverse("api:kube-detail", kwargs={"pk": world["64.74"].kube.pk})
    client.get(url, **bontang.header)  # sets last_used_at (at most every few minutes)
    # the client by its token's hash; the group; the call's insert
    with django_assert_num_queries(3):
        assert client.get(url, **bontang.header).status_code == 200


# --- Query counts ------------------------------------------------------------------------------


def _grow(world, count: int) -> None:
    """`count` more groups in Bontang and Samarinda, each with a member, a report, an assessment and a partner."""
    from tests.api.conftest import build_city

    for serial in range(4, 4 + count):
        build_city("64.74" if serial % 2 else "64.72", serial)


@pytest.mark.django_db
def test_list_query_counts_do_not_depend_on_rows(client, world, kaltim):
    """2 groups (and their records) in the province, then 20: every list asks the same queries.

    A list: the client by its token's hash, the page's rows (with prefetches: a partner's
    partnerships), the call's insert; the aggregates one or two grouped queries.
    """

    def counts() -> dict[str, int]:
        client.get(reverse(LISTS[0]), **kaltim.header)  # last_used_at is written now, outside the counts
        result = {}
        for name in LISTS:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name), **kaltim.header)
            assert response.status_code == 200
            result[name] = len(queries)
        return result

    small = counts()
    _grow(world, 18)
    assert counts() == small
    assert small["api:kube-list"] == 3


# --- Schema and documentation ----------------------------------------------------------------


@pytest.mark.django_db
def test_schema_is_valid_openapi_3(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/kelompok/" in schema["paths"] and "/api/agregat/kategori/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["tokenApi"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_docs_page_uses_only_local_files_under_the_site_csp(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for url in urls:
        assert client.get(url).status_code == 200, url
    script = client.get(next(url for url in urls if "script" in url))
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_index_lists_the_endpoints(client):
    body = client.get("/api/").json()
    assert body["skema"].endswith("/api/schema/") and body["dokumentasi"].endswith("/api/docs/")
    assert body["kelompok"].endswith("/api/kelompok/")


# --- Issuing clients ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_issues_a_client_and_prints_its_token_once(client, world, capsys):
    call_command("api_client_create", "--name", "Dinsos Samarinda", "--city", "64.72")
    out = capsys.readouterr().out
    secret = out.strip().splitlines()[-1]
    issued = ApiClient.objects.get(name="Dinsos Samarinda")
    assert issued.token_hash == hash_secret(secret) and not issued.personal_data
    ids = {
        row["id"]
        for row in client.get(reverse("api:kube-list"), HTTP_AUTHORIZATION=f"Bearer {secret}").json()["results"]
    }
    assert ids == {world["64.72"].kube.pk}

    call_command("api_client_create", "--name", "Kaltim", "--province", "64", "--personal-data")
    assert ApiClient.objects.get(name="Kaltim").as_area().code == "64"
    call_command("api_client_create", "--name", "Kemensos", "--national")
    assert ApiClient.objects.get(name="Kemensos").level == "nasional"
    with pytest.raises(CommandError):
        call_command("api_client_create", "--name", "X", "--city", "99.99")
    with pytest.raises(CommandError):
        call_command("api_client_create", "--name", "X", "--province", "Kaltim")


@pytest.mark.django_db
def test_admin_issues_a_client_and_shows_the_secret_once(client, admin_user, regions):
    from groups.models import City

    client.force_login(admin_user)
    response = client.post(
        reverse("admin:api_apiclient_add"),
        {"name": "Dinsos Samarinda", "level": "kota", "city": City.objects.get(code="64.72").pk, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    secret = re.search(r"kube_[\w-]+", " ".join(shown)).group(0)
    issued = ApiClient.objects.get(name="Dinsos Samarinda")
    assert issued.token_hash == hash_secret(secret) and issued.created_by == admin_user
    again = client.get(reverse("admin:api_apiclient_change", args=[issued.pk]))
    assert secret not in again.content.decode()
    # The area must match the level, as for a user's area.
    response = client.post(reverse("admin:api_apiclient_add"), {"name": "Salah", "level": "provinsi"})
    assert response.status_code == 200 and not ApiClient.objects.filter(name="Salah").exists()


@pytest.mark.django_db
def test_calls_admin_is_read_only(client, admin_user, bontang):
    client.force_login(admin_user)
    assert client.get(reverse("admin:api_apicall_changelist")).status_code == 200
    assert client.get(reverse("admin:api_apicall_add")).status_code == 403


def test_age_is_whole_years():
    from kube_registry.masking import age_years

    assert age_years(dt.date(1980, 5, 17), dt.date(2025, 5, 16)) == 44


def test_changed_since_takes_any_offset_python_reads_and_answers_400_for_an_impossible_moment(client, world):
    """Python reads offsets up to ±23:59 that PostgreSQL refuses: found by schemathesis on
    PostgreSQL, where the refusal also broke every later query of the request's transaction."""
    token = issue("Perubahan", province="64")
    far = client.get("/api/kelompok/", {"diubah_sejak": "1785-03-05T17:30:19-21:58"}, **token.header)
    assert far.status_code == 200 and len(far.json()["results"]) == 2
    impossible = client.get("/api/kelompok/", {"diubah_sejak": "0001-01-01T00:00:00+23:00"}, **token.header)
    assert impossible.status_code == 400 and "diubah_sejak" in impossible.json()
    future = client.get("/api/kelompok/", {"diubah_sejak": "9999-12-31T23:59:59-23:59"}, **token.header)
    assert future.status_code in (200, 400) and future.status_code < 500


@pytest.mark.parametrize("param", ["q", "no_registrasi", "kota", "kelurahan", "kategori"])
def test_a_nul_byte_in_a_filter_is_a_400_not_a_server_error(client, world, param):
    """PostgreSQL cannot hold a NUL in a string literal (psycopg2 raises before sending it)."""
    token = issue("NUL", province="64")
    response = client.get("/api/kelompok/", {param: "64\x00"}, **token.header)
    assert response.status_code == 400, response.status_code
