"""The queue's test tools (tests/jobs/ and the browser test tests/e2e/test_jobs.py import them).

- `run_queue()`: django-tasks-db's own worker loop (`Worker.run`, as `db_worker --batch`
  runs it) in this process, until no task is left. Fast; for what happens in a job.
- `shared_database`: the test's database made reachable by child processes. On
  PostgreSQL that is the test database itself (the test commits: transaction=True). On
  SQLite the test database lives in this process's memory, which no child can open: the
  fixture copies it to a file (SQLite's backup API) and points this process's connection
  at that file for the test, so the test, its client and the children share one database.
- `start_worker()`: `manage.py run_worker` in a child process against it; stopped (or
  found already killed) at the end of the test.
- `serve_registry()`: the site itself (`manage.py runserver`) in a child process against
  it, for the browser: pytest-django's live server shares this process's in-memory
  SQLite connection with its thread, which no worker process could reach.
"""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django_tasks_db.management.commands import db_worker


@pytest.fixture
def live_directory(settings, tmp_path):
    """Each test its own directory of live progress and heartbeats (used on SQLite)."""
    settings.KUBE_JOBS_LIVE_DIR = str(tmp_path / "live")
    settings.KUBE_JOBS_PROGRESS_SECONDS = 0
    return Path(settings.KUBE_JOBS_LIVE_DIR)


@pytest.fixture
def run_queue(monkeypatch):
    """Run every queued task with the real worker loop, here; returns how many ran."""
    # The loop closes stale connections between tasks: that would end the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        worker = db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="uji-dalam-proses",
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    return run


@dataclass
class SharedDatabase:
    url: str
    live_dir: Path
    env_overrides: dict[str, str] = field(default_factory=dict)

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        return (
            env
            | {
                "DJANGO_SETTINGS_MODULE": "kube_registry.settings.test",
                "DATABASE_URL": self.url,
                "KUBE_JOBS_LIVE_DIR": str(self.live_dir),
                "KUBE_JOBS_PROGRESS_SECONDS": "0",
                "KUBE_JOBS_BEAT_SECONDS": "0.5",
                "PYTHONUNBUFFERED": "1",
            }
            | self.env_overrides
            | overrides
        )


def _postgres_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{settings_dict.get('HOST') or '127.0.0.1'}{port}/{settings_dict['NAME']}"


@pytest.fixture
def shared_database(transactional_db, tmp_path, live_directory):
    if connection.vendor == "postgresql":
        yield SharedDatabase(url=_postgres_url(connection.settings_dict), live_dir=live_directory)
        return
    assert connection.vendor == "sqlite"
    path = tmp_path / "registri.sqlite3"
    connection.ensure_connection()
    memory_name = connection.settings_dict["NAME"]
    keeper = None
    if connection.is_in_memory_db():
        # Another handle keeps the in-memory test database alive while this connection is away.
        keeper = sqlite3.connect(memory_name, uri=True)
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    BaseDatabaseWrapper.close(connection)  # the SQLite wrapper never closes an in-memory database
    connection.settings_dict["NAME"] = str(path)
    try:
        yield SharedDatabase(url=f"sqlite:///{path}", live_dir=live_directory)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.ensure_connection()
        if keeper is not None:
            keeper.close()


class WorkerProcess:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no clean-up, no rollback by the worker itself (the database does it)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(shared_database, tmp_path):
    started: list[WorkerProcess] = []

    def start(worker_id: str = "uji", **env: str) -> WorkerProcess:
        log = tmp_path / f"worker-{worker_id}-{len(started)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "run_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.05",
                    "--worker-id",
                    worker_id,
                ],
                cwd=settings.BASE_DIR,
                env=shared_database.env(**env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(process, log)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def serve_registry(shared_database, tmp_path):
    """serve_registry(**env) -> the base URL of the site served by a child process against the shared database."""
    started: list[WorkerProcess] = []

    def serve(**env: str) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = tmp_path / f"server-{port}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=settings.BASE_DIR,
                env=shared_database.env(**env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        server = WorkerProcess(process, log)
        started.append(server)
        base = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            assert process.poll() is None, server.output
            try:
                with urlopen(f"{base}/healthz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(answers, timeout=60, every=0.1, what="the site to answer")
        return base

    yield serve
    for server in started:
        server.stop()


def wait_for(condition, *, timeout: float = 60, every: float = 0.02, what: str = "condition"):
    """Poll `condition()` until it returns something true; that value is returned."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def big_workbook(tmp_path):
    """build(groups, members) -> an .xlsx path: the benchmark's generated city (benchmarks/import_bench.py).

    Its groups name facilitators pendamping1 … pendamping40, created here.
    """
    from django.contrib.auth.models import Group, User

    from benchmarks.import_bench import FACILITATORS, generate, write_xlsx
    from kube_registry.roles import ROLE_FACILITATOR

    def build(groups: int, members: int) -> Path:
        role = Group.objects.get(name=ROLE_FACILITATOR)
        names = [f"pendamping{n}" for n in range(1, FACILITATORS + 1)]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        role.user_set.add(*User.objects.bulk_create([User(username=n) for n in names if n not in existing]))
        kelompok, anggota = generate(groups, members)
        path = tmp_path / f"registri-{groups}-{members}.xlsx"
        write_xlsx(path, {"kelompok": kelompok, "anggota": anggota})
        return path

    return build
