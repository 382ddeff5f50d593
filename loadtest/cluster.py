"""`make load-cluster` / `python -m loadtest --cluster` (or LOAD_SERVERS=2): two app servers, one killed.

1. A fresh demo city in PostgreSQL, as `make load` builds it, in its own database
   (LOAD_DATABASE_URL, default `kube_load_cluster` on 127.0.0.1).
2. Two gunicorn instances (LOAD_WORKERS x LOAD_THREADS each, default 2 x 2: together the
   4 workers of `make load`) on 127.0.0.1:LOAD_PORTS (8011,8012), sharing one SECRET_KEY,
   and two job workers (`manage.py run_worker`), all on the one database.
3. locust runs loadtest/locustfile.py with LOAD_SERVER_URLS: each user pinned to server A
   or B alternately; the admin also starts two full exports on the job queue every 40 to 50 s.
4. Half-way through, server A is KILLED: SIGKILL to the gunicorn master and its workers
   at once (its own process group), not a reload. Its users move to B: a request cut in
   flight fails and its user switches; a request refused afterwards goes at once to B,
   as a load balancer would send it (loadtest/locustfile.py).
5. Checks, afterwards:
   - no accepted report lost: every report answered as accepted is in the database;
   - no failed request but those in flight on A when it died: a failure counts as such
     only if it was a connection error on A, started before the kill (plus
     IN_FLIGHT_SLACK_S for the kernel to tear the processes down) and not finished
     before it. Any other failure fails the run;
   - no job lost: every export job the server accepted is done (waiting up to
     LOAD_JOB_WAIT seconds after the run), and both workers did some.
   The figures are printed and written to var/load/summary-cluster.md. Exit status 1
   when a check fails. The 95th percentile is reported beside `make load`'s target
   (LOAD_P95_MS), not a check here: half the app servers die half-way.

Every process started here is stopped in all code paths (try/finally): the gunicorn
instances by their process group, the workers with SIGTERM (then SIGKILL), locust.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from loadtest.__main__ import (
    BIN,
    OUT,
    P95_TARGET_MS,
    ROOT,
    app_env,
    prepare_city,
    read_stats,
    setup_django,
    stored_reports,
    summary_table,
    wait_until_healthy,
)

DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kube_load_cluster")
PORTS = [int(port) for port in os.environ.get("LOAD_PORTS", "8011,8012").split(",")]
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "120"))
WORKERS = os.environ.get("LOAD_WORKERS", "2")
THREADS = os.environ.get("LOAD_THREADS", "2")
JOB_WORKERS = 2
JOB_WAIT_S = int(os.environ.get("LOAD_JOB_WAIT", "300"))
# From SIGKILL sent to every process being gone, and the kernel resetting their connections.
IN_FLIGHT_SLACK_S = 0.5
SUBMIT = "/kelompok/[id]/laporan/[period]/ (submit)"


def start_group(args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    """A process in its own process group (so it and its children can be signalled together), logging to a file."""
    log = log_path.open("wb")
    try:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        log.close()  # the child has its own copy


def signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def stop_group(process: subprocess.Popen, signum: int = signal.SIGTERM, grace: float = 30) -> None:
    """Signal the whole group; SIGKILL what is left after `grace` seconds; reap the leader."""
    signal_group(process, signum)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    signal_group(process, signal.SIGKILL)  # gunicorn's workers outlive a master that died first
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def gunicorn_args(port: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "kube_registry.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        WORKERS,
        "--threads",
        THREADS,
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "--keep-alive",
        "0",  # as behind nginx, see loadtest/__main__.py
        # gunicorn 27's control socket defaults to one path in $HOME: two instances would share it.
        "--no-control-socket",
    ]


def get_json(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def wait_for_workers(url: str, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get_json(url).get("workers_alive", 0) >= count:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{count} job workers did not report on {url}")


def refuses(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    except urllib.error.URLError as error:
        return isinstance(error.reason, ConnectionRefusedError)
    except OSError:
        return False
    return False


def refusing_after(port: int, since: float, seconds: float = 5) -> float | None:
    """Seconds from `since` (time.time()) until the port refuses connections, or None (still answering)."""
    while time.time() - since < seconds:
        if refuses(port):
            return time.time() - since
        time.sleep(0.02)
    return None


def read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().split("\n") if line.strip()] if path.exists() else []


def wait_for_jobs(job_ids: list[int], seconds: float) -> list[dict]:
    """The jobs' rows once every one is finished, or when `seconds` have passed."""
    from jobs.models import Job, JobStatus

    deadline = time.monotonic() + seconds
    while True:
        rows = list(Job.objects.filter(pk__in=job_ids).values("pk", "status", "worker_id", "attempts"))
        finished = all(row["status"] in {JobStatus.DONE, JobStatus.FAILED} for row in rows)
        if (finished and len(rows) == len(job_ids)) or time.monotonic() > deadline:
            return rows
        time.sleep(1)


def classify(requests: list[dict], killed: str, kill_at: float) -> dict:
    """The run's requests sorted out around the kill: in flight on the killed server, refused and resent, other."""
    in_flight, other_failures, retried = [], [], []
    served = Counter()
    for entry in requests:
        if entry.get("retried"):
            retried.append(entry)
            continue
        before = "before" if entry["start"] < kill_at else "after"
        if not entry["failed"]:
            served[(entry["server"], before)] += 1
            continue
        ended = entry["start"] + entry["ms"] / 1000
        cut = (
            entry["connection"]
            and entry["server"] == killed
            and entry["start"] < kill_at + IN_FLIGHT_SLACK_S
            and ended >= kill_at
        )
        (in_flight if cut else other_failures).append(entry)
    return {"in_flight": in_flight, "other": other_failures, "retried": retried, "served": served}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    plan_path = OUT / "plan-cluster.json"
    submitted_path, requests_path, jobs_path = (
        OUT / "submitted-cluster.txt",
        OUT / "requests-cluster.jsonl",
        OUT / "jobs-cluster.txt",
    )
    for path in (submitted_path, requests_path, jobs_path):
        path.unlink(missing_ok=True)
    servers = [f"http://127.0.0.1:{port}" for port in PORTS]
    killed, survivor = servers[0], servers[1]
    worker_ids = [f"load-worker-{number}" for number in range(1, JOB_WORKERS + 1)]
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    print(f"Preparing the demo city in {DATABASE_URL} ...", flush=True)
    plan = prepare_city(DATABASE_URL, plan_path)
    print(
        f"  {len(plan['kube_ids'])} groups, {sum(map(len, plan['slots'].values()))} open report months "
        f"({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    env = app_env(DATABASE_URL)  # once: both servers and the workers share its SECRET_KEY
    env["KUBE_JOBS_BEAT_SECONDS"] = "5"
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    gunicorns: list[subprocess.Popen] = []
    workers: list[subprocess.Popen] = []
    locust = None
    kill_at = None
    refused_after = None
    health_at_end: dict = {}
    jobs: list[dict] = []
    job_ids: list[int] = []
    try:
        for name, port in zip("ab", PORTS, strict=True):
            gunicorns.append(start_group(gunicorn_args(port), env, OUT / f"cluster-gunicorn-{name}.log"))
        for worker_id in worker_ids:
            workers.append(
                start_group(
                    [sys.executable, "manage.py", "run_worker", "--no-reload", "--worker-id", worker_id],
                    env,
                    OUT / f"cluster-{worker_id}.log",
                )
            )
        for server in servers:
            wait_until_healthy(f"{server}/healthz")
        wait_for_workers(f"{survivor}/healthz/pekerjaan", JOB_WORKERS)
        print(
            f"2 gunicorn ({WORKERS} workers x {THREADS} threads each) on {', '.join(servers)} and "
            f"{JOB_WORKERS} job workers answer; locust: {USERS} users for {SECONDS} s",
            flush=True,
        )
        locust = subprocess.Popen(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                "10",
                "-t",
                f"{SECONDS}s",
                "--host",
                servers[0],
                "--csv",
                str(OUT / "stats-cluster"),
                "--only-summary",
                "--stop-timeout",
                "30",
                "--reset-stats",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOAD_PLAN": str(plan_path),
                "LOAD_SUBMITTED": str(submitted_path),
                "LOAD_SERVER_URLS": ",".join(servers),
                "LOAD_REQUESTS": str(requests_path),
                "LOAD_JOBS": str(jobs_path),
            },
        )
        time.sleep(SECONDS / 2)
        print(f"Killing server A ({killed}): SIGKILL to its master and workers ...", flush=True)
        kill_at = time.time()
        signal_group(gunicorns[0], signal.SIGKILL)
        gunicorns[0].wait(timeout=10)
        refused_after = refusing_after(PORTS[0], kill_at)
        locust.wait(timeout=SECONDS + 120)
        health_at_end = get_json(f"{survivor}/healthz/pekerjaan")
        setup_django(DATABASE_URL)
        job_ids = [int(line) for line in read_lines(jobs_path)]
        print(f"Waiting for the {len(job_ids)} export jobs to finish ...", flush=True)
        jobs = wait_for_jobs(job_ids, JOB_WAIT_S)
    finally:
        if locust is not None and locust.poll() is None:
            locust.terminate()
            locust.wait(timeout=30)
        for gunicorn in gunicorns:
            stop_group(gunicorn, signal.SIGTERM, grace=30)
        for worker in workers:
            stop_group(worker, signal.SIGTERM, grace=60)

    load_after = os.getloadavg()[0]
    rows = read_stats(OUT / "stats-cluster_stats.csv")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests = [json.loads(line) for line in read_lines(requests_path)]
    sorted_out = classify(requests, killed, kill_at)
    in_flight, other, retried, served = (sorted_out[key] for key in ("in_flight", "other", "retried", "served"))

    accepted = {(int(kube), period) for kube, period in (line.split() for line in read_lines(submitted_path))}
    stored = stored_reports()
    missing = accepted - stored
    cut_submits = [entry for entry in in_flight if entry["name"] == SUBMIT]
    cut_stored = sum(1 for entry in cut_submits if report_of(entry["path"]) in stored)

    from jobs.models import JobStatus

    done = [job for job in jobs if job["status"] == JobStatus.DONE]
    by_worker = Counter(job["worker_id"] for job in done)
    jobs_ok = bool(job_ids) and len(done) == len(job_ids)
    workers_ok = all(by_worker[worker_id] > 0 for worker_id in worker_ids)

    checks = {
        "server A killed, its port refusing afterwards": kill_at is not None and refused_after is not None,
        "no accepted report lost": not missing,
        "no failed request but those in flight on the killed server": not other,
        "every export job accepted was done": jobs_ok,
        "both workers did jobs": workers_ok,
    }
    verdict = all(checks.values())
    p95 = float(total["95%"])
    refusing = f"{refused_after:.2f} s" if refused_after is not None else "NEVER (5 s)"
    run_start = min((entry["start"] for entry in requests), default=kill_at or 0)
    text = (
        f"{USERS} users for {SECONDS} s against two gunicorn instances ({WORKERS} workers x {THREADS} threads "
        f"each, {', '.join(servers)}) and {JOB_WORKERS} job workers (`run_worker`), one PostgreSQL on loopback, "
        f"{len(plan['kube_ids'])} demo groups. Users pinned alternately to A and B; server A killed (SIGKILL to "
        f"master and workers) {kill_at - run_start:.0f} s into the run; its port refused connections "
        f"{refusing} later. Machine: {machine()}, shared "
        f"with locust and PostgreSQL (and whatever else runs); load average {load_before:.1f} before, "
        f"{load_after:.1f} after.\n\n"
        + summary_table(rows)
        + "\n\n"
        + f"Requests/s: {float(total['Requests/s']):.1f}. p95 {p95:.0f} ms (`make load`'s target "
        f"{P95_TARGET_MS} ms: {'met' if p95 <= P95_TARGET_MS else 'not met'}; not a check here).\n\n"
        "Requests answered, by server (whole run, sign-ins included): "
        f"A {served[(killed, 'before')]} before the kill and {served[(killed, 'after')]} after; "
        f"B {served[(survivor, 'before')]} before and {served[(survivor, 'after')]} after.\n\n"
        f"The kill: {len(in_flight)} requests in flight on A failed (connection cut)"
        + (f": {describe(in_flight)}" if in_flight else "")
        + f"; {len(retried)} requests refused by A afterwards were sent at once to B (as a load balancer "
        f"does; the request had not reached a server); so {len(in_flight) + len(retried)} users moved to B. "
        f"Of the {len(cut_submits)} report submits cut in flight, {cut_stored} had been stored before A died "
        "(the answer was lost, the report is there), the others not (the facilitator sees an error and "
        f"submits again). Other failed requests: {len(other)}" + (f" ({describe(other)})" if other else "") + ".\n\n"
        f"Reports accepted: {len(accepted)}, missing afterwards: {len(missing)}.\n\n"
        f"Export jobs accepted: {len(job_ids)}; done: {len(done)}"
        f" ({', '.join(f'{worker_id} {by_worker[worker_id]}' for worker_id in worker_ids)}); "
        f"other states: {dict(Counter(job['status'] for job in jobs if job['status'] != JobStatus.DONE)) or 'none'}. "
        f"`/healthz/pekerjaan` on B at the end: {json.dumps(health_at_end)}.\n\n"
        + "\n".join(f"- {name}: {'yes' if ok else 'NO'}" for name, ok in checks.items())
        + f"\n\nVerdict: {'all checks passed' if verdict else 'A CHECK FAILED'}.\n"
    )
    (OUT / "summary-cluster.md").write_text(text)
    print("\n" + text)
    return 0 if verdict else 1


def machine() -> str:
    """Cores, memory and the PostgreSQL server's version, for the summary."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(next(line for line in meminfo.read_text().split("\n") if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB of memory"
    return f"{os.cpu_count()} cores{memory}, PostgreSQL {postgres}"


def report_of(path: str) -> tuple[int, str] | None:
    """(group id, "YYYY-MM") from a report URL's path."""
    parts = [part for part in path.split("/") if part]
    if len(parts) >= 4 and parts[0] == "kelompok" and parts[2] == "laporan":
        return int(parts[1]), parts[3]
    return None


def describe(entries: list[dict]) -> str:
    counts = Counter(f"{entry['method']} {entry['name']}" for entry in entries)
    errors = Counter(entry["error"].split(":")[0] for entry in entries)
    return (
        ", ".join(f"{count} {name}" for name, count in counts.most_common())
        + "; errors: "
        + ", ".join(f"{count} {name}" for name, count in errors.most_common())
    )
