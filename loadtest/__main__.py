"""`make load` / `python -m loadtest`: the registry under 50 simultaneous users.

1. A fresh demo city in PostgreSQL (LOAD_DATABASE_URL, default the `kube_load` database
   on 127.0.0.1), assessed, with the last six months' reports removed so facilitators
   have months to submit.
2. gunicorn serves it with the production settings on 127.0.0.1:LOAD_PORT (plain HTTP
   on loopback, so the secure-cookie and HTTPS-redirect settings are turned off).
3. locust runs loadtest/locustfile.py headless: LOAD_USERS (50) users for LOAD_SECONDS
   (120), arriving 10 a second; the figures count from the moment all are signed in
   (--reset-stats). Half-way through gunicorn is told to reload (SIGHUP: new workers, the old ones
   finish their requests), as an upgrade would.
4. The figures are printed and written to var/load/summary.md; then every report the
   server accepted is looked up in the database. Exit status 1 when a request failed,
   the 95th percentile is over LOAD_P95_MS (500), or an accepted report is missing.

Only loopback addresses are used; the run stops by itself.

`python -m loadtest --cluster` (`make load-cluster`, or LOAD_SERVERS=2) runs the cluster
variant instead: two gunicorn instances and two job workers against one database, one
server killed half-way (loadtest/cluster.py).
"""

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "load"

DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kube_load")
PORT = int(os.environ.get("LOAD_PORT", "8001"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "120"))
P95_TARGET_MS = int(os.environ.get("LOAD_P95_MS", "500"))
WORKERS = os.environ.get("LOAD_WORKERS", "4")
THREADS = os.environ.get("LOAD_THREADS", "2")


def app_env(database_url: str = DATABASE_URL) -> dict:
    """The production settings on loopback; one call per run: every server must share its SECRET_KEY."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "kube_registry.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "ERROR",
    }


def wait_until_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the app did not answer on {url}")


def read_stats(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def summary_table(rows: list[dict]) -> str:
    lines = [
        "| request | count | failed | median ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = "**all requests**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} "
            f"| {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    return "\n".join(lines)


def setup_django(database_url: str = DATABASE_URL) -> None:
    """Django in this process, on the load database (to check what was stored)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kube_registry.settings.base")
    import django

    django.setup()


def stored_reports() -> set[tuple[int, str]]:
    """(group id, "YYYY-MM") of every submitted report in the database."""
    from finances.models import MonthlyReport, ReportStatus

    return {
        (kube_id, f"{period:%Y-%m}")
        for kube_id, period in MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED).values_list(
            "kube_id", "period"
        )
    }


def lost_reports(submitted_path: Path, database_url: str = DATABASE_URL) -> tuple[int, int]:
    """(accepted, missing): reports the server answered with a redirect, and those not stored."""
    setup_django(database_url)
    accepted = set()
    if submitted_path.exists():
        for line in submitted_path.read_text().split("\n"):
            if line.strip():
                kube_pk, period = line.split()
                accepted.add((int(kube_pk), period))
    return len(accepted), len(accepted - stored_reports())


def prepare_city(database_url: str, plan_path: Path) -> dict:
    """A fresh demo city in the load database (loadtest/prepare.py, in its own process); the plan."""
    prepare_env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "kube_registry.settings.base"}
    prepare_code = f"from pathlib import Path; from loadtest import prepare; prepare.main(Path({str(plan_path)!r}))"
    subprocess.run([sys.executable, "-c", prepare_code], cwd=ROOT, env=prepare_env, check=True)
    return json.loads(plan_path.read_text())


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    plan_path, submitted_path = OUT / "plan.json", OUT / "submitted.txt"
    submitted_path.unlink(missing_ok=True)
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    print(f"Preparing the demo city in {DATABASE_URL} ...", flush=True)
    plan = prepare_city(DATABASE_URL, plan_path)
    print(
        f"  {len(plan['kube_ids'])} groups, {sum(map(len, plan['slots'].values()))} open report months "
        f"({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    env = app_env()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kube_registry.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            WORKERS,
            "--threads",
            THREADS,
            "--timeout",
            "120",
            "--log-level",
            "warning",
            # No keep-alive, as behind nginx (HTTP/1.0 to the upstream by default): a kept
            # connection to a worker that the reload retires would be cut under the client.
            "--keep-alive",
            "0",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{PORT}/healthz")
        print(
            f"gunicorn ({WORKERS} workers x {THREADS} threads) answers; locust: {USERS} users for {SECONDS} s",
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
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(OUT / "stats"),
                "--only-summary",
                "--stop-timeout",
                "30",
                # Figures from the moment all users are in: each sign-in (PBKDF2, about
                # 1 s of CPU by design) happens once, while they arrive.
                "--reset-stats",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_SUBMITTED": str(submitted_path)},
        )
        time.sleep(SECONDS / 2)
        print("Reloading gunicorn under load (SIGHUP) ...", flush=True)
        gunicorn.send_signal(signal.SIGHUP)
        locust.wait(timeout=SECONDS + 120)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=60)

    load_after = os.getloadavg()[0]
    rows = read_stats(OUT / "stats_stats.csv")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    accepted, missing = lost_reports(submitted_path)
    failures, p95 = int(total["Failure Count"]), float(total["95%"])
    verdict = failures == 0 and p95 <= P95_TARGET_MS and missing == 0
    text = (
        f"{USERS} users for {SECONDS} s against gunicorn ({WORKERS} workers x {THREADS} threads), "
        f"PostgreSQL on loopback, {len(plan['kube_ids'])} demo groups; gunicorn reloaded half-way. "
        f"Machine: {os.cpu_count()} cores shared with locust and PostgreSQL (and whatever else runs); "
        f"load average {load_before:.1f} before, {load_after:.1f} after.\n\n"
        + summary_table(rows)
        + f"\n\nRequests/s: {float(total['Requests/s']):.1f}. Failed requests: {failures}. "
        f"p95 {p95:.0f} ms (target {P95_TARGET_MS}). Reports accepted: {accepted}, missing afterwards: {missing}. "
        f"Verdict: {'target met' if verdict else 'TARGET NOT MET'}.\n"
    )
    (OUT / "summary.md").write_text(text)
    print("\n" + text)
    return 0 if verdict else 1


def wants_cluster(argv: list[str]) -> bool:
    return "--cluster" in argv or int(os.environ.get("LOAD_SERVERS", "1") or "1") >= 2


if __name__ == "__main__":
    if wants_cluster(sys.argv[1:]):
        from loadtest import cluster

        sys.exit(cluster.main())
    sys.exit(main())
