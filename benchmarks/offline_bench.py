"""Offline benchmark (issue 17, "light on slow links"): what a facilitator's phone downloads
for each of their pages, the first time and after, and how long each page takes on a 2G-like link.

    python -m benchmarks offline [--latency-ms 800] [--down-kbps 250] [--up-kbps 50] [--budget-kb 100]
                                 [--shape-every-background] [--verbose]

1. A demo city (`seed_demo`) in a temporary SQLite database; the static files collected as
   production collects them (hashed names, gzip); gunicorn serves the production settings
   (benchmarks/offline_settings.py) on loopback, one request per connection as behind nginx.
2. Every byte between Chromium and gunicorn crosses a link emulated here (`Link`): one
   download and one upload channel shared by all connections (round robin, 1,460-byte
   packets), each way half the round-trip latency. Chromium's own throttling
   (CDP `Network.emulateNetworkConditions`) is not used: it slows one target's requests, and
   the service worker's fetches went at full speed (Chromium 156; set on the page's target or
   on the worker's own), yet after the first visit the worker fetches the page itself
   (network first), and during the first visit its downloads share the phone's line. What
   crosses the link is what is counted, so answers of the service worker or the HTTP cache
   count nothing; sizes include the response headers. Connection set-up and TLS are not
   modelled. `--verbose` lists every request of every visit.
3. pendamping1 signs in (unshaped). The group measured is, of pendamping1's groups whose
   report form for this month opens, the one with the heaviest profile. For each page (home,
   the group's profile, this month's report form, the visit form, the queue page /luring/):
   a fresh browser profile (phone size, signed in, empty caches) opens it (first visit),
   waits until the line is quiet (the worker installed, its files and the phone's pages
   kept), then opens it again (after the first visit). The first page's background work is
   shaped too (it is the phone's real first visit); the others' runs unshaped, to save time
   (`--shape-every-background` shapes it all), its bytes are counted all the same.

Bytes are split by the response's type (HTML, CSS, JS, fonts, images, other) and by who
asked: the page (navigation, styles, scripts, fonts, images) or the offline app (/sw.js, the
worker's scripts, its precache, /luring/halaman/ and the pages it keeps). Times are the
page's own load event and first contentful paint (Navigation and Paint Timing).

Budget: after the first visit, under `--budget-kb` (100) KB of HTML + CSS + JS per page,
whoever asked for it; exit status 1 when a page is over. HTML is measured as the app sends
it (gzipped by Django's GZipMiddleware, kube_registry/settings/base.py).
"""

import argparse
import asyncio
import collections
import dataclasses
import datetime as dt
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
USERNAME = "pendamping1"
PASSWORD = "kube-demo"  # the demo password (README); this database lives for one run
PACKET = 1460
KINDS = ("html", "css", "js", "font", "image", "other")
BUDGET_KINDS = ("html", "css", "js")
# The machine has a closed network: nothing that phones home at start-up (as tests/e2e).
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
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "id-ID"}
# Scripts only the service worker loads (importScripts); the page never asks for them.
WORKER_SCRIPTS = re.compile(r"/static/(vendor/workbox-[^/]+/|js/offline/pages\.)")


# --- The link ------------------------------------------------------------------------------------


@dataclasses.dataclass
class Exchange:
    """One connection, that is one request and its response (the server closes after each)."""

    started: float
    ended: float | None = None
    method: str = ""
    path: str = ""
    dest: str = ""  # Sec-Fetch-Dest: document, style, script, font, image, empty (fetch), serviceworker
    mode: str = ""  # Sec-Fetch-Mode: navigate, no-cors, cors, same-origin
    status: int = 0
    content_type: str = ""
    up: int = 0
    down: int = 0

    @property
    def kind(self) -> str:
        ctype = self.content_type
        if "html" in ctype:
            return "html"
        if "css" in ctype:
            return "css"
        if "javascript" in ctype:
            return "js"
        if ctype.startswith("font/") or "woff" in ctype:
            return "font"
        if ctype.startswith("image/"):
            return "image"
        return "other"

    def by_page(self, visited: str) -> bool:
        """Asked for the page at `visited`, else by the offline app (its worker, its fetches).

        The page itself counts as asked by the page also when the worker fetched it (network first).
        """
        if self.path == visited and self.kind == "html":
            return True
        return self.dest not in ("serviceworker", "empty") and not WORKER_SCRIPTS.search(self.path)


class _Channel:
    """One direction of the link: a queue of packets at `rate` bytes/s, then `delay` seconds."""

    def __init__(self, bits_per_second: float, delay: float):
        self.rate = bits_per_second / 8
        self.delay = delay
        self.free_at = 0.0

    def book(self, size: int, shaped: bool) -> tuple[float, float]:
        """(sent, arrives): when the packet has left the sender, when it reaches the other end."""
        now = time.monotonic()
        if not shaped:
            return now, now
        start = max(now, self.free_at)
        self.free_at = start + size / self.rate
        return self.free_at, self.free_at + self.delay


class Link:
    """A TCP relay on loopback emulating a slow mobile line between Chromium and the app."""

    def __init__(self, target_port: int, latency_ms: float, down_kbps: float, up_kbps: float):
        self.target_port = target_port
        self.down = _Channel(down_kbps * 1000, latency_ms / 2000)
        self.up = _Channel(up_kbps * 1000, latency_ms / 2000)
        self.shaped = False
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.port = 0

    def start(self) -> int:
        threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True).start()
        self._ready.wait(10)
        return self.port

    def mark(self) -> int:
        with self._lock:
            return len(self.exchanges)

    def since(self, mark: int) -> list[Exchange]:
        with self._lock:
            return list(self.exchanges[mark:])

    def quiet_for(self, seconds: float) -> bool:
        with self._lock:
            if any(exchange.ended is None for exchange in self.exchanges):
                return False
            last = max((exchange.ended for exchange in self.exchanges), default=0.0)
        return time.monotonic() - last >= seconds

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)

    async def _main(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stopping.wait()

    async def _relay(self, client_reader, client_writer) -> None:
        exchange = Exchange(started=time.monotonic())
        with self._lock:
            self.exchanges.append(exchange)
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            exchange.ended = time.monotonic()
            client_writer.close()
            return
        await asyncio.gather(
            self._pipe(client_reader, server_writer, self.up, exchange, upstream=True),
            self._pipe(server_reader, client_writer, self.down, exchange, upstream=False),
            return_exceptions=True,
        )
        exchange.ended = time.monotonic()

    async def _pipe(self, reader, writer, channel: _Channel, exchange: Exchange, upstream: bool) -> None:
        """Read packets as the channel lets them leave; a writer task delivers each on arrival."""
        packets: asyncio.Queue = asyncio.Queue()
        deliver = asyncio.create_task(self._deliver(packets, writer))
        head = b""
        try:
            while True:
                data = await reader.read(PACKET)
                if not data:
                    break
                if upstream:
                    exchange.up += len(data)
                else:
                    exchange.down += len(data)
                if b"\r\n\r\n" not in head and len(head) < 65536:
                    head += data
                    if b"\r\n\r\n" in head:
                        _read_head(head, exchange, upstream)
                sent, arrives = channel.book(len(data), self.shaped)
                packets.put_nowait((arrives, data))
                await asyncio.sleep(max(0.0, sent - time.monotonic()))
        except (ConnectionError, OSError):
            pass
        finally:
            packets.put_nowait((0.0, None))
            await deliver

    async def _deliver(self, packets: asyncio.Queue, writer) -> None:
        try:
            while True:
                arrives, data = await packets.get()
                if data is None:
                    break
                await asyncio.sleep(max(0.0, arrives - time.monotonic()))
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            try:
                writer.close()
            except (ConnectionError, OSError):
                pass


def _read_head(head: bytes, exchange: Exchange, upstream: bool) -> None:
    lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    parts = lines[0].split(" ")
    if upstream:
        exchange.method, exchange.path = parts[0], parts[1] if len(parts) > 1 else ""
        exchange.dest = headers.get("sec-fetch-dest", "")
        exchange.mode = headers.get("sec-fetch-mode", "")
    else:
        exchange.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        exchange.content_type = headers.get("content-type", "").split(";")[0].lower()


# --- The app -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app_env(tmp: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/offline.sqlite3",
        "DJANGO_SETTINGS_MODULE": "benchmarks.offline_settings",
        "KUBE_BENCH_STATIC_ROOT": str(tmp / "static"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
    }


def _prepare(env: dict) -> None:
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["seed_demo", "--password", PASSWORD, "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def _serve(env: dict, port: int) -> subprocess.Popen:
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kube_registry.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "8",
            "--keep-alive",
            "0",  # one request per connection, as nginx asks its upstream (and the link counts)
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # loopback
                if response.status == 200:
                    return gunicorn
        except OSError:
            time.sleep(0.3)
    gunicorn.terminate()
    raise SystemExit("gunicorn did not answer")


# --- The browser ---------------------------------------------------------------------------------

# The worker is running (or ten minutes passed), and how many pages it keeps (cache name:
# PAGES_CACHE in static/js/offline/pages.js).
READY = """() => Promise.race([
    navigator.serviceWorker.ready.then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), 600000)),
])"""
KEPT = "() => caches.open('kube-halaman').then((cache) => cache.keys()).then((keys) => keys.length)"
TIMING = """() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    return {load: nav ? nav.loadEventEnd : null, fcp: paint ? paint.startTime : null,
            worker: !!navigator.serviceWorker.controller};
}"""


@dataclasses.dataclass
class Visit:
    load_ms: float
    fcp_ms: float | None
    controlled: bool  # the service worker controlled the page
    page: dict  # kind -> bytes, asked for the page
    offline_app: dict  # kind -> bytes, asked by the offline app meanwhile
    requests: int


@dataclasses.dataclass
class Measured:
    label: str
    path: str
    first: Visit
    after: Visit
    background: list[Exchange]  # after the first visit's load event until the line was quiet
    background_seconds: float
    shaped_background: bool
    kept: int  # pages the worker keeps once the line is quiet


def _visit(page, link: Link, base: str, path: str) -> tuple[dict, float, int]:
    """Open the page and wait for its load event: (its timing, when it loaded, the link's mark before)."""
    mark = link.mark()
    page.goto(base + path, wait_until="load", timeout=600_000)
    loaded = time.monotonic()
    page.wait_for_timeout(300)  # the paint entry of a page that loaded at once
    return page.evaluate(TIMING), loaded, mark


def _tally(timing: dict, exchanges: list[Exchange], visited: str, verbose: bool) -> Visit:
    page, offline_app = collections.Counter(), collections.Counter()
    for exchange in exchanges:
        (page if exchange.by_page(visited) else offline_app)[exchange.kind] += exchange.down
        if verbose:
            who = "page" if exchange.by_page(visited) else "offline app"
            print(
                f"    {exchange.method} {exchange.path} {exchange.status} {exchange.content_type} "
                f"{exchange.down:,} B (dest {exchange.dest or '-'}, mode {exchange.mode or '-'}: {who})",
                flush=True,
            )
    return Visit(
        load_ms=timing["load"],
        fcp_ms=timing["fcp"],
        controlled=timing["worker"],
        page=dict(page),
        offline_app=dict(offline_app),
        requests=len(exchanges),
    )


def _wait_quiet(page, link: Link, seconds: float, limit: float = 900.0) -> None:
    deadline = time.monotonic() + limit
    while not link.quiet_for(seconds):
        if time.monotonic() > deadline:
            raise RuntimeError("the line never went quiet")
        page.wait_for_timeout(250)


def _measure_page(browser, state, link: Link, base: str, label: str, path: str, shape_background: bool, verbose: bool):
    """The first visit in a fresh profile (up to its load event), what follows it until the line
    is quiet, then a visit after the first (everything until the line is quiet again)."""
    context = browser.new_context(storage_state=state, **PHONE)
    try:
        page = context.new_page()
        link.shaped = True
        if verbose:
            print(f"  {path}, first visit:", flush=True)
        timing, loaded, mark = _visit(page, link, base, path)
        first = _tally(timing, [e for e in link.since(mark) if e.started <= loaded], path, verbose)
        link.shaped = shape_background
        if not page.evaluate(READY):
            raise RuntimeError(f"the service worker did not start after the first visit of {path}")
        _wait_quiet(page, link, 3.0)
        kept = page.evaluate(KEPT)
        background = [e for e in link.since(mark) if e.started > loaded]
        finished = max((e.ended or loaded for e in background), default=loaded)
        page.goto("about:blank")
        link.shaped = True
        if verbose:
            print(f"  {path}, after the first visit:", flush=True)
        timing, _loaded, mark = _visit(page, link, base, path)
        _wait_quiet(page, link, 2.0)
        after = _tally(timing, link.since(mark), path, verbose)
        return Measured(label, path, first, after, background, finished - loaded, shape_background, kept)
    finally:
        link.shaped = False
        context.close()


def _sign_in(browser, base: str):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    if "/accounts/login/" in page.url:
        raise RuntimeError(f"{USERNAME} could not sign in")
    state = context.storage_state()
    context.close()
    return state


def _pick_pages(browser, state, base: str, month: str) -> tuple[list[tuple[str, str]], int]:
    """The five pages (of the groups whose report form for `month` opens, the one with the heaviest
    profile), and how many pages /luring/halaman/ lists."""
    context = browser.new_context(storage_state=state, **PHONE)
    try:
        listed = context.request.get(f"{base}/luring/halaman/").json()["pages"]
        candidates = []
        for path in listed:
            found = re.fullmatch(r"/kelompok/(\d+)/", path)
            if not found:
                continue
            report = f"/kelompok/{found[1]}/laporan/{month}/"
            if context.request.get(base + report, max_redirects=0).status != 200:
                continue
            candidates.append((len(context.request.get(base + path).body()), found[1]))
        if not candidates:
            raise RuntimeError(f"no group of {USERNAME} has a report form for {month}")
        _size, pk = max(candidates)
        pages = [
            ("home /", "/"),
            ("group profile", f"/kelompok/{pk}/"),
            (f"report form {month}", f"/kelompok/{pk}/laporan/{month}/"),
            ("visit form", f"/kelompok/{pk}/kunjungan/tambah/"),
            ("queue /luring/", "/luring/"),
        ]
        return pages, len(listed)
    finally:
        context.close()


# --- Report --------------------------------------------------------------------------------------


def _kb(count: float) -> str:
    return f"{count / 1024:,.1f}"


def _seconds(ms: float | None) -> str:
    return "–" if ms is None else f"{ms / 1000:,.1f}"


def budget_bytes(visit: Visit) -> int:
    return sum(visit.page.get(k, 0) + visit.offline_app.get(k, 0) for k in BUDGET_KINDS)


def _row(label: str, when: str, visit: Visit) -> str:
    both = collections.Counter(visit.page) + collections.Counter(visit.offline_app)
    cells = [_kb(both.get(kind, 0)) for kind in KINDS]
    return (
        f"| {label} | {when} | " + " | ".join(cells) + f" | **{_kb(sum(both.values()))}** | {_kb(budget_bytes(visit))} "
        f"| {_kb(sum(visit.offline_app.values()))} | {_seconds(visit.fcp_ms)} | {_seconds(visit.load_ms)} |"
    )


def report(results: list[Measured], args, listed: int) -> bool:
    print(
        f"\nLink: {args.latency_ms:g} ms round trip, {args.down_kbps:g} kbit/s down, {args.up_kbps:g} kbit/s up; "
        "HTML as the app sends it (gzipped); "
        f"budget after the first visit: HTML+CSS+JS under {args.budget_kb:g} KB.\n"
    )
    print(
        "| page | visit | HTML KB | CSS KB | JS KB | fonts KB | images KB | other KB | total KB "
        "| HTML+CSS+JS KB | of which offline app KB | first paint s | load s |"
    )
    print("|---|---|" + "---:|" * 11)
    over = []
    for result in results:
        print(_row(f"{result.label} (`{result.path}`)", "first", result.first))
        print(_row("", "after", result.after))
        if budget_bytes(result.after) >= args.budget_kb * 1024:
            over.append(result.label)
        if not result.after.controlled:
            print(f"  warning: the service worker did not control {result.path} after the first visit")
    print()
    for result in results:
        kinds = collections.Counter()
        for exchange in result.background:
            kinds[exchange.kind] += exchange.down
        parts = ", ".join(f"{kind} {_kb(kinds[kind])}" for kind in KINDS if kinds.get(kind))
        print(
            f"after the first visit of {result.path}: {_kb(sum(kinds.values()))} KB more in "
            f"{len(result.background)} requests ({parts}), the line quiet {result.background_seconds:,.0f} s "
            f"after the load event{'' if result.shaped_background else ' (unshaped)'}; {result.kept} pages kept"
        )
    # What the worker fetched to keep (once each), as sent.
    html_sizes = sorted(e.down for e in results[0].background if e.dest == "empty" and e.kind == "html")
    if html_sizes:
        print(
            f"\nthe worker fetched {len(html_sizes)} of the {listed} pages /luring/halaman/ lists for {USERNAME} "
            f"to keep them: {_kb(sum(html_sizes))} KB of HTML as sent, "
            f"each {_kb(html_sizes[0])}–{_kb(html_sizes[-1])} KB (median {_kb(html_sizes[len(html_sizes) // 2])})"
        )
    verdict = "met" if not over else f"MISSED by {', '.join(over)}"
    print(f"\nbudget (after the first visit, HTML+CSS+JS under {args.budget_kb:g} KB per page): {verdict}", flush=True)
    return not over


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks offline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=800, help="round trip")
    parser.add_argument("--down-kbps", type=float, default=250, help="download, kbit/s")
    parser.add_argument("--up-kbps", type=float, default=50, help="upload, kbit/s")
    parser.add_argument("--budget-kb", type=float, default=100, help="HTML+CSS+JS per page after the first visit")
    parser.add_argument("--shape-every-background", action="store_true", help="shape every page's background work")
    parser.add_argument("--verbose", action="store_true", help="list every request of every visit")
    args = parser.parse_args(argv)
    if not os.access(CHROMIUM, os.X_OK):
        print(f"offline benchmark skipped: no Chromium at {CHROMIUM} (make chromium)", flush=True)
        return 0
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        env = _app_env(Path(tmp))
        _prepare(env)
        month = dt.datetime.now(ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Makassar"))).strftime("%Y-%m")
        app_port = _free_port()
        gunicorn = _serve(env, app_port)
        link = Link(app_port, args.latency_ms, args.down_kbps, args.up_kbps)
        try:
            base = f"http://127.0.0.1:{link.start()}"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                state = _sign_in(browser, base)
                pages, listed = _pick_pages(browser, state, base, month)
                results = []
                for number, (label, path) in enumerate(pages):
                    shape = args.shape_every_background or number == 0
                    results.append(_measure_page(browser, state, link, base, label, path, shape, args.verbose))
                    print(f"  measured {path} ({time.monotonic() - started:,.0f} s)", flush=True)
                browser.close()
        finally:
            link.stop()
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
    return 0 if report(results, args, listed) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
