"""What several browser tests do the same way."""

from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD


def sign_in(page: Page, base: str, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the form, and wait until the page shows the signed-in user's menu."""
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    # Left the sign-in page: a user switching accounts sees "Keluar" on it before the new
    # sign-in has been answered.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def failed_responses(context) -> list[str]:
    """A list that fills with every answer of 400 or more to the pages' own requests.

    The service worker's own fetches (keeping a facilitator's pages for the offline app) are
    left out: switching users in one browser may meet one of them answered for the next user,
    and the offline tests (tests/e2e/test_offline.py) judge the worker.
    """
    failed: list[str] = []

    def record(response) -> None:
        if response.status >= 400 and response.request.service_worker is None:
            failed.append(f"{response.status} {response.url}")

    context.on("response", record)
    return failed
