"""The demo city's money: Mekar Sari's real income, consistent reports, realistic patterns."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from finances.models import Grant, GrantSource, Loan, MemberLine, MonthlyReport, Product, ReportStatus
from finances.services import report_problems
from groups.demo import MEKAR_SARI_NUMBER
from groups.models import Kube, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("seed_demo", "--groups", "20", "--years", "2", "--password", "demo-uji-123", stdout=out)
    return out.getvalue()


def test_mekar_sari_reports_its_real_yearly_income(demo):
    reports = MonthlyReport.objects.count()
    assert f"{reports:,} laporan bulanan".replace(",", ".") in demo
    assert "baris anggota" in demo and "pinjaman" in demo and "produk" in demo
    kube = Kube.objects.get(no_registrasi=MEKAR_SARI_NUMBER)
    totals = dict(
        MonthlyReport.objects.filter(kube=kube, period__year__lte=2017)
        .values_list("period__year")
        .annotate(total=Sum("income"))
    )
    assert totals == {2015: 1_416_000, 2016: 11_405_000, 2017: 12_155_000}
    later = dict(
        MonthlyReport.objects.filter(kube=kube, period__year__in=(2018, 2019))
        .values_list("period__year")
        .annotate(total=Sum("income"))
    )
    assert 12_155_000 < later[2018] < later[2019]
    grant = Grant.objects.get(kube=kube, source=GrantSource.KEMENSOS)
    assert grant.amount == 20_000_000
    assert Product.objects.filter(kube=kube, ended_on__isnull=True).count() == 5


def test_reports_are_plausible_and_agree_with_their_member_lines(demo):
    lines = dict(MemberLine.objects.values_list("report").annotate(total=Sum("iks_paid")))
    for report in MonthlyReport.objects.all():
        values = {f: getattr(report, f) for f in ("income", "expenses", "kept_in_cash", "shared_to_members")}
        values |= {f: getattr(report, f) for f in ("cash_in_hand", "cash_in_bank", "meetings_held")}
        values["attendance_percent"] = report.attendance_percent
        assert report_problems(values) == {}, report
        assert report.iks_collected == lines.get(report.pk, 0), report
        if report.status == ReportStatus.VERIFIED:
            assert report.verified_by and report.first_submitted_at <= report.verified_at
    assert MonthlyReport.history.count() == MonthlyReport.objects.count()
    # The patterns the studies describe.
    kept = MonthlyReport.objects.values("kube").annotate(months=Count("pk"), kept=Sum("kept_in_cash"))
    assert any(row["kept"] == 0 and row["months"] >= 6 for row in kept)  # share out everything
    assert any(row["kept"] > 0 for row in kept)
    assert Loan.objects.filter(repaid_on__isnull=True).exists()
    assert Loan.objects.filter(amount__gt=500_000).exists()


def test_same_seed_gives_the_same_money(db):
    def run() -> list:
        call_command("seed_demo", "--groups", "3", "--years", "1", "--password", "x-123456", stdout=StringIO())
        rows = sorted(MonthlyReport.objects.values_list("kube__no_registrasi", "period", "income", "kept_in_cash"))
        rows += sorted(Loan.objects.values_list("membership__person__nik", "lent_on", "amount"))
        Kube.objects.all().delete()
        Person.objects.all().delete()
        return rows

    first = run()
    assert first and run() == first
