"""Adding members, changing roles, recording leaving, correcting personal data."""

import datetime as dt

from django.urls import reverse

from groups.models import Membership, Person, Role
from tests.factories import MembershipFactory, make_nik

VALID_NIK = make_nik(sex="P", birth_on=dt.date(1985, 8, 12), serial=77)


def add_url(kube):
    return reverse("groups:member_add", kwargs={"pk": kube.pk})


def member_data(**overrides):
    return {"nik": VALID_NIK, "name": "Rahmawati", "sex": "P", "role": "anggota", "is_dtks": "on"} | overrides


def test_facilitator_adds_member_and_history_names_them(client_for, facilitator, kube):
    client = client_for(facilitator)
    response = client.post(add_url(kube), member_data(nik=f"{VALID_NIK[:4]}.{VALID_NIK[4:]}", joined_on="2023-01-02"))
    assert response["Location"] == kube.get_absolute_url()
    membership = kube.memberships.get()
    assert (membership.person.nik, membership.person.birth_on) == (VALID_NIK, dt.date(1985, 8, 12))
    assert membership.history.get().history_user == facilitator
    assert membership.person.history.get().history_user == facilitator
    page = client.get(kube.get_absolute_url()).content.decode()
    assert "Rahmawati ditambahkan sebagai anggota." in page
    assert "Keanggotaan Rahmawati dibuat" in page


def test_add_member_invalid_nik_names_the_field_and_writes_nothing(client_for, officer, kube):
    response = client_for(officer).post(add_url(kube), member_data(nik="6474013705850077"))
    assert "tanggal lahir yang tidak mungkin" in response.context["form"].errors["nik"][0]
    assert not Person.objects.exists()


def test_add_member_sex_disagreeing_with_nik(client_for, officer, kube):
    response = client_for(officer).post(add_url(kube), member_data(sex="L"))
    assert "Jenis kelamin tidak sesuai dengan NIK" in response.context["form"].errors["nik"][0]


def test_add_member_active_elsewhere_is_refused_with_group_name(client_for, officer, kube):
    other = MembershipFactory(kube__name="KUBE Tetangga")
    response = client_for(officer).post(add_url(kube), member_data(nik=other.person.nik, sex=other.person.sex))
    message = response.context["form"].errors["nik"][0]
    assert "masih anggota aktif KUBE Tetangga" in message
    assert not kube.memberships.exists()


def test_add_second_ketua_is_refused_naming_the_current_one(client_for, officer, kube):
    MembershipFactory(kube=kube, role=Role.KETUA, person__name="Bu Ketua")
    response = client_for(officer).post(add_url(kube), member_data(role="ketua"))
    assert "sudah memiliki ketua aktif: Bu Ketua" in response.context["form"].errors["role"][0]
    assert kube.memberships.count() == 1


def test_former_member_of_another_group_can_join(client_for, officer, kube):
    former = MembershipFactory(left_on=dt.date(2022, 1, 1), leave_reason="pindah")
    client_for(officer).post(add_url(kube), member_data(nik=former.person.nik, name=former.person.name))
    assert kube.memberships.get().person == former.person


def test_change_role_to_taken_officer_role_is_refused(client_for, officer, kube):
    MembershipFactory(kube=kube, role=Role.BENDAHARA, person__name="Bu Bendahara")
    member = MembershipFactory(kube=kube)
    url = reverse("groups:member_role", kwargs={"pk": kube.pk, "membership_pk": member.pk})
    response = client_for(officer).post(url, {"role": "bendahara"})
    assert "sudah memiliki bendahara aktif: Bu Bendahara" in response.context["form"].errors["role"][0]
    member.refresh_from_db()
    assert member.role == Role.ANGGOTA


def test_change_role_records_history(client_for, officer, kube):
    member = MembershipFactory(kube=kube)
    url = reverse("groups:member_role", kwargs={"pk": kube.pk, "membership_pk": member.pk})
    client_for(officer).post(url, {"role": "sekretaris"})
    latest = member.history.first()
    assert (latest.role, latest.history_user, latest.history_type) == ("sekretaris", officer, "~")
    page = client_for(officer).get(kube.get_absolute_url()).content.decode()
    assert "<del>Anggota</del> → Sekretaris" in page


def test_record_leaving_moves_member_to_former(client_for, officer, kube):
    member = MembershipFactory(kube=kube, joined_on=dt.date(2020, 4, 1))
    url = reverse("groups:member_leave", kwargs={"pk": kube.pk, "membership_pk": member.pk})
    client_for(officer).post(url, {"left_on": "2024-06-30", "leave_reason": "mampu"})
    member.refresh_from_db()
    assert (member.left_on, member.leave_reason) == (dt.date(2024, 6, 30), "mampu")
    assert member.history.first().history_user == officer


def test_record_leaving_before_joining_names_the_field(client_for, officer, kube):
    member = MembershipFactory(kube=kube, joined_on=dt.date(2020, 4, 1))
    url = reverse("groups:member_leave", kwargs={"pk": kube.pk, "membership_pk": member.pk})
    response = client_for(officer).post(url, {"left_on": "2019-01-01", "leave_reason": "pindah"})
    assert "tidak boleh sebelum tanggal masuk" in response.context["form"].errors["left_on"][0]
    assert Membership.objects.get(pk=member.pk).left_on is None


def test_officer_corrects_name_without_seeing_nik(client_for, officer, kube):
    member = MembershipFactory(kube=kube, person__name="Siti Aminh")
    url = reverse("groups:person_update", kwargs={"pk": kube.pk, "membership_pk": member.pk})
    client = client_for(officer)
    form_page = client.get(url).content.decode()
    assert member.person.nik not in form_page
    data = {"nik": "", "kk": "", "name": "Siti Aminah", "sex": "P", "is_dtks": "on"}
    client.post(url, data)
    member.person.refresh_from_db()
    assert (member.person.name, member.person.nik) == ("Siti Aminah", member.person.nik)
    change = member.person.history.first()
    assert (change.history_user, change.name) == (officer, "Siti Aminah")


def test_admin_corrects_nik_checked_again(client_for, admin_user, kube):
    member = MembershipFactory(kube=kube)
    url = reverse("groups:person_update", kwargs={"pk": kube.pk, "membership_pk": member.pk})
    data = {"nik": "6474019905800001", "name": "X", "sex": "P", "birth_on": ""}
    response = client_for(admin_user).post(url, data)
    assert "tidak mungkin" in response.context["form"].errors["nik"][0]
