"""The queue's pages: who sees which job, what a finished export and assessment show, the query counts."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jobs.models import Job, JobKind, JobStatus
from kube_registry.models import ExportRecord, ExportSource
from tests.factories import FAC, OTHER, KubeFactory, MembershipFactory

from .factories import ExportJobFactory, JobFactory


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), ("facilitator", 403), ("officer", 200), ("admin_user", 200)]
)
def test_the_queue_is_for_officers_and_admins(request, db, client_for, persona, status):
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(reverse("jobs:list"))
    assert response.status_code == status
    if persona is None:
        assert response["Location"].startswith(reverse("login"))


def test_a_job_is_its_owners_and_the_offices(personas, client_for):
    """A facilitator's own job is theirs; another facilitator gets 404, as for a group they may not see."""
    job = JobFactory(created_by=personas[FAC])
    for name in ("jobs:detail", "jobs:progress"):
        url = reverse(name, args=[job.pk])
        answers = {persona: client_for(user).get(url).status_code for persona, user in personas.items()}
        assert answers == {"anon": 302, "fac": 200, "other": 404, "officer": 200, "admin": 200, "norole": 404}, name
    for name in ("jobs:rerun", "jobs:download"):
        url = reverse(name, args=[job.pk])
        assert client_for(personas[OTHER]).post(url).status_code == 404
        assert client_for(personas[OTHER]).get(url).status_code == 404


def test_only_the_owner_or_an_admin_runs_a_job_again(client_for, officer, admin_user, run_queue):
    job = JobFactory(created_by=admin_user, status=JobStatus.FAILED, message="Gagal uji")
    assert client_for(officer).post(reverse("jobs:rerun", args=[job.pk])).status_code == 403
    assert client_for(officer).get(reverse("jobs:rerun", args=[job.pk])).status_code == 405
    job.created_by = officer
    job.save()
    assert client_for(officer).post(reverse("jobs:rerun", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.WAITING and job.task_id
    other = JobFactory(created_by=officer, status=JobStatus.FAILED)
    assert client_for(admin_user).post(reverse("jobs:rerun", args=[other.pk])).status_code == 302


def test_export_job_makes_the_registry_workbook_for_its_owner_recorded_at_download(
    client_for, officer, admin_user, kube, run_queue
):
    nik = MembershipFactory(kube=kube).person.nik
    client = client_for(officer)
    response = client.post(reverse("groups:export_job"))
    job = Job.objects.get()
    assert (response["Location"], job.kind, job.status) == (job.get_absolute_url(), JobKind.EXPORT, JobStatus.WAITING)
    assert run_queue() == 1
    job.refresh_from_db()
    page = client.get(job.get_absolute_url()).content.decode()
    download = reverse("jobs:download", args=[job.pk])
    assert f'href="{download}"' in page and "NIK dan nomor KK disamarkan" in page
    assert not ExportRecord.objects.exists()  # made, not handed out yet

    response = client.get(download)
    assert response["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["kelompok", "anggota"]
    anggota = workbook["anggota"]
    column = [c.value for c in anggota[1]].index("nik")
    assert [row[column] for row in anggota.iter_rows(min_row=2, values_only=True)] == [f"{nik[:4]} •••• •••• ••••"]
    record = ExportRecord.objects.get()
    assert (record.user, record.source, record.what, record.file_format, record.is_unmasked, record.group_count) == (
        officer,
        ExportSource.WEB,
        "registri",
        "xlsx",
        False,
        1,
    )
    # The office sees the job, but the file is its owner's alone.
    assert client_for(admin_user).get(job.get_absolute_url()).status_code == 200
    assert client_for(admin_user).get(download).status_code == 403


def test_an_export_file_is_kept_for_its_hours_then_deleted(client_for, officer, settings):
    settings.KUBE_EXPORT_KEEP_HOURS = 24
    job = ExportJobFactory(created_by=officer, file_expires_at=timezone.now() + dt.timedelta(hours=24))
    client = client_for(officer)
    download = reverse("jobs:download", args=[job.pk])
    assert client.get(download).status_code == 200
    with freeze_time(timezone.now() + dt.timedelta(hours=25)):
        client = client_for(officer)  # a new day, a new session
        response = client.get(download, follow=True)
        assert "sudah dihapus" in response.content.decode()
        assert "Unduh" not in client.get(job.get_absolute_url()).content.decode()
        call_command("purge_job_files", stdout=io.StringIO())
    job.refresh_from_db()
    assert bytes(job.content) == b"" and job.status == JobStatus.DONE  # the job stays as the record
    assert ExportRecord.objects.count() == 1


def test_assess_job_assesses_every_group_as_of_the_date(client_for, officer, run_queue):
    KubeFactory(founded_on=dt.date(2019, 1, 1))
    KubeFactory(founded_on=dt.date(2020, 1, 1))
    client = client_for(officer)
    response = client.post(reverse("groups:assess_job"), {"as_of": "2024-06-30"})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url() and job.params == {"as_of": "2024-06-30"}
    run_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["total"] == 2
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Penilaian per 2024-06-30: 2 KUBE dinilai" in page


def test_assess_job_refuses_a_future_date(client_for, officer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(officer).post(reverse("groups:assess_job"), {"as_of": tomorrow.isoformat()}, follow=True)
    assert "tidak boleh di masa depan" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", ["groups:export_job", "groups:assess_job"])
def test_starting_office_jobs_is_post_only_and_not_for_facilitators(client_for, facilitator, officer, name):
    assert client_for(facilitator).post(reverse(name), {"as_of": "2024-06-30"}).status_code == 403
    assert client_for(officer).get(reverse(name)).status_code == 405
    assert not Job.objects.exists()


def test_a_waiting_job_says_when_no_worker_is_there(client_for, officer):
    job = JobFactory(created_by=officer)
    state = client_for(officer).get(reverse("jobs:progress", args=[job.pk])).json()
    assert state["status"] == "menunggu" and "tidak ada pekerja yang aktif" in state["text"]


def test_the_queue_page_query_count_does_not_grow_with_jobs(client_for, officer, django_assert_num_queries):
    client = client_for(officer)
    JobFactory(created_by=officer)
    # session, user, the user's own and group permissions, the jobs' count, the page of jobs with
    # their owners and uploads, the queue's length and oldest task, the user's roles (the menu),
    # the bell's unread count; on PostgreSQL the workers' heartbeats too (files on SQLite: jobs/live.py)
    with django_assert_num_queries(9 + (connection.vendor != "sqlite")) as few:
        client.get(reverse("jobs:list"))
    for kind in (JobKind.EXPORT, JobKind.ASSESS, JobKind.IMPORT_CHECK):
        JobFactory.create_batch(3, created_by=officer, kind=kind, status=JobStatus.RUNNING)
    with django_assert_num_queries(len(few)):
        client.get(reverse("jobs:list"))


def test_a_scheduled_assessment_has_no_owner_and_is_the_offices(client_for, officer, facilitator, run_queue):
    """As a schedule queues it (the monthly assessment): no person owns it; it spans every
    city, so only a national reader's office sees it (issue 19), not one city's."""
    from groups.models import UserArea
    from jobs.services import job_enqueue
    from pages import tasks

    KubeFactory(founded_on=dt.date(2019, 1, 1))
    job = job_enqueue(task=tasks.assess_all, kind=JobKind.ASSESS, created_by=None, params={"as_of": "2024-06-30"})
    run_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["total"] == 1
    assert client_for(officer).get(job.get_absolute_url()).status_code == 404
    assert client_for(facilitator).get(job.get_absolute_url()).status_code == 404
    UserArea.objects.create(user=officer, level="nasional")
    officer.refresh_from_db()
    assert "Jadwal otomatis" in client_for(officer).get(reverse("jobs:list")).content.decode()
