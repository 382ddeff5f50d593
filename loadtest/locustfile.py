"""50 people on the registry at once (`make load`).

- officers (about half): the city dashboard at /, the group list, group profiles and finance pages;
- facilitators (the other half): open a month's report form and submit it, for their own groups;
- one admin: uploads a 300-group workbook, checks the preview, applies it, and again.

Reads the plan written by loadtest/prepare.py (LOAD_PLAN). Every report the server accepted
(a redirect after submit) is appended to LOAD_SUBMITTED, so the runner can check afterwards
that none was lost, also across the app's reload in the middle of the run.

The cluster variant (`python -m loadtest --cluster`, loadtest/cluster.py) sets LOAD_SERVER_URLS
to two base URLs. Then:

- each user is pinned to one server, alternately A, B, A, … (a simple client-side split);
- a request cut by its server (the connection reset or closed without an answer) fails,
  is counted, and its user switches to the other server for the rest of the run, as a
  person would after an error page; the session is in the database, so they stay signed in;
- a request whose connection the server refuses (nothing was sent: its server is gone)
  is sent again at once to the other server, and its user stays there: what a load
  balancer does (nginx's `proxy_next_upstream error`, also for POST, since the request
  never reached an upstream). Each such retry is recorded;
- every request (start, duration, server, outcome) is written to LOAD_REQUESTS when the
  run stops, so the runner can tell the requests in flight on the killed server from any
  other failure;
- one more user (the admin) starts two full exports at once on the job queue every 40 to 50 s and
  records the jobs the server accepted in LOAD_JOBS, so the runner can check that every
  one was done and that both workers took some.
"""

import io
import itertools
import json
import os
import random
import re
import time
from collections import deque
from urllib.parse import urlsplit

from gevent.pool import Group
from locust import HttpUser, between, events, task
from locust.clients import HttpSession
from requests.exceptions import ConnectionError as RequestsConnectionError
from urllib3.exceptions import NewConnectionError

PASSWORD = os.environ.get("LOAD_PASSWORD", "kube-demo")
with open(os.environ["LOAD_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
SUBMITTED = os.environ["LOAD_SUBMITTED"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
APPLY = re.compile(r'action="(/impor/\d+/terapkan/)"')

# One queue of open months per facilitator account, shared by the users signed in as it.
SLOTS = {username: deque(slots) for username, slots in PLAN["slots"].items()}
FACILITATORS = itertools.cycle(sorted(SLOTS, key=lambda name: -len(SLOTS[name])))
IMPORT_ROUND = itertools.count(1)

# The cluster variant: two servers, the requests' record, the jobs started.
SERVERS = [url.rstrip("/") for url in os.environ.get("LOAD_SERVER_URLS", "").split(",") if url.strip()]
REQUESTS_PATH = os.environ.get("LOAD_REQUESTS", "")
JOBS_PATH = os.environ.get("LOAD_JOBS", "")
NEXT_SERVER = itertools.count()
REQUEST_LOG: list[dict] = []
JOB_PAGE = re.compile(r"/pekerjaan/(\d+)/$")


def connection_error(response, exception) -> BaseException | None:
    """The connection error behind a failed request, if that is why it failed (also under catch_response)."""
    error = getattr(response, "error", None) or exception
    return error if isinstance(error, RequestsConnectionError) else None


def never_connected(error: BaseException) -> bool:
    """The connection was refused or could not be made: nothing of the request reached a server."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


class FailoverSession(HttpSession):
    """A user's session pinned to one server; it moves to the other when its server is gone.

    Refused (never connected): the same request goes at once to the other server, as a
    load balancer does. Cut (sent, no answer): the failure stands, the next request goes
    to the other server.
    """

    def _send_request_safe_mode(self, method, url, **kwargs):
        response = super()._send_request_safe_mode(method, url, **kwargs)
        error = connection_error(response, None)
        if error is None or len(SERVERS) < 2 or not url.startswith(self.base_url):
            return response
        dead, self.base_url = self.base_url, next(server for server in SERVERS if server != self.base_url)
        if never_connected(error):
            REQUEST_LOG.append(
                {
                    "start": time.time(),
                    "server": dead,
                    "method": method,
                    "name": "(refused: sent to the other server)",
                    "ms": 0,
                    "failed": False,
                    "path": urlsplit(url).path,
                    "error": type(root_cause(error)).__name__,
                    "connection": True,
                    "retried": True,
                }
            )
            return super()._send_request_safe_mode(method, self.base_url + url[len(dead) :], **kwargs)
        return response


def root_cause(error: BaseException) -> BaseException:
    """The innermost error: requests' ConnectionError wraps urllib3's, which wraps the socket's."""
    for _ in range(6):
        inner = getattr(error, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in reversed(error.args) if isinstance(arg, BaseException)), None)
        if inner is None:
            break
        error = inner
    return error


@events.request.add_listener
def record_request(request_type, name, response_time, response, exception, start_time, url, **_):
    if not REQUESTS_PATH:
        return
    server = next((s for s in SERVERS if str(url).startswith(s)), str(url))
    error = connection_error(response, exception)
    cause = root_cause(error) if error is not None else exception
    REQUEST_LOG.append(
        {
            "start": start_time,
            "server": server,
            "path": urlsplit(str(url)).path,
            "method": request_type,
            "name": name,
            "ms": response_time,
            "failed": exception is not None,
            "error": "" if exception is None else f"{type(cause).__name__}: {cause}"[:300],
            "connection": error is not None,
        }
    )


@events.quitting.add_listener
def write_request_log(**_):
    if REQUESTS_PATH:
        with open(REQUESTS_PATH, "w", encoding="utf-8") as handle:
            for entry in REQUEST_LOG:
                handle.write(json.dumps(entry) + "\n")


def csrf_token(response) -> str:
    match = CSRF.search(response.text)
    return match.group(1) if match else ""


class SignedIn(HttpUser):
    abstract = True
    username = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if SERVERS:
            self.client = FailoverSession(
                base_url=SERVERS[next(NEXT_SERVER) % len(SERVERS)],
                request_event=self.environment.events.request,
                user=self,
                pool_manager=self.pool_manager,
            )
            self.client.trust_env = False

    def on_start(self):
        page = self.client.get("/accounts/login/", name="sign in (form)")
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page)},
            name="sign in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in: {response.status_code}")


class Officer(SignedIn):
    weight = 25
    wait_time = between(1, 3)
    username = "petugas"

    @task(3)
    def dashboard(self):
        self.client.get("/", name="/ (dashboard)")

    @task(2)
    def group_list(self):
        page = random.randint(1, 12)
        self.client.get(f"/kelompok/?page={page}", name="/kelompok/?page=")

    @task(3)
    def group_profile(self):
        self.client.get(f"/kelompok/{random.choice(PLAN['kube_ids'])}/", name="/kelompok/[id]/")

    @task(1)
    def group_finances(self):
        self.client.get(f"/kelompok/{random.choice(PLAN['kube_ids'])}/keuangan/", name="/kelompok/[id]/keuangan/")


class Facilitator(SignedIn):
    weight = 24
    wait_time = between(1, 3)

    def on_start(self):
        self.username = next(FACILITATORS)
        super().on_start()

    @task
    def submit_a_report(self):
        slots = SLOTS[self.username]
        if not slots:
            self.client.get("/", name="/ (facilitator home)")
            return
        kube_pk, period = slots.popleft()
        url = f"/kelompok/{kube_pk}/laporan/{period}/"
        form = self.client.get(url, name="/kelompok/[id]/laporan/[period]/ (form)")
        token = csrf_token(form)
        if form.status_code != 200 or not token:
            # No form came (its server died with the request): a person opens it again, nothing to submit.
            slots.appendleft((kube_pk, period))
            return
        data = {
            "csrfmiddlewaretoken": token,
            "version": "0",
            "income": f"Rp {random.randint(5, 40) * 100_000:,}".replace(",", "."),
            "expenses": f"{random.randint(2, 20) * 100_000}",
            "kept_in_cash": "100.000",
            "shared_to_members": "200.000",
            "cash_in_hand": "300000",
            "cash_in_bank": "1.000.000",
            "meetings_held": "2",
            "notes": "Uji beban",
            "problems": "",
            "action": "submit",
        }
        with self.client.post(
            url, data, name="/kelompok/[id]/laporan/[period]/ (submit)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
                with open(SUBMITTED, "a", encoding="utf-8") as handle:
                    handle.write(f"{kube_pk} {period}\n")
            else:
                response.failure(f"report not accepted: {response.status_code}")


def workbook_of_300_groups(round_number: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "kelompok"
    sheet.append(["nama_kube", "kecamatan", "kelurahan", "tanggal_berdiri", "jenis_usaha", "uraian_usaha"])
    for number in range(1, 301):
        kecamatan, kelurahan = PLAN["regions"][number % len(PLAN["regions"])]
        sheet.append(
            [f"KUBE Beban {round_number}-{number:03d}", kecamatan, kelurahan, "12/04/2021", "produksi", "Uji beban"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class AdminImporter(SignedIn):
    fixed_count = 1
    wait_time = between(10, 20)
    username = "admin"

    @task
    def import_a_workbook(self):
        page = self.client.get("/impor/", name="/impor/")
        content = workbook_of_300_groups(next(IMPORT_ROUND))
        files = {"file": ("kelompok-300.xlsx", content, XLSX_TYPE)}
        with self.client.post(
            "/impor/",
            {"csrfmiddlewaretoken": csrf_token(page)},
            files=files,
            name="/impor/ (upload, preview)",
            catch_response=True,
        ) as preview:
            match = APPLY.search(preview.text)
            if not match:
                preview.failure("no apply button on the preview")
                return
        with self.client.post(
            match.group(1),
            {"csrfmiddlewaretoken": csrf_token(preview)},
            name="/impor/[id]/terapkan/ (apply)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"import not applied: {response.status_code}")


if JOBS_PATH:

    class JobStarter(SignedIn):
        """The office's full export, twice at the same moment, now and then.

        Both requests go out together (two greenlets), so both jobs wait in the queue at
        once: while one worker runs the first export, the other must take the second.
        Sent one after the other, on a loaded machine the first export was done before
        the second was queued, and one worker could take every job.
        """

        fixed_count = 1
        wait_time = between(40, 50)
        username = "admin"

        @task
        def start_two_exports(self):
            page = self.client.get("/pekerjaan/", name="/pekerjaan/")
            token = csrf_token(page)
            if page.status_code != 200 or not token:
                return
            both = Group()
            for _ in range(2):
                both.spawn(self.start_an_export, token)
            both.join()

        def start_an_export(self, token: str) -> None:
            with self.client.post(
                "/pekerjaan/ekspor/",
                {"csrfmiddlewaretoken": token},
                name="/pekerjaan/ekspor/ (start an export job)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                match = JOB_PAGE.search(response.headers.get("Location", ""))
                if response.status_code == 302 and match:
                    response.success()
                    with open(JOBS_PATH, "a", encoding="utf-8") as handle:
                        handle.write(f"{match.group(1)}\n")
                else:
                    response.failure(f"export job not accepted: {response.status_code}")
