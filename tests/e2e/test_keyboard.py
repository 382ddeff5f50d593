"""Issue 15, keyboard only: Tab, Enter and typing, no click. An officer finds a group,
opens its profile and verifies a submitted report; a facilitator fills and submits a
month's report. At every step the focused element is on screen and shows a focus ring.
"""

import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from finances.models import MonthlyReport, ReportStatus
from finances.periods import last_complete_month, period_label
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory, OfficerFactory, PersonFactory
from tests.finances.factories import MonthlyReportFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Bootstrap scrolls smoothly otherwise: the focused element would be read mid-scroll.
    pytest.mark.browser_context_args(reduced_motion="reduce"),
]

# What the focused element looks like: on screen, and outlined or ringed (box-shadow).
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return {focused: false}; }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ringed = style.boxShadow && style.boxShadow !== "none";
  return {
    focused: true,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight
      && style.visibility !== "hidden",
    indicator: Boolean(outlined || ringed),
    text: (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim().slice(0, 80),
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute("href") || "",
    name: el.getAttribute("name") || "",
  };
}"""

# The most Tabs one step of a journey may take: more is itself a finding (a long detour).
MAX_TABS = 25


def focus_state(page: Page) -> dict:
    state = page.evaluate(FOCUS_STATE)
    assert state["focused"], "nothing has the focus"
    assert state["onScreen"], f"the focused {state['tag']} '{state['text']}' is off screen"
    assert state["indicator"], f"the focused {state['tag']} '{state['text']}' shows no focus ring"
    return state


def tab_to(page: Page, wanted, *, limit: int = MAX_TABS) -> dict:
    """Press Tab until the focused element is `wanted` (a predicate of the focus state)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focus_state(page)
        seen.append(state["text"] or state["name"])
        if wanted(state):
            return state
    raise AssertionError(f"not reached in {limit} Tabs; focus went through: {seen}")


def skip_to_content(page: Page) -> None:
    """The first Tab of a page reaches the skip link; Enter moves on to the page's own content.

    A page reached from one already skipped keeps `#isi` in its address (a GET form's
    answer, a redirect after POST): the browser starts there, and the first Tab is in it.
    """
    # The URL changes before the page has loaded: a Tab pressed then lands nowhere.
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    state = focus_state(page)
    if page.url.endswith("#isi") and state["text"] != "Langsung ke isi":
        assert page.evaluate("document.activeElement.closest('main#isi') !== null")
        page.keyboard.press("Shift+Tab")  # back to where the starting point was
        return
    assert state["text"] == "Langsung ke isi"
    page.keyboard.press("Enter")


def sign_in_by_keyboard(page: Page, base: str, username: str) -> None:
    from tests.factories import TEST_PASSWORD

    page.goto(f"{base}/accounts/login/")
    expect(page.locator("input[name=username]")).to_be_focused()  # autofocus
    page.keyboard.type(username)
    tab_to(page, lambda s: s["name"] == "password", limit=2)
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    page.wait_for_load_state("load")


def test_officer_finds_a_group_and_verifies_its_report_by_keyboard(live_server, page: Page):
    officer = OfficerFactory(username="petugas")
    kube = KubeFactory(name="KUBE Mekar Sari")
    KubeFactory(name="KUBE Sinar Harapan")
    month = last_complete_month(timezone.localdate())
    report = MonthlyReportFactory(kube=kube, period=month, status=ReportStatus.SUBMITTED)
    base = live_server.url

    sign_in_by_keyboard(page, base, officer.username)
    tab_to(page, lambda s: s["text"] == "Daftar KUBE")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/kelompok/(#isi)?$"))

    skip_to_content(page)
    tab_to(page, lambda s: s["name"] == "q")
    page.keyboard.type("Mekar")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=Mekar"))
    expect(page.get_by_role("link", name="KUBE Sinar Harapan")).to_have_count(0)

    skip_to_content(page)
    tab_to(page, lambda s: s["text"] == "KUBE Mekar Sari" and s["tag"] == "a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="KUBE Mekar Sari", level=1)).to_be_visible()

    skip_to_content(page)
    tab_to(page, lambda s: s["text"] == "Halaman keuangan", limit=40)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/keuangan/(#isi)?$"))

    skip_to_content(page)
    tab_to(page, lambda s: s["href"].endswith(f"/laporan/{report.pk}/"), limit=40)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Verifikasi")).to_be_visible()

    skip_to_content(page)
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "Verifikasi", limit=40)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").first).to_be_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.VERIFIED


def test_facilitator_fills_and_submits_a_report_by_keyboard(live_server, page: Page):
    facilitator = FacilitatorFactory(username="pendamping1")
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=facilitator)
    MembershipFactory(kube=kube, person=PersonFactory(name="Wahyuni"))
    month = last_complete_month(timezone.localdate())
    with translation.override("id"):
        label = period_label(month)
    base = live_server.url

    sign_in_by_keyboard(page, base, facilitator.username)
    tab_to(page, lambda s: s["text"] == "Laporan bulanan")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Laporan bulanan", level=1)).to_be_visible()

    skip_to_content(page)
    tab_to(page, lambda s: s["tag"] == "a" and s["text"] == label)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Laporan {label}", level=1)).to_be_visible()

    skip_to_content(page)
    values = {
        "income": "1.500.000",
        "expenses": "700.000",
        "kept_in_cash": "200.000",
        "shared_to_members": "400.000",
        "cash_in_hand": "250.000",
        "cash_in_bank": "1.000.000",
        "meetings_held": "2",
    }
    for name, value in values.items():
        tab_to(page, lambda s, name=name: s["name"] == name, limit=3)
        page.keyboard.type(value)
    iks = tab_to(page, lambda s: s["name"].endswith("iks_paid"), limit=3)
    page.keyboard.type("10.000")
    tab_to(page, lambda s: s["name"].endswith("meetings_attended"), limit=2)
    page.keyboard.type("2")
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "Simpan dan ajukan", limit=6)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/laporan/\d+/(#isi)?$"))

    report = MonthlyReport.objects.get(kube=kube, period=month)
    assert report.status == ReportStatus.SUBMITTED
    assert (report.income, report.cash_in_bank) == (1_500_000, 1_000_000)
    assert report.member_lines.get().iks_paid == 10_000, iks
