"""An import above KUBE_IMPORT_JOB_ROWS, through the pages and the real worker loop (run in this process).

Upload -> the job's page (waiting, its progress) -> the worker checks -> the same preview
-> apply -> a second job -> the worker applies -> "Impor selesai". Below the limit the
pages work as before (tests/groups/test_views_import.py).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import ImportUpload, ImportUploadStatus, Kube, Person
from jobs.models import Job, JobKind, JobStatus
from tests.factories import MembershipFactory, make_nik
from tests.workbooks import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NIK = make_nik(sex="P", birth_on=dt.date(1980, 5, 17), serial=55)


def registry_file(*, kelurahan="Guntung", jabatan="ketua", groups=("KUBE Sinar Laut",)):
    content = workbook_bytes(
        {
            "kelompok": [
                ["nama_kube", "kecamatan", "kelurahan", "tanggal_berdiri", "jenis_usaha"],
                *[[name, "Bontang Utara", kelurahan, "12 Agustus 2019", "jasa"] for name in groups],
            ],
            "anggota": [
                ["no_registrasi", "nik", "nama", "jenis_kelamin", "jabatan"],
                ["6474-2019-001", NIK, "Wati", "P", jabatan],
            ],
        }
    )
    return SimpleUploadedFile("registri.xlsx", content, content_type=XLSX)


@pytest.fixture(autouse=True)
def small_job_limit(settings):
    settings.KUBE_IMPORT_JOB_ROWS = 1  # a two-row file goes through the queue


def upload(client, file):
    return client.post(reverse("groups:import"), {"file": file})


def test_a_file_above_the_limit_becomes_a_job_checked_then_applied_by_the_worker(client_for, officer, run_queue):
    client = client_for(officer)
    response = upload(client, registry_file())
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.filename, job.created_by) == (
        JobKind.IMPORT_CHECK,
        JobStatus.WAITING,
        "registri.xlsx",
        officer,
    )
    assert not ImportUpload.objects.exists()  # the file waits with its job until checked
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in page and 'data-job-progress="' in page
    assert client.get(reverse("jobs:progress", args=[job.pk])).json()["status"] == "menunggu"

    assert run_queue() == 1
    response = client.get(job.get_absolute_url())
    page = response.content.decode()
    assert "Pratinjau impor" in page and "Semua baris valid" in page and "Terapkan impor" in page
    result = response.context["result"]
    assert (result.sheets["kelompok"].created, result.sheets["anggota"].created) == (1, 1)
    assert not Kube.objects.exists()  # the check wrote nothing
    checked = ImportUpload.objects.get()
    assert checked.status == ImportUploadStatus.CHECKED and bytes(checked.content)
    job.refresh_from_db()
    assert (job.status, job.upload, bytes(job.content)) == (JobStatus.DONE, checked, b"")

    response = client.post(reverse("groups:import_apply", args=[checked.pk]))
    apply_job = Job.objects.get(kind=JobKind.IMPORT_APPLY)
    assert response["Location"] == apply_job.get_absolute_url()
    # A second click finds the job already queued, and queues nothing more.
    assert client.post(reverse("groups:import_apply", args=[checked.pk]))["Location"] == apply_job.get_absolute_url()
    assert not Kube.objects.exists()

    assert run_queue() == 1
    page = client.get(apply_job.get_absolute_url()).content.decode()
    assert "Impor selesai" in page
    kube = Kube.objects.get()
    assert (kube.name, kube.no_registrasi) == ("KUBE Sinar Laut", "6474-2019-001")
    assert kube.memberships.get().person.nik == NIK
    assert kube.history.get().history_user == officer
    checked.refresh_from_db()
    assert checked.status == ImportUploadStatus.APPLIED and not bytes(checked.content)


def test_errors_found_by_the_worker_show_on_the_same_preview_without_apply(client_for, officer, run_queue):
    client = client_for(officer)
    upload(client, registry_file(kelurahan="Tanjung Laut", jabatan="raja"))
    run_queue()
    job = Job.objects.get()
    response = client.get(job.get_absolute_url())
    page = response.content.decode()
    errors = {(e.sheet, e.row, e.column) for e in response.context["result"].errors}
    assert {("kelompok", 2, "kelurahan"), ("anggota", 2, "jabatan")} <= errors
    assert f"{len(errors)} kesalahan ditemukan" in page and 'id="import-errors"' in page
    assert "Terapkan impor" not in page
    assert ImportUpload.objects.get().status == ImportUploadStatus.REJECTED
    assert not Kube.objects.exists() and not Person.objects.exists()


def test_a_registry_changed_since_the_preview_fails_the_apply_job_and_says_why(client_for, officer, run_queue):
    client = client_for(officer)
    upload(client, registry_file())
    run_queue()
    checked = ImportUpload.objects.get()
    client.post(reverse("groups:import_apply", args=[checked.pk]))
    # Meanwhile the file's member joins another group: one person, one active group.
    MembershipFactory(person__nik=NIK)
    run_queue()
    job = Job.objects.get(kind=JobKind.IMPORT_APPLY)
    assert job.status == JobStatus.FAILED
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Registri berubah sejak pratinjau" in page and 'id="import-errors"' in page
    assert Kube.objects.count() == 1 and Person.objects.count() == 1
    assert ImportUpload.objects.get().status == ImportUploadStatus.REJECTED


def test_a_refused_file_fails_its_job_with_the_reason(client_for, officer, run_queue, settings):
    client = client_for(officer)
    upload(client, registry_file(groups=["KUBE Satu", "KUBE Dua", "KUBE Tiga"]))
    settings.KUBE_IMPORT_MAX_ROWS = 2  # changed after the upload: the worker refuses the file
    run_queue()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "Berkas ditolak" in job.message and "lebih dari 2 baris" in job.message
    assert "Berkas ditolak" in client.get(job.get_absolute_url()).content.decode()
    assert not ImportUpload.objects.exists()


def test_a_failed_job_runs_again_and_succeeds(client_for, officer, run_queue, settings):
    client = client_for(officer)
    upload(client, registry_file(groups=["KUBE Satu", "KUBE Dua", "KUBE Tiga"]))
    settings.KUBE_IMPORT_MAX_ROWS = 2
    run_queue()
    job = Job.objects.get()
    settings.KUBE_IMPORT_MAX_ROWS = 1000
    response = client.post(reverse("jobs:rerun", args=[job.pk]))
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.WAITING, "")
    run_queue()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    assert job.result["sheets"]["kelompok"][0] == 3


def test_a_done_job_is_not_run_again(client_for, officer, run_queue):
    client = client_for(officer)
    upload(client, registry_file())
    run_queue()
    job = Job.objects.get()
    response = client.post(reverse("jobs:rerun", args=[job.pk]), follow=True)
    assert "tidak dapat dijalankan lagi" in response.content.decode()
    assert run_queue() == 0
