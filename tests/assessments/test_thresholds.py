"""The thresholds page: who may see and change it, validation, history, and new results only."""

import datetime as dt
import io
from dataclasses import fields

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments import rubric
from assessments.models import Assessment, ThresholdSetting
from tests.assessments.test_assess import healthy
from tests.factories import UserFactory

URL = reverse("assessments:thresholds")
DEFAULTS = rubric.Thresholds().as_dict()


def posted(**changes) -> dict:
    return DEFAULTS | changes


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def errors_of(response) -> dict:
    return response.context["form"].errors


# --- Access --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["facilitator", "norole"])
def test_facilitators_and_users_without_a_role_get_403(client_for, facilitator, persona):
    user = facilitator if persona == "facilitator" else UserFactory(username="tanpaperan")
    client = client_for(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, posted(report_months_per_12=11)).status_code == 403
    assert not ThresholdSetting.objects.exists()


def test_officer_reads_the_thresholds_but_cannot_change_them(client_for, officer):
    client = client_for(officer)
    page = client.get(URL)
    assert page.status_code == 200
    form = page.context["form"]
    # The hidden form token and version (issue 13) are not thresholds.
    assert all(field.field.disabled for field in form.visible_fields())
    html = page.content.decode()
    assert "hanya admin yang dapat mengubahnya" in html
    assert "Simpan ambang batas" not in html
    response = client.post(URL, posted(report_months_per_12=11))
    assert response.status_code == 403
    assert not ThresholdSetting.objects.exists()


def test_admins_see_the_link_in_the_navigation_and_officers_do_not(client_for, admin_user, officer):
    link = f'href="{URL}"'
    assert link in client_for(admin_user).get(reverse("groups:kube_list")).content.decode()
    assert link not in client_for(officer).get(reverse("groups:kube_list")).content.decode()


# --- The form ------------------------------------------------------------------------------


def test_the_form_has_every_threshold_grouped_labelled_and_explained(client_for, admin_user):
    page = client_for(admin_user).get(URL)
    form = page.context["form"]
    assert {field.name for field in form.visible_fields()} == {f.name for f in fields(rubric.Thresholds)}
    assert {field.name for field in form.hidden_fields()} == {"form_token", "version"}
    assert form.initial == DEFAULTS
    groups = {key: [field.name for field in group] for key, _title, group in form.groups()}
    assert list(groups) == ["indikator", "tanda", "bobot"]
    assert groups["bobot"] == [name for name in DEFAULTS if name.startswith("weight_")]
    assert "report_months_per_12" in groups["indikator"]
    assert "min_members" in groups["tanda"]
    html = page.content.decode()
    for title in ("Indikator", "Tanda tidak aktif dan berisiko", "Bobot skor"):
        assert title in html
    assert "Bulan berlaporan per 12 bulan" in html
    assert (
        "Administrasi level 2: ada laporan bulanan untuk sekurangnya sekian dari setiap 12 bulan. Bawaan: 10." in html
    )
    assert "Belum pernah diubah: yang berlaku adalah nilai bawaan rubrik." in html
    assert "Perubahan hanya berlaku untuk penilaian berikutnya." in html
    assert "Rubrik Registri KUBE v1, berdasarkan kriteria Kemensos" in html


def test_every_field_says_what_it_does(client_for, admin_user):
    form = client_for(admin_user).get(URL).context["form"]
    for name, field in ((bound.name, bound.field) for bound in form.visible_fields()):
        assert field.label, name
        assert len(field.help_text) > 30, name
        assert f"Bawaan: {DEFAULTS[name]}." in field.help_text, name


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("meeting_months_percent", 101, "Paling besar 100."),
        ("attendance_percent", -1, "Paling kecil 0."),
        ("report_months_per_12", 13, "Paling besar 12."),
        ("young_group_months", -2, "Paling kecil 0."),
        ("loan_overdue_days", -1, "Paling kecil 0."),
        ("min_members", 0, "Paling kecil 1."),
        ("many_partnerships", 0, "Paling kecil 1."),
        ("inactive_months", 0, "Paling kecil 1."),
        ("sharing_months", "", "Isi angka."),
        ("min_age_months", "dua belas", "Isi bilangan bulat."),
    ],
)
def test_out_of_range_values_are_refused_in_indonesian(client_for, admin_user, name, value, message):
    response = client_for(admin_user).post(URL, posted(**{name: value}))
    assert response.status_code == 200
    assert errors_of(response)[name] == [message]
    assert message in response.content.decode()
    assert not ThresholdSetting.objects.exists()


def test_weights_must_sum_to_exactly_100_and_the_error_names_them(client_for, admin_user):
    response = client_for(admin_user).post(URL, posted(weight_pemasaran=5, weight_aset=20, weight_usaha=5))
    assert response.status_code == 200
    expected = (
        "Jumlah bobot skor harus tepat 100, sekarang 90: Administrasi 15 + Organisasi 15 + Usaha 5 + "
        "Pemasaran 5 + Aset 20 + Akses sumber daya 15 + Lembaga keuangan 15."
    )
    assert errors_of(response)["__all__"] == [expected]
    assert expected in response.content.decode()
    assert not ThresholdSetting.objects.exists()


def test_weights_may_be_redistributed_and_zero(client_for, admin_user):
    weights = posted(weight_pemasaran=0, weight_aset=25)
    response = client_for(admin_user).post(URL, weights, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert ThresholdSetting.objects.get().thresholds() == rubric.Thresholds(weight_pemasaran=0, weight_aset=25)


# --- Saving and history --------------------------------------------------------------------


def test_admin_saves_and_the_page_shows_who_changed_what(client_for, admin_user):
    admin_user.first_name, admin_user.last_name = "Rina", "Admin"
    admin_user.save()
    client = client_for(admin_user)
    response = client.post(URL, posted(report_months_per_12=11, min_members=6), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert messages_of(response) == [
        "Ambang batas disimpan. Nilai baru berlaku untuk penilaian berikutnya; "
        "hasil penilaian yang sudah tersimpan tidak berubah."
    ]
    setting = ThresholdSetting.objects.get(pk=1)
    assert setting.values == posted(report_months_per_12=11, min_members=6)
    assert setting.changed_by == admin_user
    assert response.context["form"].initial["report_months_per_12"] == 11

    client.post(URL, posted(report_months_per_12=12, min_members=6))
    page = client.get(URL)
    html = page.content.decode()
    assert "Terakhir diubah oleh Rina Admin" in html
    history = page.context["history"]
    assert [entry["changes"] for entry in history] == [
        [("Bulan berlaporan per 12 bulan", 11, 12)],
        [("Bulan berlaporan per 12 bulan", 10, 11), ("Anggota aktif minimal", 5, 6)],
    ]
    assert {entry["user"] for entry in history} == {"Rina Admin"}
    assert "Bulan berlaporan per 12 bulan: <del>11</del> → 12" in html


def test_saving_the_same_values_changes_nothing(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(URL, posted(), follow=True)
    assert messages_of(response) == ["Tidak ada perubahan ambang batas."]
    assert not ThresholdSetting.objects.exists()
    assert response.context["history"] == []
    assert "Belum ada riwayat." in response.content.decode()


def test_page_queries_do_not_grow_with_the_history(client_for, admin_user, django_assert_num_queries):
    client = client_for(admin_user)
    for months in (11, 12, 9, 8, 7):
        client.post(URL, posted(report_months_per_12=months))
    # session, user, setting (initial), setting with its changer, history with changers, roles (nav),
    # the bell's unread count
    with django_assert_num_queries(7):
        page = client.get(URL)
    assert len(page.context["history"]) == 5


# --- New assessments only ------------------------------------------------------------------

BEFORE, AFTER = dt.date(2024, 12, 31), dt.date(2025, 1, 31)


def assess(as_of: dt.date) -> None:
    call_command("assess", "--all", "--as-of", as_of.isoformat(), stdout=io.StringIO())


def summary(assessment: Assessment) -> tuple:
    administrasi = next(i for i in assessment.indicators if i["key"] == "administrasi")
    return (
        assessment.computed_category,
        assessment.final_category,
        assessment.score,
        administrasi["level"],
        assessment.thresholds["report_months_per_12"],
    )


def test_a_threshold_change_affects_new_assessments_only(client_for, admin_user, kube):
    healthy(kube)  # reports every month of 2023 and 2024, none for January 2025: 11 of 12 by AFTER
    assess(BEFORE)
    assess(AFTER)
    old = Assessment.objects.get(kube=kube, as_of=BEFORE)
    assert summary(old) == ("berkembang", "berkembang", 85, 2, 10)
    assert summary(Assessment.objects.get(kube=kube, as_of=AFTER)) == ("berkembang", "berkembang", 85, 2, 10)

    client_for(admin_user).post(URL, posted(report_months_per_12=12))

    # Stored results keep their category and the thresholds they were computed with.
    kept = Assessment.objects.get(kube=kube, as_of=BEFORE)
    assert (kept.thresholds, kept.indicators, summary(kept)) == (DEFAULTS, old.indicators, summary(old))
    assert kept.used_thresholds() == rubric.Thresholds()

    # A new run, on the same data, reads the new value: 11 of 12 months is no longer enough.
    assess(AFTER)
    new = Assessment.objects.get(kube=kube, as_of=AFTER)
    assert summary(new) == ("tumbuh", "tumbuh", 77.5, 1, 12)
    assert "laporan bulanan baru 11 dari 12 bulan (perlu 12)" in " ".join(new.missing)
    assert summary(Assessment.objects.get(kube=kube, as_of=BEFORE)) == summary(old)
