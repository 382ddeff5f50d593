"""The database goes away in the middle of a write: nothing partial stays, and a retry works.

A Django execute wrapper stands in for the lost connection: it lets the first writes
through and raises `OperationalError` at the k-th write statement (INSERT, UPDATE,
DELETE), as psycopg2 does when the server closes the connection. The import engine
writes its bulk rows past Django's cursor (sqlite3's own, PostgreSQL's COPY), so its
`_insert` is wrapped too and counts as one write per call. A run counts the
writes of a successful request first, and then fails at the first, a middle and the
last write in turn. Each time the database must read exactly as before, and the same
request, repeated, must succeed.
"""

import contextlib
import datetime as dt

import pytest
from django.apps import apps
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from finances.models import MonthlyReport, ReportStatus
from finances.services import line_key
from groups.models import ImportUpload, ImportUploadStatus, Kube, Membership, Person
from tests.factories import KubeFactory, MembershipFactory, OfficerFactory
from tests.test_property_forms import table_counts

WRITES = ("INSERT", "UPDATE", "DELETE")


class DatabaseGoesAway:
    """Execute wrapper: counts write statements and fails at number `fail_at` (None: never)."""

    def __init__(self, fail_at: int | None = None):
        self.fail_at = fail_at
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES):
            self.tick()
        return execute(sql, params, many, context)

    def tick(self) -> None:
        self.writes += 1
        if self.writes == self.fail_at:
            raise OperationalError("server closed the connection unexpectedly")


@contextlib.contextmanager
def database_goes_away(fail_at: int | None = None):
    """Fail at write number `fail_at`, counting Django's statements and the import engine's bulk inserts."""
    from kube_registry.importing import bulk

    injector = DatabaseGoesAway(fail_at)
    engine_insert = bulk._insert

    def insert(*args, **kwargs):
        injector.tick()
        return engine_insert(*args, **kwargs)

    bulk._insert = insert
    try:
        with connection.execute_wrapper(injector):
            yield injector
    finally:
        bulk._insert = engine_insert


def count_writes(action) -> int:
    """How many writes `action` makes when all goes well (then undone)."""
    with transaction.atomic():
        with database_goes_away() as counter:
            action()
        transaction.set_rollback(True)
    return counter.writes


def failure_points(total: int) -> list[int]:
    return sorted({point for point in (1, 2, total // 2, total) if 1 <= point <= total})


def snapshot() -> dict:
    counts = table_counts()
    counts["history"] = sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical"))
    return counts


# --- An import ---------------------------------------------------------------------------

KELOMPOK_CSV = (
    "nama_kube;kecamatan;kelurahan;tanggal_berdiri;jenis_usaha\n"
    + "".join(f"KUBE Uji {n};64.74.01;Guntung;05/08/2020;produksi\n" for n in range(1, 31))
).encode()


def upload_and_preview(client) -> ImportUpload:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("groups:import"), {"file": SimpleUploadedFile("kelompok.csv", KELOMPOK_CSV)})
    assert response.status_code == 200
    return ImportUpload.objects.latest("pk")


@pytest.mark.django_db
def test_an_import_cut_off_in_the_middle_writes_nothing_and_a_retry_succeeds():
    officer = OfficerFactory()
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    upload = upload_and_preview(client)
    assert upload.status == ImportUploadStatus.CHECKED
    apply_url = reverse("groups:import_apply", args=[upload.pk])

    total = count_writes(lambda: client.post(apply_url))
    assert total >= 3  # the groups, their history, the upload's status
    for fail_at in failure_points(total):
        before = snapshot()
        with database_goes_away(fail_at):
            response = client.post(apply_url)
        assert response.status_code == 500, fail_at
        assert snapshot() == before, f"something stayed after failing at write {fail_at} of {total}"
        upload.refresh_from_db()
        assert upload.status == ImportUploadStatus.CHECKED  # still waiting: the officer may retry

    response = client.post(apply_url)
    assert response.status_code == 302
    assert Kube.objects.count() == 30
    upload.refresh_from_db()
    assert upload.status == ImportUploadStatus.APPLIED


@pytest.mark.django_db
def test_the_import_command_cut_off_writes_nothing_and_a_retry_succeeds(tmp_path):
    from pages.workbook import import_workbook

    source = tmp_path / "anggota.csv"
    kube = KubeFactory(no_registrasi="6474-2020-001")
    rows = "".join(
        f"6474-2020-001;647401{day:02d}0890{serial:04d};Anggota {serial};L;anggota\n"
        for serial, day in zip(range(1, 13), range(1, 13), strict=True)
    )
    source.write_text("no_registrasi;nik;nama;jenis_kelamin;jabatan\n" + rows, encoding="utf-8")

    def run():
        result = import_workbook(source)
        assert result.ok, result.errors[:3]

    total = count_writes(run)
    for fail_at in failure_points(total):
        before = snapshot()
        with contextlib.suppress(OperationalError), database_goes_away(fail_at):
            import_workbook(source)
        assert snapshot() == before, f"something stayed after failing at write {fail_at} of {total}"
    run()
    assert Membership.objects.filter(kube=kube).count() == 12
    assert Person.objects.count() == 12


# --- A report submission ---------------------------------------------------------------------

MARCH = dt.date(2024, 3, 1)


@pytest.mark.django_db
def test_a_report_submission_cut_off_writes_nothing_and_a_retry_succeeds(facilitator, kube):
    members = [MembershipFactory(kube=kube) for _ in range(3)]
    url = reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": MARCH})
    data = {
        "version": 0,
        "income": "Rp 1.500.000",
        "expenses": "700.000",
        "kept_in_cash": "200.000",
        "shared_to_members": "400.000",
        "cash_in_hand": "250000",
        "cash_in_bank": "1.000.000",
        "meetings_held": "2",
        "notes": "",
        "problems": "",
        "action": "submit",
    }
    for member in members:
        data |= {line_key(member.pk, "iks_paid"): "10.000", line_key(member.pk, "meetings_attended"): "2"}
    client = Client(raise_request_exception=False)
    client.force_login(facilitator)
    with freeze_time("2024-04-05 09:00:00+08:00"):
        total = count_writes(lambda: client.post(url, data))
        assert total >= 3  # the report, its member lines, its history
        for fail_at in failure_points(total):
            before = snapshot()
            with database_goes_away(fail_at):
                response = client.post(url, data)
            assert response.status_code == 500, fail_at
            assert snapshot() == before, f"something stayed after failing at write {fail_at} of {total}"
            assert not MonthlyReport.objects.exists()

        response = client.post(url, data)
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    assert report.member_lines.count() == 3
    assert report.iks_collected == 30_000


def test_failure_points_cover_first_middle_and_last():
    assert failure_points(9) == [1, 2, 4, 9]
    assert failure_points(1) == [1]
