"""The cluster load test's own logic (loadtest/cluster.py, loadtest/locustfile.py).

What counts as "in flight on the killed server" decides whether `make load-cluster`
passes, and the failover decides which requests may fail at all: both are checked here
on made-up request records and on a real socket, without running the load.
"""

import http.server
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from loadtest.cluster import ROOT, classify, report_of

A, B = "http://127.0.0.1:8011", "http://127.0.0.1:8012"
KILL = 1000.0


def entry(server, start, ms, *, failed=False, connection=False, name="GET /", retried=False):
    return {
        "server": server,
        "start": start,
        "ms": ms,
        "failed": failed,
        "connection": connection,
        "name": name,
        "method": "GET",
        "error": "ConnectionError" if failed else "",
        "path": "/",
        **({"retried": True} if retried else {}),
    }


def test_only_connection_failures_on_the_killed_server_around_the_kill_are_in_flight():
    requests = [
        entry(A, KILL - 0.2, 300, failed=True, connection=True),  # cut: started before, ended after
        entry(A, KILL + 0.1, 5, failed=True, connection=True),  # reached the backlog as it died
        entry(A, KILL - 5, 100, failed=True, connection=True),  # a connection error long before: not the kill
        entry(A, KILL + 3, 1, failed=True, connection=True),  # after the kill: should have been resent
        entry(B, KILL - 0.1, 300, failed=True, connection=True),  # the survivor: never acceptable
        entry(A, KILL - 0.1, 300, failed=True, connection=False),  # an answer (500, refused report): a failure
        entry(A, KILL - 1, 50),
        entry(B, KILL + 1, 50),
        entry(B, KILL + 2, 50),
        entry(A, KILL + 0.5, 0, retried=True),
    ]

    result = classify(requests, A, KILL)

    assert [r["start"] for r in result["in_flight"]] == [KILL - 0.2, KILL + 0.1]
    assert [r["start"] for r in result["other"]] == [KILL - 5, KILL + 3, KILL - 0.1, KILL - 0.1]
    assert [r["server"] for r in result["other"]] == [A, A, B, A]
    assert len(result["retried"]) == 1
    assert result["served"] == {(A, "before"): 1, (B, "after"): 2}


def test_report_of_reads_the_group_and_month_from_the_submit_path():
    assert report_of("/kelompok/12/laporan/2025-03/") == (12, "2025-03")
    assert report_of("/kelompok/12/") is None


class Hello(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"got " + body)

    def log_message(self, *args):
        pass


# Run in a fresh process: locust patches the standard library with gevent on import,
# which must happen before anything imported ssl (pytest has).
FAILOVER = """
import json
from locust.event import EventHook
from loadtest import locustfile as module

events = EventHook()
seen = []
events.add_listener(lambda **kwargs: seen.append({"url": kwargs["url"], "exception": repr(kwargs["exception"])}))
dead, alive = module.SERVERS
session = module.FailoverSession(base_url=dead, request_event=events, user=None)
response = session.post("/kelompok/", data=b"laporan", name="submit")
print(json.dumps({
    "status": response.status_code, "text": response.text, "base_url": session.base_url, "seen": seen,
    "log": [(e["server"], e["retried"], e["error"]) for e in module.REQUEST_LOG],
}))
"""


@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust is in requirements-load.txt only")
def test_a_refused_request_is_sent_once_to_the_other_server_and_the_user_stays_there(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()  # bound, then released: connections to it are refused
    alive, dead = f"http://127.0.0.1:{server.server_port}", f"http://127.0.0.1:{dead_port}"
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"slots": {}, "kube_ids": [], "regions": []}))
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan),
        "LOAD_SUBMITTED": str(tmp_path / "submitted.txt"),
        "LOAD_SERVER_URLS": f"{dead},{alive}",
        "LOAD_REQUESTS": str(tmp_path / "requests.jsonl"),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", FAILOVER], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["status"] == 200
    assert result["text"] == "got laporan"  # the POST itself was resent, body and all
    assert result["base_url"] == alive  # and the user stays on the living server
    assert result["seen"] == [{"url": f"{alive}/kelompok/", "exception": "None"}]  # one request, no failure
    assert result["log"] == [[dead, True, "NewConnectionError"]]
