"""Correcting a recorded visit: the form filled from the visit, who may correct which
visit (404 outside the group, 403 for a kind that is not theirs), the same rules as
recording, stale edits, photos removed and added, and fixed query counts."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from kube_registry import versioning
from monitoring import services
from monitoring.models import FollowUp, Visit, VisitPhoto
from tests.factories import KubeFactory, MembershipFactory
from tests.monitoring.factories import FollowUpFactory, VisitFactory, VisitPhotoFactory

pytestmark = pytest.mark.django_db

VISITED_ON = dt.date(2024, 3, 5)


def edit_url(visit, kube=None):
    return reverse("monitoring:visit_update", kwargs={"pk": (kube or visit.kube).pk, "visit_pk": visit.pk})


def list_url(kube):
    return reverse("monitoring:visit_list", kwargs={"pk": kube.pk})


def jpeg_upload(name="baru.jpg", size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 140, 90)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def shown(form) -> dict:
    """What the edit page's form would send back untouched (its values, the hidden token and version)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or name == "photos":
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def resend(client, visit, files=None, **changes):
    """GET the edit page and POST its form back with `changes` (what a user does)."""
    page = client.get(edit_url(visit))
    assert page.status_code == 200
    data = shown(page.context["form"]) | changes
    if files:
        data["photos"] = files
    return client.post(edit_url(visit), data)


def a_visit(kube, **values):
    return VisitFactory(kube=kube, visited_on=VISITED_ON, **values)


# --- The form, filled from the visit ---------------------------------------------------------


def test_the_form_is_filled_from_the_visit(client_for, facilitator, kube):
    present, absent = MembershipFactory(kube=kube), MembershipFactory(kube=kube)
    visit = a_visit(
        kube,
        kind="pertemuan",
        activities="Rapat bulanan",
        problem_areas="usaha,keuangan",
        problems="Kas belum dicatat",
        notes="Ketua hadir",
        communication=3,
        participation=2,
        cohesion_reason="kebutuhan",
    )
    visit.attendees.add(present)
    photo = VisitPhotoFactory(visit=visit)
    FollowUpFactory(visit=visit, action="Membuat jadwal piket")
    response = client_for(facilitator).get(edit_url(visit))
    assert response.status_code == 200
    form = response.context["form"]
    values = {name: form[name].value() for name in ("visited_on", "kind", "activities", "problems", "notes")}
    assert values == {
        "visited_on": VISITED_ON,
        "kind": "pertemuan",
        "activities": "Rapat bulanan",
        "problems": "Kas belum dicatat",
        "notes": "Ketua hadir",
    }
    assert form["attendees"].value() == [present.pk]
    assert form["problem_areas"].value() == ["usaha", "keuangan"]
    assert (form["communication"].value(), form["conflict"].value(), form["participation"].value()) == (3, "", 2)
    assert form["cohesion_reason"].value() == "kebutuhan"
    assert form["version"].value() == visit.version
    page = response.content.decode()
    ticked = {int(pk) for pk in re.findall(r'<input type="checkbox" name="attendees" value="(\d+)"[^>]*checked', page)}
    assert ticked == {present.pk} and absent.person.name in page
    # Its photo with a "Hapus foto" box; follow-ups are closed on the list, not agreed here.
    assert f'name="delete_photos" value="{photo.pk}"' in page and "Hapus foto" in page
    assert "followup_0_action" not in page and "followup_0_action" not in form.fields


def test_a_member_who_left_after_the_visit_can_still_be_ticked(client_for, facilitator, kube):
    left = MembershipFactory(kube=kube, left_on=dt.date(2024, 6, 30), leave_reason="pindah")
    visit = a_visit(kube)
    visit.attendees.add(left)
    form = client_for(facilitator).get(edit_url(visit)).context["form"]
    assert left.pk in {value for value, _label in form.fields["attendees"].widget.choices}
    assert form["attendees"].value() == [left.pk]


# --- Attendance and scores through the form --------------------------------------------------


def test_the_facilitator_corrects_attendance_and_scores(client_for, facilitator, kube):
    first, second, third = (MembershipFactory(kube=kube) for _ in range(3))
    visit = a_visit(kube, communication=2, leadership=3, latitude="0.133851", longitude="117.500083")
    visit.attendees.add(first, second)
    client = client_for(facilitator)
    response = resend(
        client,
        visit,
        attendees=[str(second.pk), str(third.pk)],
        communication="4",
        leadership="",
        participation="1",
        notes="  Salah ketik diperbaiki  ",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{list_url(kube)}#kunjungan-{visit.pk}"
    visit.refresh_from_db()
    assert set(visit.attendees.all()) == {second, third}
    assert (visit.communication, visit.leadership, visit.participation) == (4, None, 1)
    assert visit.notes == "Salah ketik diperbaiki"
    assert visit.version == 2 and visit.visitor == facilitator
    # No new reading sent: the stored location stays.
    assert (str(visit.latitude), str(visit.longitude)) == ("0.133851", "117.500083")
    latest = visit.history.first()
    assert (latest.history_user, latest.version, latest.communication) == (facilitator, 2, 4)
    assert "Kunjungan 05-03-2024 disimpan." in client.get(list_url(kube)).content.decode()


def test_a_new_location_reading_replaces_the_stored_one(client_for, facilitator, kube):
    visit = a_visit(kube, latitude="0.133851", longitude="117.500083", location_accuracy_m=30)
    response = resend(client_for(facilitator), visit, latitude="0.1", longitude="117.4", accuracy="12")
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (str(visit.latitude), str(visit.longitude), visit.location_accuracy_m) == ("0.100000", "117.400000", 12)


def test_the_date_and_kind_can_be_corrected_but_not_onto_another_visit(client_for, facilitator, kube):
    visit = a_visit(kube)
    other = VisitFactory(kube=kube, visited_on=dt.date(2024, 3, 6), kind="pertemuan")
    client = client_for(facilitator)
    response = resend(client, visit, visited_on="2024-03-06", kind="pertemuan")
    assert response.status_code == 200
    assert response.context["form"].errors["visited_on"] == [
        services.MSG_VISIT_EXISTS.format(kind="Pertemuan kelompok", date="06-03-2024")
    ]
    visit.refresh_from_db()
    assert (visit.visited_on, visit.kind, visit.version) == (VISITED_ON, "pendampingan", 1)
    assert resend(client, visit, visited_on="2024-03-07", kind="pertemuan").status_code == 302
    visit.refresh_from_db()
    assert (visit.visited_on, visit.kind) == (dt.date(2024, 3, 7), "pertemuan")
    assert Visit.objects.count() == 2 and other.pk != visit.pk


# --- Who may correct which visit -------------------------------------------------------------


def test_another_facilitator_gets_404_for_get_and_post(client_for, other_facilitator, kube):
    visit = a_visit(kube, notes="asli")
    client = client_for(other_facilitator)
    assert client.get(edit_url(visit)).status_code == 404
    assert client.post(edit_url(visit), {"visited_on": "2024-03-05", "kind": "pendampingan"}).status_code == 404
    visit.refresh_from_db()
    assert (visit.notes, visit.version) == ("asli", 1)


def test_a_visit_of_another_group_under_this_groups_url_is_404(client_for, facilitator, officer, kube):
    second = KubeFactory(facilitator=facilitator)
    theirs = a_visit(second)
    data = {"visited_on": "2024-03-05", "kind": "pendampingan", "notes": "diubah"}
    for user in (facilitator, officer):
        client = client_for(user)
        assert client.get(edit_url(theirs, kube=kube)).status_code == 404
        assert client.post(edit_url(theirs, kube=kube), data).status_code == 404
    theirs.refresh_from_db()
    assert theirs.notes == "" and theirs.version == 1
    assert client_for(facilitator).get(edit_url(theirs)).status_code == 200  # under its own group's URL


def test_anonymous_goes_to_sign_in_and_other_methods_are_405(client, client_for, facilitator, kube):
    visit = a_visit(kube)
    response = client.get(edit_url(visit))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(edit_url(visit), {"visited_on": "2024-03-05", "kind": "pendampingan"}).status_code == 302
    assert client_for(facilitator).put(edit_url(visit)).status_code == 405
    visit.refresh_from_db()
    assert visit.version == 1


def test_a_facilitator_may_not_correct_a_monev_visit(client_for, facilitator, officer, kube):
    monev = a_visit(kube, kind="monev", visitor=officer, notes="asli")
    client = client_for(facilitator)
    response = client.get(edit_url(monev))
    assert response.status_code == 403
    assert services.MSG_MONEV_OFFICE_ONLY in response.content.decode()
    assert client.post(edit_url(monev), {"visited_on": "2024-03-05", "kind": "pendampingan"}).status_code == 403
    with pytest.raises(ValidationError) as refused:
        services.visit_update(actor=facilitator, visit=monev, visited_on=VISITED_ON, kind="monev", notes="x")
    assert refused.value.message_dict == {"kind": [services.MSG_MONEV_OFFICE_ONLY]}
    monev.refresh_from_db()
    assert (monev.notes, monev.version) == ("asli", 1)


def test_the_officer_corrects_monev_visits_only(client_for, officer, kube):
    monev = a_visit(kube, kind="monev", visitor=officer)
    routine = VisitFactory(kube=kube, visited_on=VISITED_ON)
    client = client_for(officer)
    assert client.get(edit_url(routine)).status_code == 403
    form = client.get(edit_url(monev)).context["form"]
    assert [value for value, _label in form.fields["kind"].choices] == ["monev"]
    assert resend(client, monev, notes="Catatan monev").status_code == 302
    monev.refresh_from_db()
    assert (monev.notes, monev.visitor, monev.history.first().history_user) == ("Catatan monev", officer, officer)
    # Nor can the office turn it into a facilitator's kind.
    response = resend(client, monev, kind="pendampingan")
    assert response.status_code == 200 and response.context["form"].errors["kind"]


def test_the_list_links_each_visit_its_user_may_correct(client_for, facilitator, officer, kube):
    routine = a_visit(kube)
    monev = VisitFactory(kube=kube, visited_on=VISITED_ON, kind="monev", visitor=officer)
    page = client_for(facilitator).get(list_url(kube)).content.decode()
    assert f'href="{edit_url(routine)}"' in page and f'href="{edit_url(monev)}"' not in page
    page = client_for(officer).get(list_url(kube)).content.decode()
    assert f'href="{edit_url(monev)}"' in page and f'href="{edit_url(routine)}"' not in page


# --- The rules of recording, refused with nothing written ------------------------------------


def test_a_score_of_5_is_refused_naming_the_field_and_nothing_is_written(client_for, facilitator, kube):
    member = MembershipFactory(kube=kube)
    visit = a_visit(kube, communication=2)
    client = client_for(facilitator)
    response = resend(client, visit, communication="5", notes="berubah", attendees=[str(member.pk)])
    assert response.status_code == 200 and response.context["form"].errors["communication"]
    with pytest.raises(ValidationError) as refused:
        services.visit_update(
            actor=facilitator, visit=visit, visited_on=VISITED_ON, kind="pendampingan", scores={"leadership": 5}
        )
    assert refused.value.message_dict == {"leadership": [services.MSG_SCORE_SCALE]}
    visit.refresh_from_db()
    assert (visit.communication, visit.leadership, visit.notes, visit.version) == (2, None, "", 1)
    assert not visit.attendees.exists() and visit.history.count() == 1


def test_a_former_member_and_a_future_date_are_refused_as_when_recording(client_for, facilitator, kube):
    left = MembershipFactory(kube=kube, left_on=dt.date(2024, 1, 31), leave_reason="pindah")
    visit = a_visit(kube)
    client = client_for(facilitator)
    response = client.post(
        edit_url(visit), {"visited_on": "2024-03-05", "kind": "pendampingan", "attendees": [left.pk]}
    )
    assert response.context["form"].errors["attendees"] == [
        services.MSG_ATTENDEE_NOT_MEMBER.format(name=left.person.name)
    ]
    response = resend(client, visit, visited_on="2999-01-01")
    assert response.context["form"].errors["visited_on"]
    visit.refresh_from_db()
    assert (visit.visited_on, visit.version) == (VISITED_ON, 1) and not visit.attendees.exists()


def test_a_stale_edit_is_refused_and_writes_nothing(client_for, facilitator, kube):
    visit = a_visit(kube)
    client = client_for(facilitator)
    data = shown(client.get(edit_url(visit)).context["form"])
    # Meanwhile the same visit is corrected from another device.
    services.visit_update(
        actor=facilitator, visit=visit, version=1, visited_on=VISITED_ON, kind="pendampingan", notes="Dari ponsel"
    )
    response = client.post(edit_url(visit), data | {"notes": "Dari laptop", "communication": "3"})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and errors[0].startswith("Data ini sudah diubah oleh")
    assert "Catatan: — → Dari ponsel" in errors[0]
    visit.refresh_from_db()
    assert (visit.notes, visit.communication, visit.version) == ("Dari ponsel", None, 2)
    # The page now carries the current version: saving again, knowingly, goes through.
    assert response.context["form"].data[versioning.FIELD] == 2
    again = dict(response.context["form"].data.lists())
    assert client.post(edit_url(visit), again).status_code == 302
    visit.refresh_from_db()
    assert (visit.notes, visit.communication, visit.version) == ("Dari laptop", 3, 3)


def test_moving_a_visit_after_its_follow_ups_due_date_is_refused(client_for, facilitator, kube):
    visit = a_visit(kube)
    follow_up = FollowUpFactory(visit=visit, due_on=dt.date(2024, 3, 20))
    client = client_for(facilitator)
    response = resend(client, visit, visited_on="2024-03-25")
    assert response.context["form"].errors["visited_on"]
    assert resend(client, visit, visited_on="2024-03-10").status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.visit_id, follow_up.due_on, FollowUp.objects.count()) == (visit.pk, dt.date(2024, 3, 20), 1)


# --- Photos -----------------------------------------------------------------------------------


def test_one_photo_removed_and_one_added(client_for, facilitator, kube):
    visit = a_visit(kube)
    gone, kept = VisitPhotoFactory(visit=visit), VisitPhotoFactory(visit=visit)
    response = resend(client_for(facilitator), visit, files=[jpeg_upload()], delete_photos=[str(gone.pk)])
    assert response.status_code == 302
    photos = list(visit.photos.order_by("pk"))
    assert len(photos) == 2 and photos[0] == kept and gone not in photos
    with Image.open(io.BytesIO(bytes(photos[1].content))) as image:
        assert image.format == "JPEG" and image.size == (64, 48) == (photos[1].width, photos[1].height)


def test_a_fourth_photo_is_refused(client_for, facilitator, kube):
    visit = a_visit(kube)
    for _index in range(3):
        VisitPhotoFactory(visit=visit)
    client = client_for(facilitator)
    page = client.get(edit_url(visit))
    assert len(page.context["form"].photo_inputs) == 1  # to replace one: tick it, choose the new one
    response = resend(client, visit, files=[jpeg_upload()])
    assert response.context["form"].errors["photos"] == [services.MSG_TOO_MANY_PHOTOS.format(limit=3)]
    assert visit.photos.count() == 3
    visit.refresh_from_db()
    assert visit.version == 1
    one = visit.photos.first()
    assert resend(client, visit, files=[jpeg_upload()], delete_photos=[str(one.pk)]).status_code == 302
    assert visit.photos.count() == 3 and not visit.photos.filter(pk=one.pk).exists()


def test_only_the_visits_own_photos_are_removed(client_for, facilitator, kube):
    visit = a_visit(kube)
    own = VisitPhotoFactory(visit=visit)
    elsewhere = VisitPhotoFactory(visit=VisitFactory(kube=kube))
    response = resend(client_for(facilitator), visit, delete_photos=[str(elsewhere.pk)])
    assert response.status_code == 200 and response.context["form"].errors["delete_photos"]
    services.visit_update(
        actor=facilitator, visit=visit, visited_on=VISITED_ON, kind="pendampingan", delete_photos=[elsewhere.pk]
    )
    assert VisitPhoto.objects.filter(pk__in=[own.pk, elsewhere.pk]).count() == 2


# --- Queries ----------------------------------------------------------------------------------


def _visit_with(kube, members: int, photos: int) -> tuple[Visit, list]:
    visit = VisitFactory(kube=kube)
    ticked = [MembershipFactory(kube=kube) for _ in range(members)]
    others = [MembershipFactory(kube=kube) for _ in range(members)]
    visit.attendees.set(ticked)
    for _index in range(photos):
        VisitPhotoFactory(visit=visit)
    return visit, others


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code in {200, 302}, response.status_code
    return len(queries)


def test_the_edit_page_query_count_does_not_grow_with_attendees_or_photos(client_for, facilitator, kube):
    client = client_for(facilitator)
    small, _others = _visit_with(kube, members=1, photos=1)
    large, _others = _visit_with(KubeFactory(facilitator=facilitator), members=8, photos=3)
    # session, user, permissions (2), roles, the group, the visit, its ticks, its photos, the members.
    assert _queries(lambda: client.get(edit_url(small))) == _queries(lambda: client.get(edit_url(large)))


def test_saving_the_edit_query_count_does_not_grow_with_attendees_or_photos(client_for, facilitator, kube):
    client = client_for(facilitator)
    counts = []
    for members, photos in ((1, 1), (8, 3)):
        visit, others = _visit_with(KubeFactory(facilitator=facilitator), members=members, photos=photos)
        data = shown(client.get(edit_url(visit)).context["form"])
        data |= {
            "attendees": [str(m.pk) for m in others],
            "delete_photos": [str(pk) for pk in visit.photos.values_list("pk", flat=True)],
            "photos": [jpeg_upload(), jpeg_upload("kedua.jpg")],
        }
        # The page's queries, the ticked members, the token, the locked visit, its photos,
        # the active members, the save and its history, the ticks (read, removed, added),
        # the photos removed and added, the token's result: the same with 1 or 8 and 1 or 3.
        counts.append(_queries(lambda data=data, visit=visit: client.post(edit_url(visit), data)))
        assert set(visit.attendees.all()) == set(others) and visit.photos.count() == 2
    assert counts[0] == counts[1]
