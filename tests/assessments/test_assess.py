"""Assessing stored groups: facts gathered from the registry, the `assess` command, re-runs."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import rubric
from assessments.facts import gather
from assessments.models import Assessment
from assessments.services import assessment_judge, assessment_run_all
from finances.models import ReportStatus
from groups.models import Kube, KubeStatus, Role
from partnerships.models import PartnerKind
from tests.factories import KubeFactory, MembershipFactory
from tests.finances.factories import AssetFactory, LoanFactory, MonthlyReportFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory

AS_OF = dt.date(2024, 12, 31)
pytestmark = pytest.mark.django_db


def healthy(kube: Kube) -> Kube:
    """Five members with the three officers, 2023-2024 verified reports with growth, three partners, an asset."""
    for role in (Role.KETUA, Role.SEKRETARIS, Role.BENDAHARA, Role.ANGGOTA, Role.ANGGOTA):
        MembershipFactory(kube=kube, role=role, joined_on=dt.date(2020, 4, 1))
    for year, income in ((2023, 1_000_000), (2024, 2_000_000)):
        for month in range(1, 13):
            MonthlyReportFactory(
                kube=kube,
                period=dt.date(year, month, 1),
                status=ReportStatus.VERIFIED,
                income=income,
                expenses=800_000,
                kept_in_cash=100_000,
                iks_collected=50_000,
                cash_in_hand=100_000 * month + (year - 2023) * 1_200_000,
                cash_in_bank=0,
            )
    PartnershipFactory(kube=kube, has_pemasaran=True)
    PartnershipFactory(kube=kube)
    PartnershipFactory(kube=kube)
    AssetFactory(kube=kube, acquired_on=dt.date(2021, 1, 10))
    return kube


def stored(kube: Kube, as_of: dt.date = AS_OF) -> Assessment:
    return Assessment.objects.get(kube=kube, as_of=as_of)


def assess(*args) -> str:
    out = io.StringIO()
    call_command("assess", *args, stdout=out)
    return out.getvalue()


def test_assess_one_group_stores_the_result_and_prints_counts(kube):
    healthy(kube)
    output = assess("--group", kube.no_registrasi, "--as-of", "2024-12-31")
    assert output.splitlines() == [
        "Penilaian per 2024-12-31: 1 KUBE dinilai (rubrik Registri KUBE v1).",
        "tumbuh: 0",
        "berkembang: 1",
        "mandiri: 0",
    ]
    result = stored(kube)
    assert (result.computed_category, result.final_category) == ("berkembang", "berkembang")
    assert result.missing == ["belum membentuk LKM/koperasi atau bermitra permodalan dengan lembaga keuangan"]
    assert result.score == 85  # lembaga keuangan 0: 15 points short
    assert result.thresholds == rubric.Thresholds().as_dict()
    assert result.rubric_version == "v1"
    levels = {i["key"]: i["level"] for i in result.indicators}
    assert levels == {
        "administrasi": 2,
        "organisasi": 2,
        "usaha": 2,
        "pemasaran": 2,
        "aset": 2,
        "akses_sumber": 2,
        "lembaga_keuangan": 0,
        "usia": None,
    }


def test_a_finance_institution_makes_it_mandiri(kube):
    healthy(kube)
    lender = PartnerFactory(kind=PartnerKind.LEMBAGA_KEUANGAN)
    PartnershipFactory(kube=kube, partner=lender, has_permodalan=True, started_on=dt.date(2024, 6, 1))
    assess("--group", kube.no_registrasi, "--as-of", "2024-12-31")
    assert stored(kube).computed_category == "mandiri"
    # ... but not before the partnership began
    assess("--group", kube.no_registrasi, "--as-of", "2024-05-31")
    assert stored(kube, dt.date(2024, 5, 31)).computed_category == "berkembang"


def test_data_dated_after_the_as_of_date_is_ignored(kube):
    healthy(kube)
    assessment_run_all(kubes=Kube.objects.all(), as_of=AS_OF)
    before = stored(kube)
    later = dt.date(2025, 1, 20)
    MonthlyReportFactory(kube=kube, period=dt.date(2025, 1, 1), status=ReportStatus.VERIFIED, income=0)
    MembershipFactory(kube=kube, joined_on=later)
    member = MembershipFactory(kube=kube, joined_on=dt.date(2020, 4, 1))
    member.left_on = later
    member.leave_reason = "pindah"
    member.save()
    LoanFactory(membership=member, lent_on=dt.date(2025, 1, 5), due_on=dt.date(2025, 1, 6))
    AssetFactory(kube=kube, acquired_on=later, value=99_000_000)
    PartnershipFactory(kube=kube, started_on=later, has_permodalan=True)
    lender = PartnerFactory(kind=PartnerKind.LEMBAGA_KEUANGAN)
    PartnershipFactory(kube=kube, partner=lender, has_permodalan=True, started_on=later)
    Kube.objects.filter(pk=kube.pk).update(financial_institution="koperasi", financial_institution_on=later)
    # the member who left later was a member on the as-of date: six then, five a year before
    assessment_run_all(kubes=Kube.objects.all(), as_of=AS_OF)
    after = stored(kube)
    organisasi = next(i for i in after.indicators if i["key"] == "organisasi")
    assert "anggota aktif 6 (setahun sebelumnya 6)" in organisasi["evidence"]
    assert [i for i in after.indicators if i["key"] != "organisasi"] == [
        i for i in before.indicators if i["key"] != "organisasi"
    ]
    assert (after.computed_category, after.flags) == (before.computed_category, before.flags)


def test_drafts_are_not_reports_yet(kube):
    healthy(kube)
    MonthlyReportFactory(kube=kube, period=dt.date(2025, 1, 1), status=ReportStatus.DRAFT)
    facts = gather(Kube.objects.all(), dt.date(2025, 1, 31), rubric.Thresholds())[kube.pk]
    assert max(r.period for r in facts.reports) == dt.date(2024, 12, 1)


def test_facts_for_many_groups_take_as_many_queries_as_for_one(facilitator):
    first = healthy(KubeFactory(facilitator=facilitator))
    with CaptureQueriesContext(connection) as one:
        gather(Kube.objects.filter(pk=first.pk), AS_OF, rubric.Thresholds())
    for _ in range(4):
        healthy(KubeFactory(facilitator=facilitator))
    with CaptureQueriesContext(connection) as five:
        facts = gather(Kube.objects.all(), AS_OF, rubric.Thresholds())
    assert len(facts) == 5
    assert len(five) == len(one) == 10


def test_rerun_replaces_the_computed_result_but_keeps_the_officers_judgement(kube, officer):
    healthy(kube)
    assessment_run_all(kubes=Kube.objects.all(), as_of=AS_OF)
    judged = assessment_judge(
        assessment=stored(kube),
        actor=officer,
        scores={"factor_leadership": 5, "dynamics_conflict": 2},
        notes="Ketua sangat aktif.",
        final_category="mandiri",
        reason="Ditetapkan mandiri oleh Dinas Sosial.",
    )
    assert (judged.computed_category, judged.final_category) == ("berkembang", "mandiri")
    # The group loses two partners; re-running the same date changes the computed result only.
    kube.partnerships.all()[:1].get().delete()
    kube.partnerships.all()[:1].get().delete()
    assessment_run_all(kubes=Kube.objects.all(), as_of=AS_OF)
    again = stored(kube)
    assert again.computed_category == "berkembang"
    assert next(i for i in again.indicators if i["key"] == "akses_sumber")["level"] == 1
    assert (again.final_category, again.override_reason) == ("mandiri", "Ditetapkan mandiri oleh Dinas Sosial.")
    assert (again.factor_leadership, again.dynamics_conflict, again.judged_by) == (5, 2, officer)
    assert Assessment.objects.count() == 1


def test_without_an_override_the_final_category_follows_a_rerun(kube):
    healthy(kube)
    assessment_run_all(kubes=Kube.objects.all(), as_of=AS_OF)
    assert stored(kube).final_category == "berkembang"
    kube.memberships.filter(role=Role.KETUA).update(role=Role.ANGGOTA)
    assessment_run_all(kubes=Kube.objects.all(), as_of=AS_OF)
    assert (stored(kube).computed_category, stored(kube).final_category) == ("tumbuh", "tumbuh")


def test_an_override_needs_a_reason(kube, officer):
    healthy(kube)
    assessment_run_all(kubes=Kube.objects.all(), as_of=AS_OF)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        assessment_judge(
            assessment=stored(kube), actor=officer, scores={}, notes="", final_category="mandiri", reason=" "
        )
    assert "Tuliskan alasan" in error.value.message_dict["override_reason"][0]
    assert stored(kube).final_category == "berkembang"


def test_assess_all_skips_dissolved_and_unfounded_groups(kube, facilitator):
    healthy(kube)
    KubeFactory(facilitator=facilitator, status=KubeStatus.BUBAR)
    KubeFactory(facilitator=facilitator, founded_on=dt.date(2025, 3, 1))
    output = assess("--all", "--as-of", "2024-12-31")
    assert output.splitlines()[0] == "Penilaian per 2024-12-31: 1 KUBE dinilai (rubrik Registri KUBE v1)."
    assert list(Assessment.objects.values_list("kube", flat=True)) == [kube.pk]


def test_assess_refuses_unknown_groups_and_unreadable_dates(kube):
    with pytest.raises(CommandError, match=r"KUBE dengan nomor registrasi “6474-1999-999” tidak ada\."):
        assess("--group", "6474-1999-999")
    with pytest.raises(CommandError, match="tidak terbaca"):
        assess("--group", kube.no_registrasi, "--as-of", "31-31-2024")
    with pytest.raises(CommandError, match="belum berdiri"):
        assess("--group", kube.no_registrasi, "--as-of", "2019-01-01")
    assert not Assessment.objects.exists()
