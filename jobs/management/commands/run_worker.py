"""`run_worker [db_worker's options]`: a worker of the job queue, with a heartbeat.

django-tasks-db's `db_worker` takes the queued tasks one at a time (SELECT … FOR UPDATE
SKIP LOCKED on PostgreSQL, so any number of workers on any number of machines share
the queue). This command is that worker plus a thread that records, every
KUBE_JOBS_BEAT_SECONDS, that the worker lives (jobs.live): `/healthz/pekerjaan` counts
the living workers, and a job whose worker fell silent is shown as interrupted.
"""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jobs.live import Beat, live

log = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    """Beats at once, then every `every` seconds until stopped; a stopped worker's beat is removed."""

    def __init__(self, worker_id: str, every: float):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.started_at = timezone.now()
        self._stopped = threading.Event()

    def beat(self) -> None:
        try:
            live().beat(Beat(self.worker_id, socket.gethostname(), os.getpid(), self.started_at, timezone.now()))
        except Exception as exc:  # a missed beat is retried; it must never stop the worker
            log.warning("Heartbeat of worker %s not recorded: %s", self.worker_id, exc)

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.every):
                self.beat()
        finally:
            connection.close()  # this thread's own

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)
        try:
            live().forget_worker(self.worker_id)
        except Exception as exc:
            log.warning("Heartbeat of worker %s not removed: %s", self.worker_id, exc)


class Command(DbWorkerCommand):
    help = (
        "Runs a worker of the job queue (django-tasks-db's db_worker, same options) and records its heartbeat "
        "every KUBE_JOBS_BEAT_SECONDS for /healthz/pekerjaan and the job pages. Run one or more per machine "
        "(docs/deploy.md); stop it with SIGTERM: it finishes the job it is running first."
    )

    def handle(self, *args, **options):
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's watching process: the worker (and its heartbeat) runs in its child.
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"], float(settings.KUBE_JOBS_BEAT_SECONDS))
        heartbeat.beat()
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
