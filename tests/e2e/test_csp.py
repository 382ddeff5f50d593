"""Under the strict Content-Security-Policy, every main page works in a real browser.

The policy allows only the app's own origin and no inline script or style; the
browser reports each refusal as a `securitypolicyviolation` event, collected here by
a script Playwright injects (injected scripts are not subject to the page's policy).
The charts must still draw: plotly.js comes from static files, the figures from
json_script blocks.
"""

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from finances.models import ReportStatus
from finances.periods import add_months, last_complete_month
from tests.factories import TEST_PASSWORD, AdminFactory, FacilitatorFactory, KubeFactory, MembershipFactory
from tests.finances.factories import MonthlyReportFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""

# URL name -> kwargs key ("kube": the group's pk). Pages not (yet) in the project are skipped.
PAGES = [
    ("groups:home", None),
    ("groups:kube_list", None),
    ("groups:kube_detail", "kube"),
    ("groups:kube_update", "kube"),
    ("groups:member_add", "kube"),
    ("groups:import", None),
    ("finances:kube_finance", "kube"),
    ("finances:verification_queue", None),
    ("finances:completeness", None),
    ("partnerships:partner_list", None),
    ("assessments:kube_assessments", "kube"),
    ("assessments:dashboard", None),
    ("assessments:thresholds", None),
    ("admin:index", None),
]
CHART_PAGES = {"finances:kube_finance"}


def page_urls(kube) -> list[tuple[str, str]]:
    urls = []
    for name, arg in PAGES:
        try:
            urls.append((name, reverse(name, kwargs={"pk": kube.pk} if arg else None)))
        except NoReverseMatch:
            continue
    return urls


def test_pages_work_under_the_content_security_policy(live_server, page: Page):
    admin = AdminFactory(username="admin")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=FacilitatorFactory(), founded_on=dt.date(2014, 4, 12))
    MembershipFactory(kube=kube)
    last = last_complete_month(timezone.localdate())
    for back in range(6):
        MonthlyReportFactory(kube=kube, period=add_months(last, -back), status=ReportStatus.VERIFIED)

    page.add_init_script(COLLECT_VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/accounts/login/")
    response_policy = page.evaluate("() => window.__csp")
    page.locator("input[name=username]").fill(admin.username)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    assert response_policy == []

    for name, url in page_urls(kube):
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, (name, url)
        assert "default-src 'self'" in (response.headers.get("content-security-policy") or ""), name
        page.wait_for_load_state("load")
        if name in CHART_PAGES:
            expect(page.locator("[data-figure] .main-svg").first).to_be_visible()
        violations = page.evaluate("() => window.__csp")
        assert violations == [], (name, violations)
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []
