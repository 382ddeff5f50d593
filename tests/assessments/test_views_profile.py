"""The "Penilaian" panel on the group profile, "assess now", and the group's assessment history page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from assessments.models import Assessment
from assessments.panels import ASSESSMENT_PANEL, profile_context
from assessments.services import assessment_judge, assessment_run
from finances.periods import add_months, month_end
from groups.models import Kube, KubeStatus
from tests.assessments.builders import berkembang_kube
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)
RUBRIC_NOTE = "rubrik Registri KUBE v1, berdasarkan kriteria Kemensos"


def profile(client, kube) -> str:
    response = client.get(kube.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    start = html.find('id="penilaian"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def panel(response) -> dict:
    return dict(response.context["sections"])[ASSESSMENT_PANEL]


# --- The panel -------------------------------------------------------------------------------


def judged_mandiri(kube, officer, *, reason: str):
    """Assess `kube` today and let `officer` set its final category to mandiri."""
    return assessment_judge(
        assessment=assessment_run(kube=kube, as_of=TODAY),
        actor=officer,
        scores={},
        notes="",
        final_category="mandiri",
        reason=reason,
    )


@freeze_time(TODAY)
def test_profile_shows_category_score_indicators_and_what_is_missing_for_mandiri(client_for, officer):
    kube = berkembang_kube(today=TODAY)
    assessment = assessment_run(kube=kube, as_of=TODAY)
    assert assessment.computed_category == "berkembang"
    html = profile(client_for(officer), kube)
    assert "Berkembang</span>" in html
    assert 'Skor</span> <strong class="fs-5">70</strong>' in html
    assert "per 15 Juni 2025" in html and RUBRIC_NOTE in html
    # each indicator in words, with its evidence and its share of the score
    for label in ("Administrasi", "Organisasi", "Usaha", "Pemasaran", "Aset", "Akses sumber daya", "Usia kelompok"):
        assert f">{label}</th>" in html
    assert '<span class="badge text-bg-success">baik</span>' in html
    assert '<span class="badge text-bg-warning">dasar</span>' in html
    assert '<span class="badge text-bg-danger">belum</span>' in html
    assert "laporan 11 dari 12 bulan; register anggota lengkap" in html
    assert "1 kemitraan aktif" in html
    assert "10 / 10" in html and "7,5 / 15" in html and "0 / 15" in html and "70 / 100" in html
    # why it is not mandiri
    assert "Yang masih dibutuhkan untuk menjadi mandiri" in html
    assert "aset dan kas Rp 1.400.000 belum bertambah dari setahun sebelumnya (Rp 1.400.000)" in html
    assert "kemitraan aktif baru 1 (perlu 3, atau satu dalam bentuk permodalan)" in html
    assert "belum membentuk LKM/koperasi atau bermitra permodalan dengan lembaga keuangan" in html


@freeze_time(TODAY)
def test_profile_shows_flags_with_their_reasons(client_for, officer, kube):
    assessment_run(kube=kube, as_of=TODAY)  # no reports, no members
    html = profile(client_for(officer), kube)
    assert "Tumbuh</span>" in html
    assert "Tidak aktif:</strong>" in html and "tidak ada laporan bulanan dalam 3 bulan terakhir" in html
    assert "Berisiko:</strong>" in html and "anggota aktif 0 (kurang dari 5)" in html
    assert "Yang masih dibutuhkan untuk menjadi berkembang" in html


@freeze_time(TODAY)
def test_profile_shows_both_categories_the_reason_and_who_decided(client_for, officer, facilitator):
    kube = berkembang_kube(today=TODAY, facilitator=facilitator)
    officer.first_name, officer.last_name = "Rina", "Wati"
    officer.save()
    judged_mandiri(kube, officer, reason="Sudah bermitra dengan koperasi kelurahan")
    html = profile(client_for(facilitator), kube)
    assert "Mandiri</span>" in html
    assert (
        "Hasil rubrik: <strong>berkembang</strong>. Kategori akhir <strong>mandiri</strong> ditetapkan petugas" in html
    )
    assert "Alasan: Sudah bermitra dengan koperasi kelurahan" in html


@freeze_time(TODAY)
def test_profile_of_a_group_never_assessed_offers_officers_to_assess_now(
    client_for, officer, admin_user, facilitator, kube
):
    url = reverse("assessments:assess_now", kwargs={"pk": kube.pk})
    for user in (officer, admin_user):
        html = profile(client_for(user), kube)
        assert "KUBE ini belum pernah dinilai." in html
        assert f'action="{url}"' in html and "Nilai sekarang" in html
    html = profile(client_for(facilitator), kube)
    assert "KUBE ini belum pernah dinilai." in html
    assert url not in html and "Nilai sekarang" not in html


@freeze_time(TODAY)
def test_profile_buttons_follow_permissions(client_for, officer, facilitator):
    kube = berkembang_kube(today=TODAY, facilitator=facilitator)
    assessment = assessment_run(kube=kube, as_of=dt.date(2024, 12, 31))
    judge = reverse("assessments:judge", kwargs={"pk": assessment.pk})
    history = reverse("assessments:kube_assessments", kwargs={"pk": kube.pk})
    officer_html = profile(client_for(officer), kube)
    assert judge in officer_html and history in officer_html and "Nilai sekarang" in officer_html
    facilitator_html = profile(client_for(facilitator), kube)
    assert history in facilitator_html
    assert judge not in facilitator_html and "Nilai sekarang" not in facilitator_html
    # assessed today already: nothing to run again
    assessment_run(kube=kube, as_of=TODAY)
    assert "Nilai sekarang" not in profile(client_for(officer), kube)


def test_profile_panel_is_hidden_from_a_user_without_a_role(rf, kube):
    request = rf.get(kube.get_absolute_url())
    request.user = UserFactory()
    assert profile_context(request, kube) == {"visible": False}


def test_profile_query_count_does_not_grow_with_assessments(client_for, officer, django_assert_num_queries):
    kube = berkembang_kube(today=TODAY)
    assessment_run(kube=kube, as_of=dt.date(2022, 12, 31))
    client = client_for(officer)
    client.get(kube.get_absolute_url())  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as one:
        client.get(kube.get_absolute_url())
    for months in range(1, 9):
        assessment_run(kube=kube, as_of=month_end(add_months(dt.date(2022, 12, 1), 3 * months)))
    # The registry's own profile queries and the other apps' panels, plus this panel's
    # one: the latest assessments with who ran and judged them. The same with one
    # assessment and with nine.
    with django_assert_num_queries(len(one)) as many:
        response = client.get(kube.get_absolute_url())
    assert len(panel(response)["recent"]) == 5 and panel(response)["has_more"]
    assert len([q for q in many.captured_queries if '"assessments_assessment"' in q["sql"]]) == 1


def test_profile_panel_is_one_query(rf, officer, kube, django_assert_num_queries):
    for year in range(2020, 2025):
        assessment_run(kube=kube, as_of=dt.date(year, 12, 31))
    request = rf.get(kube.get_absolute_url())
    request.user = officer
    officer.get_all_permissions()  # the page has read the permissions already
    # the group's latest assessments with who ran and who judged them
    with django_assert_num_queries(1):
        context = profile_context(request, kube)
    assert context["current"].assessment.as_of == dt.date(2024, 12, 31)
    assert context["has_more"] is False


# --- Assess now ------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_officer_assesses_a_group_now(client_for, officer):
    kube = berkembang_kube(today=TODAY)
    url = reverse("assessments:assess_now", kwargs={"pk": kube.pk})
    response = client_for(officer).post(url, follow=True)
    assert response.redirect_chain == [(f"{kube.get_absolute_url()}#penilaian", 302)]
    assessment = Assessment.objects.get(kube=kube)
    assert (assessment.as_of, assessment.computed_category, assessment.assessed_by) == (TODAY, "berkembang", officer)
    assert "KUBE Melati dinilai per 15 Juni 2025: berkembang." in response.content.decode()


@freeze_time(TODAY)
def test_assess_now_again_keeps_the_officers_judgement(client_for, officer):
    kube = berkembang_kube(today=TODAY)
    judged_mandiri(kube, officer, reason="Keputusan dinas")
    client_for(officer).post(reverse("assessments:assess_now", kwargs={"pk": kube.pk}))
    assessment = Assessment.objects.get(kube=kube)
    assert (assessment.computed_category, assessment.final_category) == ("berkembang", "mandiri")
    assert assessment.override_reason == "Keputusan dinas"


@freeze_time(TODAY)
def test_assess_now_refuses_a_dissolved_group(client_for, officer, kube):
    Kube.objects.filter(pk=kube.pk).update(status=KubeStatus.BUBAR)
    response = client_for(officer).post(reverse("assessments:assess_now", kwargs={"pk": kube.pk}), follow=True)
    assert "KUBE yang sudah bubar tidak dinilai lagi." in response.content.decode()
    assert not Assessment.objects.exists()


def test_assess_now_access(client_for, admin_user, facilitator, other_facilitator, kube):
    url = reverse("assessments:assess_now", kwargs={"pk": kube.pk})
    response = client_for(None).post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(facilitator).post(url).status_code == 403  # may see the group, not assess it
    assert client_for(other_facilitator).post(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 405
    assert not Assessment.objects.exists()
    assert client_for(admin_user).post(url).status_code == 302
    assert Assessment.objects.filter(kube=kube, assessed_by=admin_user).exists()


# --- The history page ------------------------------------------------------------------------


def history_url(kube) -> str:
    return reverse("assessments:kube_assessments", kwargs={"pk": kube.pk})


@freeze_time(TODAY)
def test_history_lists_every_assessment_with_a_chart_and_its_table(client_for, officer, facilitator):
    kube = berkembang_kube(today=TODAY, facilitator=facilitator)
    for year in (2022, 2023, 2024):
        assessment_run(kube=kube, as_of=dt.date(year, 12, 31))
    judged_mandiri(kube, officer, reason="Keputusan dinas")
    response = client_for(facilitator).get(history_url(kube))
    html = response.content.decode()
    rows = html[html.find('id="tabel-penilaian"') :]
    assert [a.as_of for a, _flags in response.context["rows"]] == [
        TODAY,
        dt.date(2024, 12, 31),
        dt.date(2023, 12, 31),
        dt.date(2022, 12, 31),
    ]
    assert "15 Jun 2025" in rows and "31 Des 2022" in rows
    assert "(ditetapkan petugas)" in rows and 'title="Keputusan dinas"' in rows
    assert "Tidak aktif" in rows  # 2022: the group had not reported yet
    figure = response.context["chart"]
    assert [trace["name"] for trace in figure["data"]] == ["Skor", "Kategori akhir", "Kategori hasil rubrik"]
    assert 'id="chart-assessments" type="application/json"' in html
    assert "vendor/plotly/plotly.min.js" in html and "static/js/charts.js" in html


def test_history_of_one_assessment_is_a_table_without_chart(client_for, officer, kube):
    assessment_run(kube=kube, as_of=dt.date(2024, 12, 31))
    response = client_for(officer).get(history_url(kube))
    html = response.content.decode()
    assert response.context["chart"] is None
    assert "31 Des 2024" in html and "plotly.min.js" not in html


def test_history_of_a_group_never_assessed(client_for, officer, kube):
    response = client_for(officer).get(history_url(kube))
    assert "KUBE ini belum pernah dinilai." in response.content.decode()


def test_history_access(client_for, facilitator, other_facilitator, kube):
    response = client_for(None).get(history_url(kube))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(other_facilitator).get(history_url(kube)).status_code == 404
    assert client_for(facilitator).get(history_url(kube)).status_code == 200


@pytest.mark.parametrize("dates", [2, 12])
def test_history_query_count_does_not_grow_with_assessments(
    client_for, officer, kube, django_assert_num_queries, dates
):
    for months in range(dates):
        assessment_run(kube=kube, as_of=month_end(add_months(dt.date(2024, 12, 1), -3 * months)))
    client = client_for(officer)
    client.get(history_url(kube))  # warm caches
    # session, user, user's roles, permissions (group perms + own perms), the group,
    # its assessments with who ran and judged them, the bell's unread count
    with django_assert_num_queries(8):
        response = client.get(history_url(kube))
    assert len(response.context["rows"]) == dates
