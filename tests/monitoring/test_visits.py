"""Recording visits: who may record and see what, attendance, the dynamics scale,
follow-ups agreed and closed, and the list page's query count."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import FollowUp, Visit
from tests.factories import KubeFactory, MembershipFactory
from tests.monitoring.factories import FollowUpFactory, VisitFactory, VisitPhotoFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def list_url(kube):
    return reverse("monitoring:visit_list", kwargs={"pk": kube.pk})


def create_url(kube):
    return reverse("monitoring:visit_create", kwargs={"pk": kube.pk})


def close_url(follow_up):
    return reverse("monitoring:follow_up_close", kwargs={"pk": follow_up.kube_id, "follow_up_pk": follow_up.pk})


def visit_data(**extra):
    return {"visited_on": (TODAY() - dt.timedelta(days=2)).isoformat(), "kind": "pendampingan"} | extra


# --- Who may record and see -------------------------------------------------------------


def test_the_facilitator_records_a_visit_with_only_date_and_kind(client_for, facilitator, kube):
    client = client_for(facilitator)
    assert client.get(create_url(kube)).status_code == 200
    response = client.post(create_url(kube), visit_data())
    assert response.status_code == 302 and response["Location"] == list_url(kube)
    visit = Visit.objects.get()
    assert (visit.kube, visit.visitor, visit.kind, visit.created_by) == (kube, facilitator, "pendampingan", facilitator)
    assert visit.communication is None and visit.latitude is None and not visit.photos.exists()
    assert client.get(list_url(kube)).status_code == 200


def test_another_facilitator_gets_404_for_get_and_post(client_for, other_facilitator, kube):
    visit = VisitFactory(kube=kube)
    follow_up = FollowUpFactory(visit=visit)
    photo = VisitPhotoFactory(visit=visit)
    client = client_for(other_facilitator)
    photo_url = reverse("monitoring:visit_photo", kwargs={"pk": kube.pk, "photo_pk": photo.pk})
    small_url = reverse("monitoring:visit_photo_thumbnail", kwargs={"pk": kube.pk, "photo_pk": photo.pk})
    for url in (list_url(kube), create_url(kube), photo_url, small_url, close_url(follow_up)):
        assert client.get(url).status_code == 404, url
        assert client.post(url, visit_data()).status_code == 404, url
    assert Visit.objects.count() == 1
    assert FollowUp.objects.get().closed_on is None


def test_anonymous_goes_to_sign_in_and_nothing_is_saved(client, kube):
    for url in (list_url(kube), create_url(kube)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(create_url(kube), visit_data()).status_code == 302
    assert not Visit.objects.exists()


def test_the_officer_records_monev_only(client_for, officer, kube):
    client = client_for(officer)
    form = client.get(create_url(kube)).context["form"]
    assert [value for value, _label in form.fields["kind"].choices] == ["monev"]
    response = client.post(create_url(kube), visit_data(kind="pendampingan"))
    assert response.status_code == 200 and not Visit.objects.exists()
    assert client.post(create_url(kube), visit_data(kind="monev")).status_code == 302
    assert Visit.objects.get().visitor == officer


def test_a_facilitator_may_not_record_monev(facilitator, kube):
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=facilitator, kube=kube, visited_on=TODAY(), kind="monev")
    assert refused.value.message_dict == {"kind": [services.MSG_MONEV_OFFICE_ONLY]}


def test_a_visit_in_the_future_or_twice_the_same_day_is_refused(client_for, facilitator, kube):
    client = client_for(facilitator)
    response = client.post(create_url(kube), visit_data(visited_on=(TODAY() + dt.timedelta(days=1)).isoformat()))
    assert response.context["form"].errors["visited_on"]
    assert client.post(create_url(kube), visit_data()).status_code == 302
    response = client.post(create_url(kube), visit_data())
    assert "sudah tercatat" in response.context["form"].errors["visited_on"][0]
    assert Visit.objects.count() == 1


# --- Attendance ---------------------------------------------------------------------------


def test_attendance_ticks_active_members(client_for, facilitator, kube):
    present, absent = MembershipFactory(kube=kube), MembershipFactory(kube=kube)
    client = client_for(facilitator)
    form = client.get(create_url(kube)).context["form"]
    assert {value for value, _label in form.fields["attendees"].widget.choices} == {present.pk, absent.pk}
    client.post(create_url(kube), visit_data(attendees=[present.pk]))
    assert list(Visit.objects.get().attendees.all()) == [present]


def test_a_former_member_or_another_groups_member_is_refused(client_for, facilitator, kube):
    left = MembershipFactory(
        kube=kube, joined_on=dt.date(2020, 4, 1), left_on=dt.date(2023, 1, 31), leave_reason="pindah"
    )
    stranger = MembershipFactory(kube=KubeFactory(facilitator=facilitator))
    client = client_for(facilitator)
    form = client.get(create_url(kube)).context["form"]
    assert left.pk not in {value for value, _label in form.fields["attendees"].widget.choices}
    response = client.post(create_url(kube), visit_data(attendees=[left.pk]))
    assert response.context["form"].errors["attendees"] == [
        services.MSG_ATTENDEE_NOT_MEMBER.format(name=left.person.name)
    ]
    response = client.post(create_url(kube), visit_data(attendees=[stranger.pk]))
    assert response.context["form"].errors["attendees"]
    assert not Visit.objects.exists()


def test_a_member_who_joined_after_the_visit_date_is_refused(facilitator, kube):
    late = MembershipFactory(kube=kube, joined_on=TODAY())
    with pytest.raises(ValidationError) as refused:
        services.visit_record(
            actor=facilitator,
            kube=kube,
            visited_on=TODAY() - dt.timedelta(days=3),
            kind="pendampingan",
            attendees=[late],
        )
    assert list(refused.value.message_dict) == ["attendees"]


# --- Dynamics -----------------------------------------------------------------------------


def test_dynamics_are_stored_and_not_observed_is_null(client_for, facilitator, kube):
    response = client_for(facilitator).post(
        create_url(kube), visit_data(communication="3", conflict="", task_structure="4", cohesion_reason="kebutuhan")
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.communication, visit.conflict, visit.task_structure, visit.participation) == (3, None, 4, None)
    assert visit.cohesion_reason == "kebutuhan"


def test_the_form_offers_the_sentences_not_bare_numbers(client_for, facilitator, kube):
    page = client_for(facilitator).get(create_url(kube)).content.decode()
    assert "Ada jadwal piket tertulis; semua anggota bergiliran menjalankannya." in page
    assert page.count("Tidak diamati") >= 7


def test_a_score_of_5_is_refused(client_for, facilitator, kube):
    response = client_for(facilitator).post(create_url(kube), visit_data(communication="5"))
    assert response.context["form"].errors["communication"]
    with pytest.raises(ValidationError) as refused:
        services.visit_record(
            actor=facilitator, kube=kube, visited_on=TODAY(), kind="pendampingan", scores={"leadership": 5}
        )
    assert refused.value.message_dict == {"leadership": [services.MSG_SCORE_SCALE]}
    assert not Visit.objects.exists()


# --- Follow-ups ---------------------------------------------------------------------------


def test_follow_ups_are_agreed_with_the_visit(client_for, facilitator, kube):
    member = MembershipFactory(kube=kube)
    due = (TODAY() + dt.timedelta(days=14)).isoformat()
    response = client_for(facilitator).post(
        create_url(kube),
        visit_data(
            followup_0_action="Membuat jadwal piket",
            followup_0_owner="anggota",
            followup_0_owner_membership=member.pk,
            followup_0_due_on=due,
            followup_2_action="Mengurus izin PIRT",
            followup_2_owner="dinas",
            followup_2_due_on=due,
        ),
    )
    assert response.status_code == 302
    rows = list(FollowUp.objects.order_by("pk").values_list("action", "owner", "owner_membership", "kube"))
    assert rows == [
        ("Membuat jadwal piket", "anggota", member.pk, kube.pk),
        ("Mengurus izin PIRT", "dinas", None, kube.pk),
    ]


def test_a_follow_up_without_owner_or_due_date_saves_nothing(client_for, facilitator, kube):
    response = client_for(facilitator).post(create_url(kube), visit_data(followup_1_action="Rapat anggota"))
    errors = response.context["form"].errors
    assert errors["followup_1_owner"] == [services.MSG_OWNER_UNKNOWN]
    assert errors["followup_1_due_on"] == [services.MSG_DUE_REQUIRED]
    assert not Visit.objects.exists() and not FollowUp.objects.exists()


def test_closing_a_follow_up_needs_an_outcome_and_a_date_after_the_visit(client_for, facilitator, kube):
    visit = VisitFactory(kube=kube, visited_on=TODAY() - dt.timedelta(days=20))
    follow_up = FollowUpFactory(visit=visit)
    client = client_for(facilitator)
    prefix = f"tl{follow_up.pk}-"
    response = client.post(close_url(follow_up), {prefix + "closed_on": TODAY().isoformat(), prefix + "outcome": ""})
    assert response.context["form"].errors["outcome"] == [services.MSG_OUTCOME_REQUIRED]
    before = (visit.visited_on - dt.timedelta(days=1)).isoformat()
    response = client.post(close_url(follow_up), {prefix + "closed_on": before, prefix + "outcome": "Selesai"})
    assert response.context["form"].errors["closed_on"]
    follow_up.refresh_from_db()
    assert follow_up.closed_on is None
    assert client.get(close_url(follow_up)).status_code == 405


def test_the_next_visit_closes_the_follow_up(client_for, facilitator, kube):
    follow_up = FollowUpFactory(visit=VisitFactory(kube=kube, visited_on=TODAY() - dt.timedelta(days=20)))
    client = client_for(facilitator)
    client.post(create_url(kube), visit_data(visited_on=TODAY().isoformat()))
    next_visit = Visit.objects.get(visited_on=TODAY())
    page = client.get(list_url(kube))
    assert follow_up in page.context["follow_ups"]
    prefix = f"tl{follow_up.pk}-"
    response = client.post(
        close_url(follow_up),
        {prefix + "closed_on": TODAY().isoformat(), prefix + "outcome": "Jadwal piket ditempel di rumah produksi."},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.closed_on, follow_up.closed_at_visit, follow_up.outcome) == (
        TODAY(),
        next_visit,
        "Jadwal piket ditempel di rumah produksi.",
    )
    assert follow_up not in client.get(list_url(kube)).context["follow_ups"]
    with pytest.raises(ValidationError):
        services.follow_up_close(actor=facilitator, follow_up=follow_up, closed_on=TODAY(), outcome="lagi")


# --- The list's queries -------------------------------------------------------------------


def _list_queries(client, kube) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(list_url(kube)).status_code == 200
    return len(queries)


def _visits_with_everything(kube, count):
    member = MembershipFactory(kube=kube)
    for _index in range(count):
        visit = VisitFactory(kube=kube, communication=3, leadership=2, problem_areas="usaha,keuangan")
        visit.attendees.add(member)
        VisitPhotoFactory(visit=visit)
        VisitPhotoFactory(visit=visit)
        FollowUpFactory(visit=visit)


def test_the_list_query_count_does_not_grow_with_visits(client_for, facilitator, kube):
    client = client_for(facilitator)
    _visits_with_everything(kube, 1)
    one = _list_queries(client, kube)
    _visits_with_everything(kube, 9)
    ten = _list_queries(client, kube)
    # session, user, roles, the group, count, visits (+ head count), photos, open follow-ups,
    # the form tokens: the same with 1 visit and with 10.
    assert one == ten
    page = client.get(list_url(kube)).content.decode()
    assert page.count("/kunjungan/foto/") == 2 * 10 * 2  # each thumbnail: a link and an image
    assert "1 anggota hadir" in page


# --- Location and limits ------------------------------------------------------------------


def test_the_location_is_kept_only_when_the_browser_gave_it(client_for, facilitator, kube):
    client = client_for(facilitator)
    client.post(create_url(kube), visit_data(latitude="0.133851", longitude="117.500083", accuracy="23.4"))
    visit = Visit.objects.get()
    assert (str(visit.latitude), str(visit.longitude), visit.location_accuracy_m) == ("0.133851", "117.500083", 23)
    response = client.post(create_url(kube), visit_data(kind="pertemuan", latitude="123", longitude="117"))
    assert services.MSG_LOCATION_INVALID in response.context["form"].non_field_errors()
    assert Visit.objects.count() == 1


def test_more_than_three_photos_are_refused(facilitator, kube):
    with pytest.raises(ValidationError) as refused:
        services.visit_record(
            actor=facilitator, kube=kube, visited_on=TODAY(), kind="pendampingan", photos=[object()] * 4
        )
    assert refused.value.message_dict == {"photos": [services.MSG_TOO_MANY_PHOTOS.format(limit=3)]}


def test_a_huge_member_number_is_a_wrong_choice_not_a_crash(client_for, facilitator, kube):
    huge = "9" * 40
    response = client_for(facilitator).post(
        create_url(kube), visit_data(attendees=[huge], followup_0_owner_membership=huge)
    )
    errors = response.context["form"].errors
    assert errors["attendees"] and errors["followup_0_owner_membership"]
    assert not Visit.objects.exists()


def test_the_profile_links_to_the_visits(client_for, facilitator, kube):
    page = client_for(facilitator).get(kube.get_absolute_url()).content.decode()
    assert f'href="{list_url(kube)}"' in page
