"""Issue "Registry core", in the browser: an officer adds a member to KUBE Mekar Sari.

The officer signs in, finds the group by search, opens its profile, is refused an
invalid NIK with a message in Indonesian, then adds a member with a valid NIK and sees
them listed with the NIK masked (officers may not read NIKs in full).
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from groups.models import Membership, Person, Sex
from tests.e2e.helpers import failed_responses
from tests.factories import (
    TEST_PASSWORD,
    FacilitatorFactory,
    KubeFactory,
    MembershipFactory,
    OfficerFactory,
    PersonFactory,
    make_nik,
)

pytestmark = [
    pytest.mark.e2e,
    # live_server flushes the database after the test; serialized rollback puts the
    # roles and regions from the data migrations back for whichever test comes next.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_NAME = "Siti Rahmawati"
NEW_BIRTH = dt.date(1985, 3, 12)
NEW_NIK = make_nik(sex=Sex.FEMALE, birth_on=NEW_BIRTH, serial=1)  # 6474015203850001
NEW_NIK_MASKED = "6474 •••• •••• ••••"


def mekar_sari():
    """KUBE Mekar Sari with two members, and another group the search must leave out."""
    kube = KubeFactory(name="KUBE Mekar Sari", facilitator=FacilitatorFactory(username="pendamping1"))
    for serial, name in ((11, "Wahyuni"), (12, "Nurhayati")):
        person = PersonFactory(name=name, nik=make_nik(sex=Sex.FEMALE, serial=serial))
        MembershipFactory(kube=kube, person=person)
    KubeFactory(name="KUBE Sumber Rejeki")
    return kube


def test_officer_finds_group_and_adds_member_with_checked_nik(live_server, page: Page):
    officer = OfficerFactory(username="petugas", first_name="Rina")
    kube = mekar_sari()
    people_before = Person.objects.count()

    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    failed = failed_responses(page.context)
    # A request the browser abandons because the user moved on (the dashboard's chart
    # library while the officer already searches) is not a failure to load.
    page.context.on(
        "requestfailed",
        lambda request: (
            None
            if "ERR_ABORTED" in (request.failure or "")
            else failed.append(f"failed {request.url}: {request.failure}")
        ),
    )
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    # Sign in.
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Masuk ke Registri KUBE")).to_be_visible()
    page.locator("input[name=username]").fill(officer.username)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_text("Petugas Dinas Sosial")).to_be_visible()

    # The group list, searched by name.
    page.get_by_role("link", name="Daftar KUBE", exact=True).click()
    expect(page).to_have_url(re.compile(r"/kelompok/$"))
    expect(page.get_by_role("link", name="KUBE Sumber Rejeki")).to_be_visible()
    page.locator("input[name=q]").fill("Mekar Sari")
    page.get_by_role("button", name="Cari").click()
    expect(page).to_have_url(re.compile(r"/kelompok/\?.*q=Mekar\+Sari"))
    expect(page.get_by_text("1 kelompok", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="KUBE Sumber Rejeki")).to_have_count(0)

    # Its profile.
    page.get_by_role("link", name="KUBE Mekar Sari").click()
    expect(page).to_have_url(f"{live_server.url}{kube.get_absolute_url()}")
    expect(page.get_by_role("heading", name="KUBE Mekar Sari", level=1)).to_be_visible()
    members = page.locator("#anggota")
    expect(members.locator(".card-header")).to_have_text("Anggota aktif (2)")

    # An NIK that is too short: refused with the reason under the field, nothing saved.
    page.get_by_role("link", name="Tambah anggota").click()
    expect(page.get_by_role("heading", name="Tambah anggota", level=1)).to_be_visible()
    nik_input = page.locator("input[name=nik]")
    nik_input.fill("6474 0152 0385")
    page.locator("input[name=name]").fill(NEW_NAME)
    page.get_by_label("Perempuan").check()
    page.get_by_role("button", name="Simpan").click()
    nik_error = page.locator("#div_id_nik .invalid-feedback")
    expect(nik_error).to_have_text("NIK harus 16 digit angka (tertulis 12 digit).")
    expect(nik_input).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_have_text("Periksa isian yang ditandai di bawah.")
    expect(page.locator("input[name=name]")).to_have_value(NEW_NAME)  # the typing is kept
    assert Person.objects.count() == people_before

    # Sixteen digits, but day 72 - 40 = 32 is no date: refused as well.
    nik_input.fill("6474 0172 0385 0001")
    page.get_by_role("button", name="Simpan").click()
    expect(nik_error).to_contain_text("NIK memuat tanggal lahir yang tidak mungkin (720385)")
    assert Person.objects.count() == people_before

    # A valid NIK, typed with spaces as on the card.
    nik_input.fill("6474 0152 0385 0001")
    page.get_by_role("button", name="Simpan").click()
    expect(page).to_have_url(f"{live_server.url}{kube.get_absolute_url()}")
    expect(page.get_by_role("alert").filter(has_text=NEW_NAME)).to_have_text(f"{NEW_NAME} ditambahkan sebagai anggota.")
    expect(members.locator(".card-header")).to_have_text("Anggota aktif (3)")
    row = members.get_by_role("row").filter(has_text=NEW_NAME)
    expect(row).to_have_count(1)
    expect(row.locator("td.nik")).to_have_text(NEW_NIK_MASKED)
    expect(row.locator("td[data-label='Jabatan']")).to_have_text("Anggota")
    expect(row.locator("td[data-label='L/P']")).to_have_text("P")
    html = page.content()
    assert NEW_NIK not in html
    assert "6474 0152 0385 0001" not in html
    assert "520385" not in html  # not even the birth-date digits, e.g. in the history

    assert Person.objects.count() == people_before + 1
    person = Person.objects.get(nik=NEW_NIK)
    assert (person.name, person.sex, person.birth_on) == (NEW_NAME, Sex.FEMALE, NEW_BIRTH)
    assert Membership.objects.active().filter(kube=kube, person=person).count() == 1

    # Everything came from the app itself, and nothing failed to load.
    assert requests, "no requests recorded"
    outside = [url for url in requests if not url.startswith(f"{live_server.url}/")]
    assert outside == [], f"requests outside the app: {outside}"
    assert failed == []
    assert page_errors == []
