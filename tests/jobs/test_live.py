"""What running jobs say while they work: progress (throttled, outside the job's transaction) and heartbeats."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from jobs.live import Beat, DatabaseLive, FileLive, Progress, alive_workers, live
from jobs.selectors import job_is_interrupted, progress_text
from jobs.services import ProgressReporter

from .factories import JobFactory


def test_progress_is_recorded_at_most_every_interval_but_always_at_a_new_sheet_or_its_end(db, tmp_path):
    store = FileLive(tmp_path)
    job = JobFactory()
    report = ProgressReporter(job.pk, store=store, every=3600)
    report("validate", "kelompok", 2_000, 10_000)
    report("validate", "kelompok", 4_000, 10_000)  # within the interval: skipped
    assert store.progress_of(job).done == 2_000
    report("validate", "anggota", 2_000, 90_000)  # another sheet: recorded
    assert (store.progress_of(job).sheet, store.progress_of(job).done) == ("anggota", 2_000)
    report("validate", "anggota", 90_000, 90_000)  # the sheet's end: recorded
    assert store.progress_of(job).done == 90_000
    store.forget_progress(job.pk)
    assert store.progress_of(job) is None


def test_progress_reads_as_the_page_says_it():
    at = timezone.now()
    assert progress_text(Progress("validate", "anggota", 1_200, 5_000, at)) == (
        "Memeriksa · lembar anggota, baris 1.200 dari 5.000"
    )
    export = Progress("export", "anggota", 45_000, 0, at)
    assert progress_text(export) == "Menulis berkas · lembar anggota, 45.000 baris"
    assert progress_text(Progress("assess", "", 3_000, 10_000, at)) == "Menilai · 3.000 dari 10.000"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_on_postgresql_is_committed_outside_the_jobs_transaction():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer, held by the running import: its progress goes to files (FileLive)")
    job = JobFactory()
    store = DatabaseLive()
    with transaction.atomic():
        store.put_progress(job.pk, Progress("write", "anggota", 4_000, 9_000, timezone.now()))
        transaction.set_rollback(True)  # the import failing: its own writes vanish, not its progress
    store.close()
    job.refresh_from_db()
    assert (job.stage, job.sheet, job.done, job.total) == ("write", "anggota", 4_000, 9_000)


def test_heartbeats_say_which_workers_live(db):
    store = live()
    now = timezone.now()
    store.beat(Beat("hidup", "mesin-a", 10, now, now))
    store.beat(Beat("diam", "mesin-b", 11, now - dt.timedelta(minutes=5), now - dt.timedelta(minutes=3)))
    assert [b.worker_id for b in alive_workers(store.beats(), now=now)] == ["hidup"]
    store.forget_worker("hidup")
    assert [b.worker_id for b in store.beats()] == ["diam"]


def test_a_running_job_is_interrupted_when_its_worker_falls_silent(db, settings):
    settings.KUBE_JOBS_WORKER_TIMEOUT = 120
    now = timezone.now()
    long_ago = now - dt.timedelta(minutes=10)
    job = JobFactory(status="berjalan", worker_id="pekerja-1", started_at=long_ago)
    store = live()
    assert job_is_interrupted(job, now=now)
    store.beat(Beat("pekerja-1", "mesin", 1, long_ago, now - dt.timedelta(seconds=30)))
    assert not job_is_interrupted(job, now=now)
    assert job_is_interrupted(job, now=now + dt.timedelta(minutes=3))
    # Restarted under the same id after the job started: its beats vouch for the new run only.
    store.beat(Beat("pekerja-1", "mesin", 2, now - dt.timedelta(minutes=1), now))
    assert job_is_interrupted(job, now=now)
