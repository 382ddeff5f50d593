"""The real worker (`manage.py run_worker`) in a child process, against the test's own database.

On PostgreSQL the child opens the test database; on SQLite the `shared_database` fixture
moves the test's in-memory database to a file both processes open (tests/jobs/conftest.py).
This process is "the second process": it follows the job through its pages while the
child works.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from groups.models import ImportUpload, ImportUploadStatus, Kube, Membership, Person
from jobs.live import live
from jobs.models import Job, JobKind, JobStatus

from .fixtures import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GROUPS, MEMBERS = 1_000, 11_000  # 12,000 rows: six blocks of 2,000 per stage
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_big(client, path):
    content = path.read_bytes()
    response = client.post(reverse("groups:import"), {"file": SimpleUploadedFile(path.name, content, XLSX)})
    assert response.status_code == 302, response.content[:2000]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def follow(client, job, *, until, seen):
    """Poll the job's progress endpoint, as its page does, recording every state seen."""

    def step():
        state = client.get(reverse("jobs:progress", args=[job.pk])).json()
        if not seen or seen[-1] != state:
            seen.append(state)
        return until(state) and state

    return wait_for(step, timeout=120, what=f"job {job.pk}")


def test_progress_is_seen_from_another_process_while_the_worker_runs(
    shared_database, start_worker, big_workbook, client_for, admin_user
):
    client = client_for(admin_user)
    job = upload_big(client, big_workbook(GROUPS, MEMBERS))
    worker = start_worker()
    seen: list[dict] = []
    follow(client, job, until=lambda s: s["is_finished"], seen=seen)
    running = [s for s in seen if s["status"] == "berjalan" and s["total"]]
    assert running, (seen, worker.output)
    # Part-way: a sheet and a row, of a total, in the page's own words.
    assert any(0 < s["done"] < s["total"] for s in running), seen
    middle = next(s for s in running if 0 < s["done"] < s["total"])
    assert middle["sheet"] in {"kelompok", "anggota"} and f"lembar {middle['sheet']}, baris" in middle["text"]
    assert {s["stage"] for s in running} <= {"validate", "write"}
    assert seen[-1]["status"] == "selesai", (seen[-1], worker.output)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Semua baris valid" in page and "Terapkan impor" in page
    assert not Kube.objects.exists()


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_runs_again(
    shared_database, start_worker, big_workbook, client_for, admin_user, settings
):
    settings.KUBE_JOBS_WORKER_TIMEOUT = 1  # this process judges a silent worker dead after a second
    client = client_for(admin_user)
    check = upload_big(client, big_workbook(GROUPS, MEMBERS))
    first = start_worker("pertama")
    follow(client, check, until=lambda s: s["is_finished"], seen=[])
    upload = ImportUpload.objects.get()
    client.post(reverse("groups:import_apply", args=[upload.pk]))
    job = Job.objects.get(kind=JobKind.IMPORT_APPLY)

    # Killed while writing: part of the rows are written inside the import's transaction.
    seen: list[dict] = []
    follow(client, job, until=lambda s: s["stage"] == "write" and 0 < s["done"] < s["total"], seen=seen)
    first.kill()
    assert not Kube.objects.exists() and not Person.objects.exists() and not Membership.objects.exists()
    upload.refresh_from_db()
    assert upload.status == ImportUploadStatus.CHECKED and bytes(upload.content)

    # No sign of life from its worker: the page says the job was interrupted and offers to run it again.
    state = follow(client, job, until=lambda s: s["is_interrupted"], seen=seen)
    assert state["status_label"] == "Terputus"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Terputus" in page and "Jalankan lagi" in page
    job.refresh_from_db()
    killed_task = job.task_id
    client.post(reverse("jobs:rerun", args=[job.pk]))
    # The dead worker's task no longer counts as running in the queue.
    assert DBTaskResult.objects.get(id=killed_task).status == "FAILED"

    second = start_worker("kedua")
    state = follow(client, job, until=lambda s: s["is_finished"], seen=seen)
    assert state["status"] == "selesai", (state, second.output)
    job.refresh_from_db()
    assert job.attempts == 2 and job.worker_id == "kedua"
    assert Kube.objects.count() == GROUPS and Person.objects.count() == MEMBERS
    upload.refresh_from_db()
    assert upload.status == ImportUploadStatus.APPLIED
    assert "Impor selesai" in client.get(job.get_absolute_url()).content.decode()


def test_healthz_counts_living_workers_and_waiting_work(shared_database, start_worker, client_for, admin_user):
    client = client_for(admin_user)
    assert client.get(reverse("healthz_jobs")).json()["workers_alive"] == 0
    # Work waits and nobody takes it: unhealthy.
    response = client.post(reverse("groups:export_job"))
    assert response.status_code == 302
    health = client.get(reverse("healthz_jobs"))
    assert health.status_code == 503 and health.json()["queue_length"] == 1
    worker = start_worker("sehat")
    job = Job.objects.get()
    follow(client, job, until=lambda s: s["is_finished"], seen=[])
    health = client.get(reverse("healthz_jobs"))
    assert health.status_code == 200, worker.output
    assert health.json()["workers_alive"] == 1 and health.json()["queue_length"] == 0
    # Stopped cleanly (SIGTERM), a worker takes its heartbeat with it.
    worker.stop()
    assert worker.process.returncode == 0, worker.output
    assert [b.worker_id for b in live().beats()] == []
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.worker_id == "sehat"
