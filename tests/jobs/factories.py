"""Factories for jobs, built as the pages make them (queued) or as they end (done, with a file)."""

import datetime as dt
import io

import factory
from django.utils import timezone

from jobs.models import Job, JobKind, JobStatus
from kube_registry.xlsx import XlsxWriter
from tests.factories import OfficerFactory


def small_workbook() -> bytes:
    buffer = io.BytesIO()
    with XlsxWriter(buffer) as workbook:
        workbook.add_sheet("kelompok", ["no_registrasi", "nama_kube"], [["6474-2019-001", "KUBE Uji"]])
    return buffer.getvalue()


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = JobKind.ASSESS
    status = JobStatus.WAITING
    created_by = factory.SubFactory(OfficerFactory)
    task_path = "pages.tasks.assess_all"
    params = factory.LazyFunction(lambda: {"as_of": "2024-06-30"})


class ExportJobFactory(JobFactory):
    """A finished export whose file is still kept."""

    kind = JobKind.EXPORT
    status = JobStatus.DONE
    task_path = "pages.tasks.registry_export"
    params = factory.LazyFunction(dict)
    filename = "registri-kube-2024-06-30.xlsx"
    content = factory.LazyFunction(small_workbook)
    file_expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=24))
    result = factory.LazyFunction(lambda: {"rows": {"kelompok": 1}, "groups": 1, "size": 22})
