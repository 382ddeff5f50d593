"""What running jobs and workers say while they work: a job's progress, a worker's heartbeat.

A job's import runs in one transaction (all or nothing), so what it says about its
progress cannot travel in that transaction, or nobody would see it before the end:

- PostgreSQL: the job's own row, updated through a second connection that the worker
  opens for it and that commits each update at once; heartbeats are rows of
  `WorkerBeat`. Every web server and every worker, on any machine, reads them.
- SQLite: one writer at a time, and a running import holds it for its whole
  transaction, so nothing else may write to the database until it ends. Progress and
  heartbeats go to small JSON files in a directory beside the database file
  (KUBE_JOBS_LIVE_DIR); an SQLite registry lives on one machine anyway.

`live()` gives the one that fits the database in use.
"""

import datetime as dt
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.utils import timezone

from .models import Job, WorkerBeat

log = logging.getLogger(__name__)

# A dead worker's heartbeat is kept this long (for the queue page), then forgotten.
BEAT_KEPT = dt.timedelta(days=1)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class Progress:
    stage: str  # "validate" / "write" (an import), "export", "assess"
    sheet: str
    done: int
    total: int  # 0: not known in advance (an export)
    at: dt.datetime


@dataclass(frozen=True)
class Beat:
    worker_id: str
    hostname: str
    pid: int
    started_at: dt.datetime
    beat_at: dt.datetime


class DatabaseLive:
    """Progress in the job's row through a connection of its own; heartbeats in `WorkerBeat`."""

    def __init__(self):
        self._connection = None

    def put_progress(self, job_id: int, progress: Progress) -> None:
        # Not the ORM on the default connection: that one is inside the job's transaction.
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        ops = self._connection.ops
        fields = ("stage", "sheet", "done", "total", "progress_at")
        assignments = ", ".join(f"{ops.quote_name(Job._meta.get_field(name).column)} = %s" for name in fields)
        sql = f"UPDATE {ops.quote_name(Job._meta.db_table)} SET {assignments} WHERE {ops.quote_name('id')} = %s"
        values = [
            progress.stage,
            progress.sheet[:50],
            progress.done,
            progress.total,
            ops.adapt_datetimefield_value(progress.at),
            job_id,
        ]
        with self._connection.cursor() as cursor:
            cursor.execute(sql, values)

    def progress_of(self, job: Job) -> Progress | None:
        if job.progress_at is None:
            return None
        return Progress(job.stage, job.sheet, job.done, job.total, job.progress_at)

    def forget_progress(self, job_id: int) -> None:
        """Nothing to forget: the row holds the job's final state."""

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def beat(self, beat: Beat) -> None:
        WorkerBeat.objects.update_or_create(
            worker_id=beat.worker_id,
            defaults={
                "hostname": beat.hostname[:255],
                "pid": beat.pid,
                "started_at": beat.started_at,
                "beat_at": beat.beat_at,
            },
        )
        WorkerBeat.objects.filter(beat_at__lt=beat.beat_at - BEAT_KEPT).delete()

    def forget_worker(self, worker_id: str) -> None:
        WorkerBeat.objects.filter(worker_id=worker_id).delete()

    def beats(self) -> list[Beat]:
        return [
            Beat(b.worker_id, b.hostname, b.pid, b.started_at, b.beat_at)
            for b in WorkerBeat.objects.order_by("-beat_at")
        ]


class FileLive:
    """Progress and heartbeats as JSON files (SQLite), each replaced whole, never half-written."""

    def __init__(self, directory: Path):
        self.directory = directory

    def _path(self, kind: str, name: str) -> Path:
        return self.directory / kind / f"{_SAFE_NAME.sub('_', name)}.json"

    def _write(self, path: Path, data: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_text(json.dumps(data, default=str), encoding="utf-8")
        os.replace(temporary, path)

    @staticmethod
    def _read(path: Path) -> dict | None:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def put_progress(self, job_id: int, progress: Progress) -> None:
        self._write(self._path("progress", str(job_id)), asdict(progress))

    def progress_of(self, job: Job) -> Progress | None:
        data = self._read(self._path("progress", str(job.pk)))
        if data is None:
            return DatabaseLive().progress_of(job)
        return Progress(
            data["stage"], data["sheet"], int(data["done"]), int(data["total"]), dt.datetime.fromisoformat(data["at"])
        )

    def forget_progress(self, job_id: int) -> None:
        self._path("progress", str(job_id)).unlink(missing_ok=True)

    def close(self) -> None:
        """Nothing held open."""

    def beat(self, beat: Beat) -> None:
        self._write(self._path("workers", beat.worker_id), asdict(beat))
        for stale in self.beats():
            if stale.beat_at < beat.beat_at - BEAT_KEPT:
                self.forget_worker(stale.worker_id)

    def forget_worker(self, worker_id: str) -> None:
        self._path("workers", worker_id).unlink(missing_ok=True)

    def beats(self) -> list[Beat]:
        found = []
        for path in (self.directory / "workers").glob("*.json"):
            data = self._read(path)
            if data is not None:
                found.append(
                    Beat(
                        data["worker_id"],
                        data["hostname"],
                        int(data["pid"]),
                        dt.datetime.fromisoformat(data["started_at"]),
                        dt.datetime.fromisoformat(data["beat_at"]),
                    )
                )
        return sorted(found, key=lambda b: b.beat_at, reverse=True)


def live_dir() -> Path:
    """KUBE_JOBS_LIVE_DIR, else "jobs" beside the SQLite file (a temporary one for an in-memory database)."""
    if settings.KUBE_JOBS_LIVE_DIR:
        return Path(settings.KUBE_JOBS_LIVE_DIR)
    if connection.is_in_memory_db():
        return Path(tempfile.gettempdir()) / f"kube-jobs-{os.getpid()}"
    return Path(connection.settings_dict["NAME"]).resolve().parent / "jobs"


def live() -> DatabaseLive | FileLive:
    if connection.vendor == "sqlite":
        return FileLive(live_dir())
    return DatabaseLive()


def worker_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=float(settings.KUBE_JOBS_WORKER_TIMEOUT))


def alive_workers(beats: list[Beat], *, now: dt.datetime | None = None) -> list[Beat]:
    """The workers heard from within KUBE_JOBS_WORKER_TIMEOUT."""
    cutoff = (now or timezone.now()) - worker_timeout()
    return [beat for beat in beats if beat.beat_at >= cutoff]


def safe_put_progress(store, job_id: int, progress: Progress) -> None:
    """Progress is for the eyes only: failing to record it must never fail the job."""
    try:
        store.put_progress(job_id, progress)
    except (DatabaseError, OSError) as exc:
        log.warning("Progress of job %s not recorded: %s", job_id, exc)
