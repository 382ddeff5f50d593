"""The API's documentation page (/api/docs/) works in a real browser under the site's strict CSP.

Swagger UI comes from drf-spectacular-sidecar's static files; its set-up script is a
separate request (no inline script) and the page has no inline style. A token entered
with "Authorize" is sent with "Try it out".
"""

import pytest
from playwright.sync_api import Page

from api.services import api_client_create
from groups.areas import AreaLevel
from groups.models import City
from tests.e2e.test_csp import COLLECT_VIOLATIONS
from tests.factories import KubeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OPERATION = "#operations-kelompok-kelompok_list"


def test_docs_page_renders_and_tries_a_call_under_the_csp(live_server, page: Page):
    kube = KubeFactory(name="KUBE Mekar Sari")
    _client, secret = api_client_create(name="Uji", level=AreaLevel.KOTA, city=City.objects.get(code="64.74"))
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(COLLECT_VIOLATIONS)

    page.goto(f"{live_server.url}/api/docs/")
    page.locator("button.authorize").click()
    page.locator(".auth-container input").fill(secret)
    page.locator(".auth-btn-wrapper button.authorize").click()
    page.locator(".btn-done").click()
    page.locator(f"{OPERATION} .opblock-summary").click()
    page.locator(f"{OPERATION} .try-out__btn").click()
    page.locator(f"{OPERATION} .execute").click()
    status = page.locator(f"{OPERATION} .live-responses-table .response .response-col_status").first
    assert status.inner_text().strip() == "200"
    assert kube.no_registrasi in page.locator(f"{OPERATION} .live-responses-table .microlight").first.inner_text()

    assert page.evaluate("() => window.__csp") == []
    assert errors == []
    assert requests and all(url.startswith(live_server.url) for url in requests), requests
