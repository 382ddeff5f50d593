"""Queue benchmark: the 160,000-row import through the job queue against the same import in the terminal.

    python -m benchmarks queue [--groups N] [--members N]

The workbook is the import benchmark's (10,000 groups + 150,000 members, cached under
var/bench/). For SQLite, and for PostgreSQL when DATABASE_URL names a server, in one run:

- the terminal: `manage.py import_registry FILE` in a child process, timed from its
  start to its end (Django's start-up included), into a fresh database;
- the queue: a real worker (`manage.py run_worker`) in a child process, and the two jobs
  the import page queues for a large file (pages/tasks.py), into another fresh
  database: the check (a dry run, for the preview), then the apply, which is the same
  import as the terminal's. Each is timed from its queueing to its end (the worker's
  pick-up and its progress records included), from the job's own timestamps.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.import_bench import FACILITATORS, ROOT, workbook_path

SETTINGS = "kube_registry.settings.test"


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONUNBUFFERED": "1"})
    return env


def _manage(url: str, *args: str) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(url), capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{completed.stdout[-2000:]}{completed.stderr[-2000:]}")
    return time.perf_counter() - started


def _child(url: str, *args: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "queue", "--child", *args, "--url", url],
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- Child processes --------------------------------------------------------------------


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def child_setup(url: str) -> dict:
    """A fresh registry: migrations, the workbook's facilitators, the admin who imports."""
    _django(url)
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from kube_registry.roles import ROLE_ADMIN, ROLE_FACILITATOR

    call_command("migrate", verbosity=0)
    role = Group.objects.get(name=ROLE_FACILITATOR)
    users = User.objects.bulk_create([User(username=f"pendamping{n}") for n in range(1, FACILITATORS + 1)])
    role.user_set.add(*users)
    admin = User.objects.create(username="bench", is_superuser=True, is_staff=True)
    admin.groups.add(Group.objects.get(name=ROLE_ADMIN))
    return {"ok": True}


def _wait(job_id: int, timeout: float = 1_800) -> dict:
    from jobs.models import Job, JobStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.defer("content").get(pk=job_id)
        if job.status in {JobStatus.DONE, JobStatus.FAILED}:
            return {
                "status": job.status,
                "message": job.message,
                "queued_to_end": (job.finished_at - job.created_at).total_seconds(),
                "start_to_end": (job.finished_at - job.started_at).total_seconds(),
                "pick_up": (job.started_at - job.created_at).total_seconds(),
                "summary": job.result.get("summary", ""),
                "upload_id": job.upload_id,
            }
        time.sleep(0.1)
    raise RuntimeError(f"job {job_id} did not finish in {timeout} s")


def child_queue(url: str, path: Path) -> dict:
    """Queue the check, then the apply, as the import page does for a large file; a worker runs them."""
    _django(url)
    from django.contrib.auth.models import User

    from groups.models import ImportUpload, Kube, Person
    from jobs.models import JobKind
    from jobs.services import job_enqueue
    from pages import tasks

    admin = User.objects.get(username="bench")
    check = job_enqueue(
        task=tasks.import_check,
        kind=JobKind.IMPORT_CHECK,
        created_by=admin,
        filename=path.name,
        content=path.read_bytes(),
    )
    checked = _wait(check.pk)
    if checked["status"] != "selesai":
        raise RuntimeError(f"check failed: {checked['message']}")
    upload = ImportUpload.objects.get(pk=checked["upload_id"])
    apply = job_enqueue(task=tasks.import_apply, kind=JobKind.IMPORT_APPLY, created_by=admin, upload=upload)
    applied = _wait(apply.pk)
    return {"check": checked, "apply": applied, "stored": [Kube.objects.count(), Person.objects.count()]}


def child_count(url: str) -> dict:
    _django(url)
    from groups.models import Kube, Person

    return {"stored": [Kube.objects.count(), Person.objects.count()]}


# --- The run -------------------------------------------------------------------------------


def _databases(backend: str, tmp: Path) -> tuple[list[str], callable]:
    """Two fresh databases (the terminal's, the queue's) and a function that drops them."""
    if backend == "sqlite":
        return [f"sqlite:///{tmp}/terminal.sqlite3", f"sqlite:///{tmp}/queue.sqlite3"], lambda: None
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    connect = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    connection = psycopg2.connect(**{k: v for k, v in connect.items() if v})
    connection.autocommit = True
    names = [f"kube_bench_{os.getpid()}_{which}" for which in ("terminal", "queue")]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return [f"{base}/{name}" for name in names], drop


def measure(backend: str, path: Path) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="kube-queue-bench-"))
    (terminal_url, queue_url), drop = _databases(backend, tmp)
    worker = None
    try:
        for url in (terminal_url, queue_url):
            _child(url, "setup")
        startup_seconds = _manage(terminal_url, "check")  # Django's start-up and system checks, nothing else
        terminal_seconds = _manage(terminal_url, "import_registry", str(path), "--user", "bench")
        terminal_stored = _child(terminal_url, "count")["stored"]
        log = (tmp / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=_env(queue_url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        queued = _child(queue_url, "queue", "--file", str(path))
        return {
            "terminal_seconds": terminal_seconds,
            "startup_seconds": startup_seconds,
            "terminal_stored": terminal_stored,
            **queued,
        }
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks queue", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=150_000)
    parser.add_argument("--child", choices=["setup", "queue", "count"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        figures = {
            "setup": lambda: child_setup(args.url),
            "queue": lambda: child_queue(args.url, Path(args.file)),
            "count": lambda: child_count(args.url),
        }[args.child]()
        print(json.dumps(figures))
        return 0

    path = workbook_path(args.groups, args.members)
    rows = args.groups + args.members
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else [])
    print(f"workbook: {path.name}, {rows:,} rows", flush=True)
    failed = False
    for backend in backends:
        f = measure(backend, path)
        apply, check = f["apply"], f["check"]
        same = f["stored"] == f["terminal_stored"] == [args.groups, args.members]
        failed |= not (same and apply["status"] == "selesai")
        print(
            f"[{backend}] terminal (import_registry): {f['terminal_seconds']:.1f} s "
            f"= {rows / f['terminal_seconds']:,.0f} rows/s, of which Django's start-up {f['startup_seconds']:.1f} s",
            flush=True,
        )
        print(
            f"[{backend}] queue, apply job (the same import): {apply['queued_to_end']:.1f} s from queueing "
            f"(picked up after {apply['pick_up']:.1f} s, ran {apply['start_to_end']:.1f} s) "
            f"= {rows / apply['queued_to_end']:,.0f} rows/s; "
            f"{apply['queued_to_end'] / f['terminal_seconds']:.2f}x the terminal",
            flush=True,
        )
        print(
            f"[{backend}] queue, check job (the preview's dry run): {check['queued_to_end']:.1f} s; "
            f"upload to applied, both jobs: {check['queued_to_end'] + apply['queued_to_end']:.1f} s",
            flush=True,
        )
        print(
            f"[{backend}] stored: terminal {f['terminal_stored']}, queue {f['stored']}"
            + ("" if same else " - MISMATCH"),
            flush=True,
        )
    return 1 if failed else 0
