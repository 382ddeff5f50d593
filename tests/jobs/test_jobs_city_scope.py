"""Issue 19: a city's jobs and exports hold that city only; another city's job is 404 on every URL.

Bontang (64.74, the installation's city: users with no area work there) and Samarinda
(64.72, loaded here) each have a group and an officer.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from groups.models import City, Kecamatan, Kelurahan, UserArea
from groups.regions import load_regions
from jobs.models import Job, JobKind, JobStatus
from tests.factories import FacilitatorFactory, KubeFactory, MembershipFactory, OfficerFactory

from .factories import ExportJobFactory, JobFactory


@pytest.fixture
def samarinda(db):
    load_regions("64.72", Kecamatan, Kelurahan)
    return City.objects.get(code="64.72")


@pytest.fixture
def smd_officer(samarinda):
    user = OfficerFactory(username="petugas_smd")
    UserArea.objects.create(user=user, level="kota", city=samarinda)
    return user


@pytest.fixture
def two_cities(samarinda, kube):
    """One group in each city, each with a member."""
    smd_kube = KubeFactory(
        no_registrasi="6472-2019-001",
        name="KUBE Palaran Jaya",
        kelurahan=Kelurahan.objects.get(code="64.72.01.1001"),
        facilitator=FacilitatorFactory(username="pendamping_smd"),
        founded_on=dt.date(2019, 1, 1),
    )
    Kube = type(kube)
    Kube.objects.filter(pk=kube.pk).update(founded_on=dt.date(2019, 1, 1))
    MembershipFactory(kube=kube, person__name="Siti Bontang", joined_on=dt.date(2019, 2, 1))
    MembershipFactory(kube=smd_kube, person__name="Rina Samarinda", joined_on=dt.date(2019, 2, 1))
    return kube, smd_kube


def job_urls(job):
    return {
        "get": [
            reverse("jobs:detail", args=[job.pk]),
            reverse("jobs:progress", args=[job.pk]),
            reverse("jobs:download", args=[job.pk]),
        ],
        "post": [reverse("jobs:rerun", args=[job.pk])],
    }


@pytest.mark.parametrize("kind", ["export", "assess", "failed_import"])
def test_another_citys_job_is_404_on_every_url(client_for, officer, smd_officer, kind):
    if kind == "export":
        job = ExportJobFactory(created_by=officer)
    elif kind == "assess":
        job = JobFactory(created_by=officer, status=JobStatus.FAILED)
    else:
        job = JobFactory(
            created_by=officer, kind=JobKind.IMPORT_CHECK, status=JobStatus.FAILED, task_path="pages.tasks.import_check"
        )
    client = client_for(smd_officer)
    urls = job_urls(job)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url).status_code == 404, url
        assert client.get(url).status_code == 404, url
    assert f"/pekerjaan/{job.pk}/" not in client.get(reverse("jobs:list")).content.decode()
    # Bontang's other officer, of the same city, still sees it (the office's queue).
    colleague = OfficerFactory(username="petugas2")
    assert client_for(colleague).get(job.get_absolute_url()).status_code == 200
    assert Job.objects.get(pk=job.pk).status == job.status


def test_a_samarinda_officers_job_is_not_bontangs(client_for, officer, smd_officer):
    job = JobFactory(created_by=smd_officer, status=JobStatus.FAILED)
    assert client_for(officer).get(job.get_absolute_url()).status_code == 404
    assert client_for(smd_officer).get(job.get_absolute_url()).status_code == 200
    reader = OfficerFactory(username="provinsi")
    UserArea.objects.create(user=reader, level="provinsi", province_code="64")
    assert client_for(reader).get(job.get_absolute_url()).status_code == 200


def sheet_rows(content: bytes, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(book[name].iter_rows(values_only=True))


def test_the_full_export_job_holds_its_owners_city_only(client_for, smd_officer, two_cities, run_queue):
    client = client_for(smd_officer)
    response = client.post(reverse("groups:export_job"))
    job = Job.objects.get(created_by=smd_officer)
    assert response["Location"] == job.get_absolute_url()
    run_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["groups"] == 1
    content = bytes(Job.objects.filter(pk=job.pk).values_list("content", flat=True).get())
    kelompok = sheet_rows(content, "kelompok")
    assert [row[0] for row in kelompok[1:]] == ["6472-2019-001"]
    anggota = sheet_rows(content, "anggota")
    assert [row[3] for row in anggota[1:]] == ["Rina Samarinda"]


def test_the_group_list_export_holds_the_users_city_only(client_for, smd_officer, officer, two_cities):
    response = client_for(smd_officer).get(reverse("groups:kube_export", args=["xlsx"]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert [row[0] for row in sheet_rows(content, "kelompok")[1:]] == ["6472-2019-001"]
    names = [row[3] for row in sheet_rows(content, "anggota")[1:]]
    assert names == ["Rina Samarinda"]
    response = client_for(officer).get(reverse("groups:kube_export", args=["csv"]))
    text = (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8-sig")
    assert "6474-" in text and "6472-" not in text


def test_an_officers_assess_all_job_assesses_their_city_only(client_for, smd_officer, two_cities, run_queue):
    from assessments.models import Assessment

    _kube, smd_kube = two_cities
    client_for(smd_officer).post(reverse("groups:assess_job"), {"as_of": "2024-06-30"})
    run_queue()
    job = Job.objects.get(created_by=smd_officer)
    assert job.status == JobStatus.DONE, job.message
    assert job.result["total"] == 1
    assert list(Assessment.objects.values_list("kube_id", flat=True)) == [smd_kube.pk]
