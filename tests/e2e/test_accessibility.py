"""Issue 15 (WCAG 2.1 AA), in the browser: axe-core on every page, for every role, at two widths.

The pages are the URL walker's (`tests/test_url_walker.py`): every pattern of the
project whose rule lets a persona GET it (an HTML page, not a download), with the
walker's objects, asked as the admin, an officer, a facilitator (the group's) and
anonymous (the public pages: sign-in, password reset), in a desktop window (1280x800)
and on a phone (360x740). On each page the vendored axe-core (tests/e2e/vendor/, never
served to users) checks the WCAG 2.0/2.1 A and AA rules; the test fails listing every
violation: page, role, width, rule, impact, the first elements and axe's help line.

axe is injected by `page.evaluate` (a CDP evaluation, which the page's
Content-Security-Policy does not govern), so the policy stays strict: a `<script>` tag
added to the page would be refused.

The walker's world is enriched where a page has states that draw other markup: the
group has a year of verified reports with lines (the finance page's charts and
tables), other groups are assessed (the dashboard's charts), and the report the
walker names has lines.
"""

import datetime as dt
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page

from assessments.selectors import assessable_kubes
from assessments.services import assessment_run_all
from finances.models import ReportStatus
from finances.periods import add_months, last_complete_month
from monitoring.models import FollowUp, Visit
from tests.e2e.helpers import sign_in
from tests.factories import KubeFactory, MembershipFactory
from tests.finances.factories import MemberLineFactory, MonthlyReportFactory
from tests.test_url_walker import ADMIN, ANON, FAC, OFFICER, POST_ONLY, RULES, World, project_patterns

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Best-practice rules the issue names besides the WCAG-tagged ones: headings in order,
# one h1, one main landmark, no two landmarks alike.
AXE_EXTRA_RULES = [
    "heading-order",
    "page-has-heading-one",
    "empty-heading",
    "landmark-one-main",
    "landmark-no-duplicate-main",
    "landmark-unique",
]
RUN_AXE = """async ([tags, extra]) => {
  const rules = Object.fromEntries(extra.map((id) => [id, {enabled: true}]));
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    targets: v.nodes.slice(0, Number(window.__axeTargets || 3)).map((n) => {
      const check = n.any[0] || n.all[0] || n.none[0] || {};
      const data = check.data;
      const colours = data && data.fgColor ? ` (${data.fgColor} on ${data.bgColor}: ${data.contrastRatio})` : "";
      const related = (check.relatedNodes || []).slice(0, 2).map((r) => r.target.join(" "));
      return n.target.join(" ") + colours + (related.length ? ` (inside: ${related.join(", ")})` : "");
    }),
  }));
}"""

ROLES = (ADMIN, OFFICER, FAC, ANON)
# While fixing: AXE_PAGES=kube_finance,dashboard checks only the URL names containing one of these.
ONLY = [part for part in os.environ.get("AXE_PAGES", "").split(",") if part]
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
# Files, not pages: downloads, photos, the installable app's manifest, service worker and
# JSON list of pages, the load balancers' plain-text health check, the queue's JSON
# (its health, a job's progress) and an export job's file.
NOT_HTML = {
    # The API's index and schema are JSON/YAML; its documentation page is drf-spectacular's
    # Swagger UI (a third party's page; tests/e2e/test_api_docs.py checks it works under the CSP).
    "api:index",
    "api:schema",
    "api:docs",
    "groups:kube_export",
    "groups:import_template",
    "partnerships:partnership_export",
    "assessments:dashboard_export",
    "formation:proposal_export",
    "monitoring:visit_photo",
    "monitoring:visit_photo_thumbnail",
    "offline:manifest",
    "offline:service_worker",
    "offline:pages",
    "healthz",
    "healthz_jobs",
    "jobs:progress",
    "jobs:download",
}


def enrich(world: World) -> None:
    """States the bare world does not draw: report lines, a returned report, a year of
    charts, an assessed city (the dashboard's charts and tables)."""
    last = last_complete_month(timezone.localdate())
    MemberLineFactory(report=world.report, membership=world.membership)
    for back in range(1, 13):
        report = MonthlyReportFactory(kube=world.kube, period=add_months(last, -back), status=ReportStatus.VERIFIED)
        MemberLineFactory(report=report, membership=world.membership)
    # A report sent back for correction: the facilitator's homes show it as a warning link.
    MonthlyReportFactory(kube=world.kube, period=add_months(last, -13), status=ReportStatus.RETURNED)
    for _ in range(3):
        other = KubeFactory(kelurahan=world.kube.kelurahan, founded_on=dt.date(2018, 5, 1))
        MembershipFactory(kube=other)
        for back in range(1, 7):
            MonthlyReportFactory(kube=other, period=add_months(last, -back), status=ReportStatus.VERIFIED)
    today = timezone.localdate()
    # A group observed twice with an open, overdue follow-up: the profile's field panels and /pemantauan/.
    for days, score in ((40, 2), (10, 3)):
        seen = Visit.objects.create(
            kube=world.kube,
            visited_on=today - dt.timedelta(days=days),
            kind="pendampingan",
            visitor=world.kube.facilitator,
            communication=score,
            cohesion=score,
            leadership=score,
        )
    FollowUp.objects.create(
        visit=seen, kube=world.kube, action="Jadwal piket", owner="dinas", due_on=today - dt.timedelta(days=1)
    )
    assessment_run_all(kubes=assessable_kubes(), as_of=dt.date(today.year - 1, 12, 31))
    assessment_run_all(kubes=assessable_kubes(), as_of=today)


def pages_for(world: World) -> dict[str, list[tuple[str, str]]]:
    """role -> [(URL name, path)] of every HTML page its rule lets the role open."""
    names = {p.name for p in project_patterns()}
    pages: dict[str, list[tuple[str, str]]] = {role: [] for role in ROLES}
    for name, rule in sorted(RULES.items()):
        if name not in names or name in NOT_HTML or rule.allowed == POST_ONLY:
            continue
        if ONLY and not any(part in name for part in ONLY):
            continue
        url = reverse(name, kwargs=rule.kwargs(world) or None)
        for role in ROLES:
            if role in rule.allowed and role not in rule.redirects:
                pages[role].append((name, url))
    if not ONLY or any(part in "admin:index" for part in ONLY):
        pages[ADMIN].append(("admin:index", reverse("admin:index")))
    return pages


def check_page(page: Page, base: str, name: str, url: str) -> list[dict]:
    response = page.goto(f"{base}{url}")
    assert response is not None and response.status == 200, (name, url, response and response.status)
    page.wait_for_load_state("load")
    if page.locator("[data-figure]").count():
        # plotly draws after load: check the charts as users see them.
        page.locator("[data-figure] .main-svg").first.wait_for(state="attached")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE, [AXE_TAGS, AXE_EXTRA_RULES])


def new_context(browser: Browser, browser_context_args: dict, viewport: dict) -> BrowserContext:
    context = browser.new_context(**{**browser_context_args, "viewport": viewport})
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    return context


def test_every_page_meets_wcag_21_aa_for_every_role_and_width(live_server, browser: Browser, browser_context_args):
    world = World()
    enrich(world)
    pages = pages_for(world)
    started = time.monotonic()
    found: list[str] = []
    rules: Counter = Counter()
    visited = 0
    for width, viewport in WIDTHS.items():
        for role in ROLES:
            context = new_context(browser, browser_context_args, viewport)
            page = context.new_page()
            try:
                user = world.users[role]
                if user is not None:
                    sign_in(page, live_server.url, user.username)
                for name, url in pages[role]:
                    visited += 1
                    for v in check_page(page, live_server.url, name, url):
                        rules[v["id"]] += v["count"]
                        found.append(
                            f"{url} ({name}) as {role} on {width}: {v['id']} [{v['impact']}] "
                            f"×{v['count']} {v['targets']}: {v['help']}"
                        )
            finally:
                context.close()
    elapsed = time.monotonic() - started
    print(f"\naxe: {visited} page visits (pages × roles × widths) in {elapsed:.0f}s; violations by rule: {dict(rules)}")
    assert found == [], f"{len(found)} WCAG 2.1 A/AA violations ({dict(rules)}):\n" + "\n".join(found)
