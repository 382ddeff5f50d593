"""One assessment's page and the officer's judgement form, through the paths users take."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from assessments.models import JUDGEMENT_FIELDS, Assessment
from assessments.services import assessment_judge, assessment_run
from tests.assessments.builders import berkembang_kube

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)
REASON = "Sudah membentuk koperasi pada Mei 2025; belum tercatat di registri"


@pytest.fixture
def assessment(facilitator) -> Assessment:
    with freeze_time(TODAY):
        return assessment_run(kube=berkembang_kube(today=TODAY, facilitator=facilitator), as_of=TODAY)


def judge_url(assessment) -> str:
    return reverse("assessments:judge", kwargs={"pk": assessment.pk})


def judgement(**changes) -> dict:
    """A full post of the form: every score 4, the rubric's category kept."""
    data = {name: "4" for name in JUDGEMENT_FIELDS}
    data |= {"judgement_notes": "Rapat rutin tiap bulan.", "final_category": "berkembang", "override_reason": ""}
    data |= changes
    return data


# --- The form --------------------------------------------------------------------------------


def test_officer_records_scores_and_keeps_the_computed_category(client_for, officer, assessment):
    response = client_for(officer).post(judge_url(assessment), judgement(factor_leadership="5"), follow=True)
    assert response.redirect_chain == [(assessment.get_absolute_url(), 302)]
    assert "Penilaian petugas disimpan: kategori akhir berkembang." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.factor_leadership == 5 and assessment.dynamics_structure == 4
    assert assessment.judgement_notes == "Rapat rutin tiap bulan."
    assert (assessment.final_category, assessment.override_reason) == ("berkembang", "")
    assert assessment.judged_by == officer


def test_officer_overrides_the_category_with_a_reason(client_for, officer, assessment):
    data = judgement(final_category="mandiri", override_reason=REASON)
    response = client_for(officer).post(judge_url(assessment), data, follow=True)
    assert "Penilaian petugas disimpan: kategori akhir mandiri, hasil rubrik berkembang." in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.computed_category, assessment.final_category) == ("berkembang", "mandiri")
    assert assessment.override_reason == REASON


def test_an_override_without_a_reason_is_refused_on_the_reason_field(client_for, officer, assessment):
    response = client_for(officer).post(judge_url(assessment), judgement(final_category="mandiri"))
    assert response.status_code == 200
    message = "Tuliskan alasan: kategori akhir mandiri berbeda dari hasil rubrik berkembang."
    assert response.context["form"].errors["override_reason"] == [message]
    html = response.content.decode()
    assert message in html and "Periksa isian yang ditandai di bawah." in html
    assessment.refresh_from_db()
    assert assessment.final_category == "berkembang" and assessment.judged_by is None


def test_scores_are_one_to_five_or_not_yet(client_for, officer, assessment):
    response = client_for(officer).post(judge_url(assessment), judgement(factor_network="6"))
    assert "factor_network" in response.context["form"].errors
    client_for(officer).post(judge_url(assessment), judgement(factor_network=""))
    assessment.refresh_from_db()
    assert assessment.factor_network is None and assessment.factor_cohesion == 4


def test_form_starts_from_the_stored_judgement(client_for, officer, assessment):
    assessment_judge(
        assessment=assessment,
        actor=officer,
        scores={"factor_innovation": 2},
        notes="",
        final_category="mandiri",
        reason=REASON,
    )
    form = client_for(officer).get(judge_url(assessment)).context["form"]
    assert form.initial["factor_innovation"] == 2 and form.initial["factor_network"] is None
    assert (form.initial["final_category"], form.initial["override_reason"]) == ("mandiri", REASON)
    assert form.fields["final_category"].help_text == "Hasil rubrik: berkembang."


def test_judgement_form_access(client_for, admin_user, facilitator, other_facilitator, assessment):
    url = judge_url(assessment)
    response = client_for(None).get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(facilitator).get(url).status_code == 403  # sees the group, may not judge
    assert (
        client_for(facilitator).post(url, judgement(final_category="mandiri", override_reason="x")).status_code == 403
    )
    assert client_for(other_facilitator).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 200
    assert client_for(admin_user).delete(url).status_code == 405
    assessment.refresh_from_db()
    assert assessment.final_category == "berkembang"


# --- The detail page -------------------------------------------------------------------------


def test_detail_shows_the_assessment_the_scores_and_who_decided_what_and_when(client_for, officer, assessment):
    officer.first_name, officer.last_name = "Rina", "Wati"
    officer.save()
    client = client_for(officer)
    with freeze_time("2025-06-20 02:00"):
        client.post(judge_url(assessment), judgement())
    with freeze_time("2025-06-27 03:00"):
        client.post(
            judge_url(assessment), judgement(final_category="mandiri", override_reason=REASON, factor_network="5")
        )
    html = client.get(assessment.get_absolute_url()).content.decode()
    assert "Penilaian KUBE Melati per 15 Juni 2025" in html
    assert "Yang masih dibutuhkan untuk menjadi mandiri" in html  # the rubric's view stays
    assert "Hasil rubrik: <strong>berkembang</strong>." in html and f"Alasan: {REASON}" in html
    scores = html[html.find('id="penilaian-petugas"') : html.find('id="riwayat-keputusan"')]
    assert "Enam faktor kemandirian" in scores and "Lima aspek dinamika kelompok" in scores
    assert 'Jaringan mitra</th><td class="text-end pe-2"><strong>5</strong> / 5' in scores
    assert "Rapat rutin tiap bulan." in scores
    history = html[html.find('id="riwayat-keputusan"') :]
    # newest first: the override, then the first judgement
    assert history.index("27 Jun 2025") < history.index("20 Jun 2025")
    assert history.count("Rina Wati") == 2
    assert 'Mandiri <span class="text-body-secondary">(hasil rubrik: berkembang)</span>' in history
    assert REASON in history
    assert "Jaringan mitra: <del>4</del> → 5" in history
    assert "Kategori akhir: <del>Berkembang</del> → Mandiri" in history


def test_detail_without_judgement(client_for, facilitator, assessment):
    html = client_for(facilitator).get(assessment.get_absolute_url()).content.decode()
    assert "Belum ada penilaian petugas untuk tanggal ini." in html
    assert "Belum ada keputusan petugas." in html
    assert judge_url(assessment) not in html  # a facilitator reads, an officer judges


def test_detail_access(client_for, facilitator, other_facilitator, assessment):
    url = assessment.get_absolute_url()
    response = client_for(None).get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(other_facilitator).get(url).status_code == 404
    assert client_for(facilitator).get(url).status_code == 200
    assert (
        client_for(facilitator).get(reverse("assessments:detail", kwargs={"pk": assessment.pk + 99})).status_code == 404
    )


@pytest.mark.parametrize("saves", [1, 6])
def test_detail_query_count_does_not_grow_with_judgements(
    client_for, officer, assessment, django_assert_num_queries, saves
):
    for number in range(saves):
        assessment_judge(
            assessment=assessment,
            actor=officer,
            scores={"factor_network": 1 + number % 5},
            notes="",
            final_category="berkembang",
            reason="",
        )
    client = client_for(officer)
    client.get(assessment.get_absolute_url())  # warm caches
    # session, user, user's roles, permissions (group perms + own perms), the assessment
    # with its group and people, the judgement history with its users, the bell's unread count
    with django_assert_num_queries(8):
        response = client.get(assessment.get_absolute_url())
    assert len(response.context["history"]) == saves
