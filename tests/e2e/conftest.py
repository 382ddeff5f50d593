"""Browser tests: real Chromium (Debian's package) driven by Playwright's sync API.

pytest-playwright provides the `page` fixture; this file only says which Chromium to
start and how. Where no Chromium is installed the browser tests are skipped with a
message saying so (`make chromium` installs it with apt-get).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API keeps an asyncio loop on the main thread; Django would otherwise
# refuse database access from the test body (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATHS = (Path("/usr/bin/chromium"), Path("/usr/lib/chromium/chromium"))
NO_CHROMIUM = "Chromium tidak tersedia (/usr/bin/chromium): uji peramban dilewati"

# The machine has a closed network: nothing that phones home at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
]


def chromium_path() -> Path | None:
    return next((p for p in CHROMIUM_PATHS if p.is_file() and os.access(p, os.X_OK)), None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_path()
    if executable is None:
        pytest.skip(NO_CHROMIUM)
    return {
        "headless": True,
        **browser_type_launch_args,  # --headed still wins
        "executable_path": str(executable),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An office laptop screen in an Indonesian locale (the app answers in Indonesian anyway).
    return {
        **browser_context_args,
        "locale": "id-ID",
        "timezone_id": "Asia/Makassar",
        "viewport": {"width": 1366, "height": 768},
    }


# `expect(...)` waits 5 s by default; on a loaded two-core CI machine a POST, its redirect
# and the next page on PostgreSQL have taken longer (a test saw the old page's table).
expect.set_options(timeout=15_000)


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing fast: a local server answers in milliseconds.

    Its browser context is closed as soon as the test ends, before the live server's
    database is emptied: a facilitator's service worker may still be fetching pages to keep,
    and on SQLite a read in flight locks the tables the flush must empty.
    """
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    yield page
    page.context.close()


@pytest.fixture(scope="session", autouse=True)
def serialized_rollback_survives_playwright(django_db_setup):
    """Keep `serialized_rollback` working for every browser test on a worker.

    Django keeps the database contents to restore on the connection object, and
    connections are per context; Playwright's sync API runs the tests in another
    context, where a fresh connection has nothing to restore, so the second browser
    test after an ordinary database test met an empty database (no roles, no regions).
    Kept on the class, the contents are found from any context.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents
