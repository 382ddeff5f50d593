"""Edit forms carry the version they were read at; a stale save is refused (issue 13)."""

import datetime as dt
import io

from django.core.management import call_command
from django.urls import reverse

from groups import services
from groups.models import Kube, LeaveReason
from tests.factories import MembershipFactory, PersonFactory
from tests.workbooks import KELOMPOK, write_workbook

STALE = "setelah Anda membukanya; isian Anda belum disimpan"


def form_data(response) -> dict:
    """What the browser would send back: the form's initial values, hidden fields included."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else (value.pk if hasattr(value, "pk") else value)
    return data


def test_group_form_read_before_another_save_is_refused_with_the_changes(client_for, officer, kube):
    client = client_for(officer)
    url = reverse("groups:kube_update", kwargs={"pk": kube.pk})
    data = form_data(client.get(url))
    assert data["version"] == kube.version == 1
    services.kube_update(actor=officer, kube=kube, name="KUBE Nama Baru", rt="09")

    response = client.post(url, data | {"address": "Jl. Baru 1"})

    assert response.status_code == 200
    error = response.context["form"].non_field_errors()[0]
    assert STALE in error
    assert "KUBE Mekar Uji → KUBE Nama Baru" in error and "RT: 07 → 09" in error
    assert response.context["form"]["address"].value() == "Jl. Baru 1"  # what was typed stays
    kube.refresh_from_db()
    assert (kube.name, kube.address, kube.version) == ("KUBE Nama Baru", "", 2)
    # The refused page now carries the current version: saving again, knowingly, goes through.
    assert response.context["form"]["version"].value() == 2
    again = client.post(url, data | {"address": "Jl. Baru 1", "version": 2, "name": "KUBE Nama Baru", "rt": "09"})
    assert again.status_code == 302
    kube.refresh_from_db()
    assert (kube.address, kube.version) == ("Jl. Baru 1", 3)


def test_group_form_saved_at_its_version_goes_through(client_for, officer, kube):
    client = client_for(officer)
    url = reverse("groups:kube_update", kwargs={"pk": kube.pk})
    response = client.post(url, form_data(client.get(url)) | {"rt": "11"})
    assert response.status_code == 302
    assert Kube.objects.get(pk=kube.pk).version == 2


def test_an_import_makes_an_open_group_form_stale(tmp_path, client_for, officer, kube):
    client = client_for(officer)
    url = reverse("groups:kube_update", kwargs={"pk": kube.pk})
    data = form_data(client.get(url))
    row = [kube.no_registrasi, "KUBE Dari Impor", "Bontang Utara", "Guntung", "", "", "2020-04-01", "produksi"]
    row += ["", "", "", "", "", "", ""]
    path = write_workbook(tmp_path / "k.xlsx", {"kelompok": [KELOMPOK, row]})
    call_command("import_registry", str(path), "--user", officer.username, stdout=io.StringIO())
    kube.refresh_from_db()
    assert (kube.name, kube.version) == ("KUBE Dari Impor", 2)

    response = client.post(url, data)

    assert "KUBE Mekar Uji → KUBE Dari Impor" in response.context["form"].non_field_errors()[0]
    assert Kube.objects.get(pk=kube.pk).name == "KUBE Dari Impor"


def test_person_form_stale_save_masks_personal_data_for_a_facilitator(client_for, facilitator, officer, kube):
    person = PersonFactory(kk="6474011215000123", phone="0812 1")
    membership = MembershipFactory(kube=kube, person=person)
    client = client_for(facilitator)
    url = reverse("groups:person_update", kwargs={"pk": kube.pk, "membership_pk": membership.pk})
    data = form_data(client.get(url))
    services.person_update(actor=officer, person=person, kk="6474011215000999", phone="0812 2", name="Nama Baru")

    response = client.post(url, data)

    error = response.context["form"].non_field_errors()[0]
    assert STALE in error and "Nama Baru" in error
    assert "6474011215000999" not in error and "0812 2" not in error and "0812 1" not in error
    person.refresh_from_db()
    assert (person.name, person.phone) == ("Nama Baru", "0812 2")


def test_membership_role_and_leave_forms_refuse_a_stale_save(client_for, officer, kube):
    membership = MembershipFactory(kube=kube)
    client = client_for(officer)
    role_url = reverse("groups:member_role", kwargs={"pk": kube.pk, "membership_pk": membership.pk})
    leave_url = reverse("groups:member_leave", kwargs={"pk": kube.pk, "membership_pk": membership.pk})
    role_data, leave_data = form_data(client.get(role_url)), form_data(client.get(leave_url))
    services.membership_change_role(actor=officer, membership=membership, role="sekretaris")

    response = client.post(role_url, role_data | {"role": "bendahara"})
    assert "Jabatan: Anggota → Sekretaris" in response.context["form"].non_field_errors()[0]
    leave_data |= {"left_on": "2024-01-02", "leave_reason": LeaveReason.PINDAH}
    response = client.post(leave_url, leave_data)
    assert STALE in response.context["form"].non_field_errors()[0]
    membership.refresh_from_db()
    assert (membership.role, membership.left_on) == ("sekretaris", None)
    assert membership.joined_on == dt.date(2020, 4, 1)
