"""Decisions stand until revisited: an officer's judgement carried to the group's later assessments.

Through the paths users take: the judgement form, the `assess` command, "Nilai sekarang";
then every page that reads the final category.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.models import RestrictedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from assessments.models import JUDGEMENT_FIELDS, Assessment
from assessments.panels import profile_context
from assessments.selectors import judgements_due_for_review
from groups.models import Kube, KubeStatus, Role
from tests.assessments.builders import berkembang_kube
from tests.kube_registry.test_exporting import export, sheets_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)
JUDGED_ON, *LATER = [dt.date(2024, 6, 30), dt.date(2024, 9, 30), dt.date(2024, 12, 31), dt.date(2025, 3, 31)]
REASON = "Ditetapkan mandiri oleh Dinas Sosial Kota Bontang"
CARRIED = "dibawa dari penilaian 30 Juni 2024 oleh Rina Wati"


@pytest.fixture
def group(facilitator, officer) -> Kube:
    """A group the rubric finds berkembang (never mandiri: it has no finance institution)."""
    officer.first_name, officer.last_name = "Rina", "Wati"
    officer.save()
    return berkembang_kube(today=TODAY, facilitator=facilitator)


def assess(kube: Kube, as_of: dt.date) -> Assessment:
    call_command("assess", "--group", kube.no_registrasi, "--as-of", as_of.isoformat(), stdout=io.StringIO())
    return Assessment.objects.get(kube=kube, as_of=as_of)


def judge(client, assessment: Assessment, final: str = "mandiri", reason: str = REASON, **scores):
    data = {name: "" for name in JUDGEMENT_FIELDS} | {"judgement_notes": "", "final_category": final}
    data |= {"override_reason": reason} | scores
    response = client.post(reverse("assessments:judge", kwargs={"pk": assessment.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    assessment.refresh_from_db()
    return assessment


def stored(kube: Kube) -> dict[dt.date, Assessment]:
    return {a.as_of: a for a in Assessment.objects.filter(kube=kube)}


@pytest.fixture
def carried(client_for, officer, group) -> Assessment:
    """Judged mandiri on 30 June 2024, then assessed three times: the judgement returned."""
    judged = judge(client_for(officer), assess(group, JUDGED_ON), factor_network="5")
    for as_of in LATER:
        assess(group, as_of)
    return judged


# --- The rule --------------------------------------------------------------------------------


def test_a_judgement_is_carried_to_every_later_assessment(group, carried):
    assert (carried.final_category, carried.judgement_from, carried.is_carried) == ("mandiri", carried, False)
    later = [a for day, a in sorted(stored(group).items()) if day > JUDGED_ON]
    assert [a.as_of for a in later] == LATER
    for a in later:
        assert (a.final_category, a.override_reason, a.judgement_from) == ("mandiri", REASON, carried)
        assert a.is_carried
        assert a.computed_category == "berkembang"  # the rubric's own result beside it
        # the scores, notes and author stay with the judgement's own date
        assert (a.judged_by, a.judged_at, a.factor_network, a.judgement_notes) == (None, None, None, "")


def test_a_judgement_on_an_earlier_date_reaches_the_assessments_already_stored(client_for, officer, group):
    for as_of in (JUDGED_ON, *LATER):
        assess(group, as_of)
    judged = judge(client_for(officer), stored(group)[JUDGED_ON])
    assert {day: (a.final_category, a.judgement_from_id) for day, a in stored(group).items()} == {
        day: ("mandiri", judged.pk) for day in (JUDGED_ON, *LATER)
    }


def test_assessing_now_carries_the_judgement_too(client_for, officer, group, carried):
    with freeze_time(TODAY):
        client_for(officer).post(reverse("assessments:assess_now", kwargs={"pk": group.pk}))
    today = stored(group)[TODAY]
    assert (today.final_category, today.judgement_from, today.computed_category) == ("mandiri", carried, "berkembang")


def test_a_new_judgement_replaces_the_carried_one_from_its_date_on(client_for, officer, group, carried):
    client = client_for(officer)
    december = stored(group)[LATER[1]]
    form = client.get(reverse("assessments:judge", kwargs={"pk": december.pk})).context["form"]
    assert (form.initial["final_category"], form.initial["override_reason"]) == ("mandiri", REASON)
    revisited = judge(client, december, final="berkembang", reason="")
    after = stored(group)
    assert (after[LATER[0]].final_category, after[LATER[0]].judgement_from) == ("mandiri", carried)
    assert (revisited.final_category, revisited.judgement_from) == ("berkembang", revisited)
    assert not revisited.is_carried
    assert (after[LATER[2]].final_category, after[LATER[2]].override_reason) == ("berkembang", "")
    assert after[LATER[2]].judgement_from == revisited
    # Changing the earlier judgement reaches only the dates before the new one.
    judge(client, carried, final="tumbuh", reason="Usaha berhenti sejak Mei")
    after = stored(group)
    finals = [after[day].final_category for day in (JUDGED_ON, *LATER)]
    assert finals == ["tumbuh", "tumbuh", "berkembang", "berkembang"]
    # and a later assessment takes the newest judgement before its date
    assert assess(group, TODAY).judgement_from == revisited


def test_an_assessment_dated_before_every_judgement_follows_the_rubric(group, carried):
    earlier = assess(group, dt.date(2024, 3, 31))
    assert (earlier.final_category, earlier.override_reason, earlier.judgement_from) == (
        earlier.computed_category,
        "",
        None,
    )


def test_rerunning_a_date_keeps_its_judgement_and_its_carried_category(group, carried):
    assess(group, JUDGED_ON)
    rerun = assess(group, LATER[1])
    assert (rerun.final_category, rerun.judgement_from) == ("mandiri", carried)
    again = stored(group)[JUDGED_ON]
    assert (again.final_category, again.override_reason, again.judgement_from) == ("mandiri", REASON, carried)
    assert again.factor_network == 5 and again.judged_by is not None
    assert Assessment.objects.filter(kube=group).count() == 4


def test_a_judgement_that_agreed_with_the_rubric_stands_when_the_rubric_later_disagrees(client_for, officer, group):
    judged = judge(client_for(officer), assess(group, JUDGED_ON), final="berkembang", reason="")
    group.memberships.filter(role=Role.KETUA).update(role=Role.ANGGOTA)  # no chair: the rubric says tumbuh
    later = assess(group, LATER[0])
    assert (later.computed_category, later.final_category, later.override_reason) == ("tumbuh", "berkembang", "")
    assert later.judgement_from == judged
    rerun = assess(group, JUDGED_ON)
    assert (rerun.computed_category, rerun.final_category, rerun.judgement_from) == ("tumbuh", "berkembang", judged)


def test_the_database_keeps_a_judged_assessment_its_own_judgement_in_force(carried):
    with pytest.raises(IntegrityError):
        Assessment.objects.filter(pk=carried.pk).update(judgement_from=None)


def test_a_judgement_in_force_goes_only_with_its_group(group, carried):
    with pytest.raises(RestrictedError):
        carried.delete()
    group.delete()
    assert not Assessment.objects.exists()


# --- What users see --------------------------------------------------------------------------


def section(html: str, marker: str) -> str:
    start = html.find(marker)
    assert start >= 0, marker
    return html[start : html.find("</div>", html.find("</div>", start) + 1)]


def test_profile_shows_the_carried_category_beside_the_computed_one(client_for, officer, facilitator, group, carried):
    html = client_for(officer).get(group.get_absolute_url()).content.decode()
    note = section(html, "alert alert-info py-2 small mb-2 carried")
    assert f"Hasil rubrik: <strong>berkembang</strong>. Kategori akhir <strong>mandiri</strong> {CARRIED}." in note
    assert f"Alasan: {REASON}" in note and carried.get_absolute_url() in note
    # the recent assessments say which are carried
    assert "(dibawa dari penilaian 30 Jun 2024; hasil rubrik: berkembang)" in html
    # A facilitator reads the same note: no more about the officer than before, no judge button.
    facilitator_html = client_for(facilitator).get(group.get_absolute_url()).content.decode()
    assert section(facilitator_html, "alert alert-info py-2 small mb-2 carried") == note
    assert reverse("assessments:judge", kwargs={"pk": stored(group)[LATER[-1]].pk}) not in facilitator_html


def test_assessment_page_shows_where_the_category_comes_from(client_for, officer, facilitator, group, carried):
    latest = stored(group)[LATER[-1]]
    for user in (officer, facilitator):
        html = client_for(user).get(latest.get_absolute_url()).content.decode()
        assert f"Kategori akhir <strong>mandiri</strong> {CARRIED}." in html
        assert "Hasil rubrik: <strong>berkembang</strong>" in html
        scores = html[html.find('id="penilaian-petugas"') : html.find('id="riwayat-keputusan"')]
        assert "Belum ada penilaian petugas untuk tanggal ini." in scores
        assert carried.get_absolute_url() in scores  # the judgement's own scores and notes
    # The judgement's own page shows it as made there, not carried.
    own = client_for(officer).get(carried.get_absolute_url()).content.decode()
    assert "ditetapkan petugas Rina Wati" in own and CARRIED not in own


def test_history_page_marks_each_carried_assessment(client_for, officer, group, carried):
    response = client_for(officer).get(reverse("assessments:kube_assessments", kwargs={"pk": group.pk}))
    html = response.content.decode()
    assert html.count("(dibawa dari penilaian 30 Jun 2024 oleh Rina Wati)") == len(LATER)
    assert html.count("(ditetapkan petugas)") == 1
    final, computed = (t for t in response.context["chart"]["data"] if t.get("yaxis") == "y2")
    assert final["y"] == [3, 3, 3, 3] and computed["y"] == [2, 2, 2, 2]  # mandiri over the rubric's berkembang


def test_judgement_form_of_a_carried_assessment_says_what_it_replaces(client_for, officer, group, carried):
    html = client_for(officer).get(reverse("assessments:judge", kwargs={"pk": stored(group)[LATER[0]].pk}))
    html = html.content.decode()
    assert f"Kategori akhir saat ini, <strong>mandiri</strong>, {CARRIED}." in html
    assert "Penilaian yang Anda simpan menggantikannya mulai tanggal ini." in html


def test_lists_dashboard_and_exports_read_the_carried_category(client_for, officer, group, carried, tmp_path):
    client = client_for(officer)
    listed = client.get(reverse("groups:kube_list"), {"kategori": "mandiri"})
    assert [kube.name for kube in listed.context["object_list"]] == [group.name]
    assert not client.get(reverse("groups:kube_list"), {"kategori": "berkembang"}).context["object_list"]
    dashboard = client.get(reverse("assessments:dashboard"), {"tanggal": LATER[-1].isoformat()})
    counts = {row[0]: row[1] for row in dashboard.context["blocks"]["kategori"].table.rows}
    assert (counts["Mandiri"], counts["Berkembang"]) == (1, 0)
    path, _out = export(tmp_path)
    header, row = sheets_of(path)["kelompok"]
    assert (row[header.index("kategori")], row[header.index("tanggal_penilaian")]) == (
        "mandiri",
        dt.datetime(2025, 3, 31),
    )


# --- Query counts with carried judgements ----------------------------------------------------


@pytest.mark.parametrize("later", [1, 8])
def test_pages_with_carried_judgements_take_as_many_queries(
    client_for, officer, group, rf, django_assert_num_queries, later
):
    judge(client_for(officer), assess(group, dt.date(2023, 3, 31)))
    for months in range(later):
        assess(group, dt.date(2023, 6, 30) + dt.timedelta(days=92 * months))
    latest = Assessment.objects.filter(kube=group).order_by("-as_of").first()
    assert latest.is_carried
    client = client_for(officer)
    for url in (latest.get_absolute_url(), reverse("assessments:kube_assessments", kwargs={"pk": group.pk})):
        client.get(url)  # warm caches
        # session, user, user's roles, permissions (group perms + own perms), the group or the
        # assessment with its group, then the assessments (or the judgement history), each
        # with its people and judgement in force, the bell's unread count
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200
    request = rf.get(group.get_absolute_url())
    request.user = officer
    officer.get_all_permissions()
    with django_assert_num_queries(1):  # the latest assessments with people and judgement in force
        assert profile_context(request, group)["current"].assessment.is_carried


# --- Judgements due for review ---------------------------------------------------------------


def judged_at(client, kube: Kube, as_of: dt.date, when: str) -> Assessment:
    with freeze_time(when):
        return judge(client, assess(kube, as_of))


def test_a_judgement_older_than_twelve_months_is_due_for_review(client_for, officer, facilitator, group):
    client = client_for(officer)
    judgement = judged_at(client, group, dt.date(2024, 5, 31), "2024-06-15 09:00")  # 17:00 in Bontang
    recent = berkembang_kube(today=TODAY, facilitator=facilitator, name="KUBE Anggrek")
    judged_at(client, recent, dt.date(2024, 5, 31), "2024-06-16 09:00")
    berkembang_kube(today=TODAY, facilitator=facilitator, name="KUBE Dahlia")  # never judged
    latest = assess(group, LATER[-1])  # assessed since: the judgement is carried, still due
    assert list(judgements_due_for_review(dt.date(2025, 6, 15))) == []  # exactly twelve months
    due = list(judgements_due_for_review(dt.date(2025, 6, 16)))
    assert due == [latest] and due[0].judgement_from == judgement
    assert (due[0].judgement_from.as_of, due[0].judgement_from.judged_by) == (dt.date(2024, 5, 31), officer)
    assert [a.kube.name for a in judgements_due_for_review(dt.date(2025, 6, 17))] == ["KUBE Melati", "KUBE Anggrek"]
    # As of an earlier day, the latest assessment then is the judged one.
    assert list(judgements_due_for_review(dt.date(2025, 3, 30))) == []


def test_a_new_judgement_or_dissolving_the_group_ends_the_review(client_for, officer, group):
    client = client_for(officer)
    judged_at(client, group, dt.date(2024, 5, 31), "2024-06-01 09:00")
    latest = assess(group, LATER[-1])
    assert list(judgements_due_for_review(TODAY)) == [latest]
    with freeze_time("2025-06-10 09:00"):
        judge(client, latest)  # revisited: the same decision, judged again
    assert list(judgements_due_for_review(TODAY)) == []
    assert [a.kube for a in judgements_due_for_review(dt.date(2026, 6, 11))] == [group]
    Kube.objects.filter(pk=group.pk).update(status=KubeStatus.BUBAR)
    assert list(judgements_due_for_review(dt.date(2026, 6, 11))) == []
    assert list(judgements_due_for_review(dt.date(2026, 6, 11), kubes=Kube.objects.all())) == [latest]


def test_judgements_due_for_review_is_one_query(client_for, officer, facilitator, group):
    client = client_for(officer)
    judged_at(client, group, JUDGED_ON, "2024-07-01 09:00")
    with CaptureQueriesContext(connection) as one:
        assert len(list(judgements_due_for_review(TODAY + dt.timedelta(days=30)))) == 1
    for name in ("KUBE Anggrek", "KUBE Dahlia", "KUBE Kenanga"):
        judged_at(client, berkembang_kube(today=TODAY, facilitator=facilitator, name=name), JUDGED_ON, "2024-07-01")
    with CaptureQueriesContext(connection) as four:
        due = judgements_due_for_review(TODAY + dt.timedelta(days=30))
        assert [(a.kube.name, a.judgement_from.judged_by.username) for a in due] == [
            (name, officer.username) for name in ("KUBE Anggrek", "KUBE Dahlia", "KUBE Kenanga", "KUBE Melati")
        ]
    assert len(one) == len(four) == 1
