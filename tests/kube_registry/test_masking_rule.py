"""The masking rule holds on every page and export that shows a person (README, "Masking rule").

Members, waiting families and an uploaded file carry known NIK, KK, birth date and
phone. As an officer and as the group's facilitator (neither may read personal
data), every page and file that can show a person is fetched and, for each:

(a) no full NIK, KK, phone or birth date (in any common format) appears;
(b) an "attacker" takes every masked NIK/KK shown, assumes the person's sex and age
    known (pages may show both), the birth date known if it appears anywhere, and the
    kecamatan known if the page names one, then counts the NIKs/KKs consistent with
    all of it (regions of the city, dates, serials 0001-0003): fewer than 1,000 fails.

As an administrator the same pages show the full values.
"""

import csv
import datetime as dt
import html
import io
import logging
import re
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from finances.models import Loan
from formation.models import ProposalStatus
from groups.models import Kecamatan, Person, Sex
from kube_registry.masking import (
    PersonalDataFilter,
    age_display,
    age_years,
    can_see_personal_data,
    mask_id_number,
    mask_message_text,
    mask_phone,
    present_personal,
)
from tests.factories import KubeFactory, MembershipFactory, PersonFactory, make_nik
from tests.finances.factories import LoanFactory
from tests.formation.factories import CandidateFactory, ProposalCandidateFactory, ProposalFactory
from tests.workbooks import workbook_bytes

BOUND = 1_000
SERIALS = ("0001", "0002", "0003")
MONTHS = {
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split(),
    "en": "January February March April May June July August September October November December".split(),
}


@dataclass(frozen=True)
class Secret:
    """One person's identity data as stored (or as written in an uploaded file)."""

    nik: str
    sex: str
    birth_on: dt.date
    kk: str = ""
    phone: str = ""
    nik_birth_on: dt.date | None = None  # the date the NIK holds, when it differs


def date_forms(day: dt.date) -> set[str]:
    """A date in every format a page, file or message might write it."""
    forms = {
        day.strftime("%d-%m-%Y"),
        day.strftime("%Y-%m-%d"),
        day.strftime("%d/%m/%Y"),
        day.strftime("%d.%m.%Y"),
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day}-{day.month}-{day.year}",
    }
    for names in MONTHS.values():
        month = names[day.month - 1]
        for name in (month, month[:3]):
            forms |= {
                f"{day.day} {name} {day.year}",
                f"{day.day:02d} {name} {day.year}",
                f"{name} {day.day}, {day.year}",
            }
    return {form.lower() for form in forms}


def digits_only(text: str) -> str:
    return re.sub(r"[\s.\-+]", "", text)


def leaks(text: str, secrets: list[Secret]) -> list[str]:
    """The full values of `secrets` that appear in `text`."""
    flat, lower = digits_only(text), text.lower()
    found = []
    for secret in secrets:
        for value in (secret.nik, secret.kk, digits_only(secret.phone)):
            if value and value in flat:
                found.append(value)
        for day in {secret.birth_on, secret.nik_birth_on} - {None}:
            found += [form for form in date_forms(day) if form in lower]
    return found


# --- The attacker ------------------------------------------------------------------------

MASKED = re.compile(r"(\d{4}|••••)[ .]?(\d{4}|••••)[ .]?(\d{4}|••••)[ .]?(\d{4}|••••)")


def masked_numbers(text: str) -> set[str]:
    """Every masked 16-digit number shown, as a pattern with `?` for each hidden digit."""
    return {m.group(0).replace(" ", "").replace(".", "").replace("•", "?") for m in MASKED.finditer(text)} - {
        m.group(0).replace(" ", "").replace(".", "") for m in MASKED.finditer(text) if "•" not in m.group(0)
    }


def fits(pattern: str, digits: str) -> bool:
    return all(p in ("?", d) for p, d in zip(pattern, digits, strict=True))


def count_candidates(pattern: str, regions: list[str], dates, date_part, serials=SERIALS) -> int:
    """Numbers region + date_part(date) + serial that fit `pattern`, counted up to BOUND."""
    count = 0
    for region in regions:
        if not fits(pattern[:6], region):
            continue
        for day in dates:
            if not fits(pattern[6:12], date_part(day)):
                continue
            count += sum(fits(pattern[12:], serial) for serial in serials)
            if count >= BOUND:
                return count
    return count


def days_of_age(age: int, today: dt.date) -> list[dt.date]:
    start = dt.date(today.year - age - 1, 1, 1)
    days = (start + dt.timedelta(n) for n in range(800))
    return [day for day in days if day <= today and age_years(day, today) == age]


def nik_date(sex: str):
    return lambda day: f"{day.day + (40 if sex == Sex.FEMALE else 0):02d}{day.month:02d}{day.year % 100:02d}"


def attack(text: str, secrets: list[Secret]) -> list[str]:
    """The masked numbers in `text` that narrow one of `secrets` below BOUND candidates."""
    today = timezone.localdate()
    kecamatan = {k.name: k.code.replace(".", "") for k in Kecamatan.objects.all()}
    named = [code for name, code in kecamatan.items() if name in text]
    regions = named or list(kecamatan.values())
    lower = text.lower()
    weak = []
    for pattern in masked_numbers(text):
        for secret in secrets:
            if fits(pattern, secret.nik):
                birth = secret.nik_birth_on or secret.birth_on
                shown = any(form in lower for form in date_forms(birth))
                dates = [birth] if shown else days_of_age(age_years(birth, today), today)
                if count_candidates(pattern, regions, dates, nik_date(secret.sex)) < BOUND:
                    weak.append(f"NIK {pattern} of {secret.nik}")
            if secret.kk and fits(pattern, secret.kk):
                registered = [dt.date(1970, 1, 1) + dt.timedelta(n) for n in range((today - dt.date(1970, 1, 1)).days)]
                kk_date = lambda day: day.strftime("%d%m%y")  # noqa: E731
                if count_candidates(pattern, regions, registered, kk_date) < BOUND:
                    weak.append(f"KK {pattern} of {secret.kk}")
    return weak


def assert_masked(label: str, text: str, secrets: list[Secret]) -> None:
    assert not leaks(text, secrets), f"{label} shows {leaks(text, secrets)}"
    assert not attack(text, secrets), f"{label} narrows {attack(text, secrets)}"


# --- Reading responses -------------------------------------------------------------------


def response_text(response) -> str:
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        cells = [str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]
        return "\n".join(cell for cell in cells if cell != "None")
    content = response.content.decode("utf-8-sig")
    if "csv" in kind:
        return "\n".join("\t".join(row) for row in csv.reader(io.StringIO(content)))
    return html.unescape(content)


# --- The people --------------------------------------------------------------------------

SITI = Secret(
    nik=make_nik(sex=Sex.FEMALE, birth_on=dt.date(1983, 3, 12), serial=2, region="647402"),
    sex=Sex.FEMALE,
    birth_on=dt.date(1983, 3, 12),
    kk="6474021503100007",
    phone="0812 3456 7834",
)
BUDI = Secret(
    nik=make_nik(sex=Sex.MALE, birth_on=dt.date(1975, 11, 4), serial=3, region="647403"),
    sex=Sex.MALE,
    birth_on=dt.date(1975, 11, 4),
    kk="6474030201050011",
    phone="+62 813-2222-4471",
)
# What an administrator changes Budi's data to: the history shows both.
BUDI_NEW = Secret(
    nik=make_nik(sex=Sex.MALE, birth_on=dt.date(1975, 11, 14), serial=3, region="647403"),
    sex=Sex.MALE,
    birth_on=dt.date(1975, 11, 14),
    kk="6474030201050012",
    phone="0857 1111 2290",
)
CINTA = Secret(
    nik=make_nik(sex=Sex.FEMALE, birth_on=dt.date(1990, 7, 21), serial=1, region="647401"),
    sex=Sex.FEMALE,
    birth_on=dt.date(1990, 7, 21),
    kk="6474012207150003",
    phone="0821 7777 1234",
)
# A waiting family whose recorded birth date disagrees with the NIK: the "NIK sah"
# check's message would quote the NIK's date.
DEDI = Secret(
    nik=make_nik(sex=Sex.MALE, birth_on=dt.date(1988, 2, 11), serial=2, region="647401"),
    sex=Sex.MALE,
    birth_on=dt.date(1988, 2, 10),
    kk="6474011005120009",
    phone="0822 4545 6767",
    nik_birth_on=dt.date(1988, 2, 11),
)
# Rows of an uploaded file with errors that quote what the file says.
WATI = Secret(
    nik=make_nik(sex=Sex.FEMALE, birth_on=dt.date(1979, 9, 25), serial=3, region="647401"),
    sex=Sex.FEMALE,
    birth_on=dt.date(1979, 9, 25),
    phone="0813 9999 5521",
)
WATI_OTHER_PHONE = "0813 9999 5599"
FILE_BIRTH = dt.date(1990, 7, 22)  # written for Cinta's NIK, which holds 21-07-1990
PEOPLE = [SITI, BUDI, BUDI_NEW, CINTA, DEDI]


def person(secret: Secret, **extra) -> Person:
    return PersonFactory(
        nik=secret.nik, sex=secret.sex, birth_on=secret.birth_on, kk=secret.kk, phone=secret.phone, **extra
    )


@pytest.fixture
def registry(kube, facilitator, admin_user, client_for):
    siti = MembershipFactory(kube=kube, person=person(SITI, name="Siti Aminah"))
    budi = MembershipFactory(kube=kube, person=person(BUDI, name="Budi Santoso"))
    LoanFactory(membership=siti)
    # An administrator corrects Budi's data through the form: the history keeps both.
    response = client_for(admin_user).post(
        reverse("groups:person_update", args=[kube.pk, budi.pk]),
        {
            "nik": BUDI_NEW.nik,
            "name": "Budi Santoso",
            "sex": Sex.MALE,
            "birth_on": BUDI_NEW.birth_on.isoformat(),
            "kk": BUDI_NEW.kk,
            "phone": BUDI_NEW.phone,
            "is_dtks": "on",
        },
    )
    assert response.status_code == 302
    proposal = ProposalFactory(facilitator=facilitator, kelurahan=kube.kelurahan, status=ProposalStatus.DIAJUKAN)
    fields = ("nik", "sex", "birth_on", "kk", "phone")
    cinta = CandidateFactory(name="Cinta Lestari", **{f: getattr(CINTA, f) for f in fields})
    dedi = CandidateFactory(name="Dedi Kurnia", **{f: getattr(DEDI, f) for f in fields})
    for candidate in (cinta, dedi):
        ProposalCandidateFactory(proposal=proposal, candidate=candidate)
    return {"kube": kube, "siti": siti, "budi": budi, "proposal": proposal, "cinta": cinta}


def pages(registry) -> list[tuple[str, str, dict | None]]:
    """(label, url, POST data or None) of every page and file that can show a person."""
    kube, siti, proposal = registry["kube"], registry["siti"], registry["proposal"]
    loan = Loan.objects.get(membership=siti)
    return [
        ("profile and history", kube.get_absolute_url(), None),
        ("member search", reverse("groups:member_search"), {"nik": SITI.nik}),
        ("person form", reverse("groups:person_update", args=[kube.pk, siti.pk]), None),
        ("finance page", reverse("finances:kube_finance", args=[kube.pk]), None),
        ("loan form", reverse("finances:loan_update", args=[kube.pk, loan.pk]), None),
        ("proposal detail", reverse("formation:proposal_detail", args=[proposal.pk]), None),
        ("proposal approve", reverse("formation:proposal_approve", args=[proposal.pk]), None),
        ("candidate list", f"{reverse('formation:candidate_list')}?kelurahan={kube.kelurahan_id}", None),
        ("candidate form", reverse("formation:candidate_update", args=[registry["cinta"].pk]), None),
        ("group export xlsx", reverse("groups:kube_export", args=["xlsx"]), None),
        ("group export csv", reverse("groups:kube_export", args=["csv"]), None),
        ("proposal export xlsx", reverse("formation:proposal_export", args=["xlsx"]), None),
        ("proposal export csv", reverse("formation:proposal_export", args=["csv"]), None),
        ("home", reverse("groups:home"), None),
    ]


@pytest.mark.parametrize("persona", ["officer", "facilitator"])
def test_no_page_or_file_lets_a_nik_be_rebuilt(request, registry, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    seen = set()
    for label, url, data in pages(registry):
        response = client.post(url, data) if data is not None else client.get(url)
        if response.status_code in (403, 404):  # a page this persona may not open
            continue
        assert response.status_code == 200, (label, response.status_code)
        assert_masked(f"{persona}: {label}", response_text(response), PEOPLE)
        seen.add(label)
    # The pages that matter were really read; only the office approves proposals and
    # changes loans.
    expected = {label for label, _url, _data in pages(registry)}
    assert seen == (expected if persona == "officer" else expected - {"proposal approve", "loan form"})


def test_the_pages_show_masked_numbers_and_ages_instead(registry, client_for, officer):
    client = client_for(officer)
    profile = response_text(client.get(registry["kube"].get_absolute_url()))
    assert f"{SITI.nik[:4]} •••• •••• ••••" in profile
    form = response_text(client.get(reverse("groups:person_update", args=[registry["kube"].pk, registry["siti"].pk])))
    assert f"{age_years(SITI.birth_on, timezone.localdate())} tahun" in form
    assert "0812 •••• ••34" in form
    history = profile[profile.index('id="riwayat"') :]
    assert "0857 •••• ••90" in history  # Budi's new phone, masked in the diff
    detail = response_text(client.get(reverse("formation:proposal_detail", args=[registry["proposal"].pk])))
    assert "Tanggal lahir tidak sesuai dengan NIK" in detail  # Dedi's check, without the date


def test_export_rows_are_masked_with_a_blank_birth_date(registry, client_for, officer):
    response = client_for(officer).get(reverse("groups:kube_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["anggota"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[header.index("nama")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    siti = rows["Siti Aminah"]
    assert siti[header.index("nik")] == "6474 •••• •••• ••••"
    assert siti[header.index("no_kk")] == "6474 •••• •••• ••••"
    assert siti[header.index("tanggal_lahir")] in (None, "")
    assert siti[header.index("telepon")] == "0812 •••• ••34"
    assert siti[header.index("jenis_kelamin")] == "P"  # sex stays


def test_administrators_still_see_everything(registry, client_for, admin_user):
    client = client_for(admin_user)
    profile = response_text(client.get(registry["kube"].get_absolute_url()))
    assert "6474 0252 0383 0002" in profile  # SITI's NIK, grouped
    form = response_text(client.get(reverse("groups:person_update", args=[registry["kube"].pk, registry["siti"].pk])))
    assert SITI.nik in form and SITI.kk in form and SITI.phone in form and "1983-03-12" in form
    export = response_text(client.get(reverse("groups:kube_export", args=["xlsx"])))
    assert SITI.nik in export and SITI.kk in export and SITI.phone in export and "1983-03-12" in export
    proposals = response_text(client.get(reverse("formation:proposal_export", args=["csv"])))
    assert CINTA.nik in proposals and CINTA.phone in proposals and "1990-07-21" in proposals
    detail = response_text(client.get(reverse("formation:proposal_detail", args=[registry["proposal"].pk])))
    assert "11-02-1988" in detail  # the NIK's date, in Dedi's check


# --- Import messages ---------------------------------------------------------------------


def upload_with_errors(registry) -> SimpleUploadedFile:
    kube = registry["kube"]
    other = KubeFactory()
    rows = [
        ["no_registrasi", "nik", "nama", "jenis_kelamin", "jabatan", "tanggal_lahir", "telepon"],
        [kube.no_registrasi, WATI.nik, "Wati", "P", "anggota", "", WATI.phone],
        # The same NIK with another phone: the message quotes the first row's phone.
        [other.no_registrasi, WATI.nik, "Wati", "P", "anggota", "", WATI_OTHER_PHONE],
        # Siti is active in `kube`: the message names her NIK.
        [other.no_registrasi, SITI.nik, "Siti Aminah", "P", "anggota", "", ""],
        # The birth date disagrees with the NIK: the message names the NIK's date.
        [kube.no_registrasi, CINTA.nik, "Cinta", "P", "anggota", FILE_BIRTH.strftime("%d-%m-%Y"), ""],
    ]
    return SimpleUploadedFile("anggota.xlsx", workbook_bytes({"anggota": rows}))


def test_import_messages_are_masked_for_the_officer(registry, client_for, officer):
    response = client_for(officer).post(reverse("groups:import"), {"file": upload_with_errors(registry)})
    assert response.status_code == 200
    text = response_text(response)
    assert 'id="import-errors"' in response.content.decode()
    secrets = [
        *PEOPLE,
        WATI,
        Secret(nik=WATI.nik, sex=WATI.sex, birth_on=WATI.birth_on, phone=WATI_OTHER_PHONE),
        Secret(nik=CINTA.nik, sex=CINTA.sex, birth_on=FILE_BIRTH),
    ]
    assert_masked("import preview", text, secrets)
    assert "6474 •••• •••• ••••" in text  # the messages still say which number


def test_import_messages_are_full_for_an_administrator(registry, client_for, admin_user):
    response = client_for(admin_user).post(reverse("groups:import"), {"file": upload_with_errors(registry)})
    text = response_text(response)
    assert SITI.nik in digits_only(text) and digits_only(WATI.phone) in digits_only(text)
    assert "21-07-1990" in text


# --- Editing as a masked user -------------------------------------------------------------


def person_post(**values) -> dict:
    return {"name": "Siti Aminah", "sex": Sex.FEMALE, "is_dtks": "on"} | values


def test_masked_edit_leaves_blank_identity_fields_unchanged(registry, client_for, facilitator):
    kube, siti = registry["kube"], registry["siti"]
    url = reverse("groups:person_update", args=[kube.pk, siti.pk])
    response = client_for(facilitator).post(url, person_post(name="Siti Aminah Putri"))
    assert response.status_code == 302
    stored = Person.objects.get(pk=siti.person_id)
    assert (stored.name, stored.nik, stored.kk, stored.phone, stored.birth_on) == (
        "Siti Aminah Putri",
        SITI.nik,
        SITI.kk,
        SITI.phone,
        SITI.birth_on,
    )


def test_masked_edit_of_the_birth_date_needs_the_nik(registry, client_for, facilitator):
    """Checked against the stored NIK alone, each try would tell if a guessed date is right."""
    kube, siti = registry["kube"], registry["siti"]
    url = reverse("groups:person_update", args=[kube.pk, siti.pk])
    for guess in (SITI.birth_on, SITI.birth_on + dt.timedelta(days=1)):
        response = client_for(facilitator).post(url, person_post(birth_on=guess.isoformat()))
        assert response.status_code == 200
        assert "Ketik ulang NIK untuk mengubah tanggal lahir" in response.content.decode()
    assert Person.objects.get(pk=siti.person_id).birth_on == SITI.birth_on


def test_masked_edit_with_a_new_phone_replaces_it(registry, client_for, facilitator):
    kube, siti = registry["kube"], registry["siti"]
    url = reverse("groups:person_update", args=[kube.pk, siti.pk])
    assert client_for(facilitator).post(url, person_post(phone="0813 0000 1111")).status_code == 302
    assert Person.objects.get(pk=siti.person_id).phone == "0813 0000 1111"


def test_masked_candidate_edit_is_not_prefilled_and_blank_keeps(registry, client_for, facilitator):
    cinta = registry["cinta"]
    url = reverse("formation:candidate_update", args=[cinta.pk])
    client = client_for(facilitator)
    form = client.get(url).context["form"]
    assert not any(form.initial.get(name) for name in ("nik", "kk", "birth_on", "phone"))
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data |= {"name": "Cinta L.", "is_dtks": "on", "is_head_of_family": "on"}
    assert client.post(url, data).status_code == 302
    cinta.refresh_from_db()
    assert (cinta.name, cinta.nik, cinta.kk, cinta.phone, cinta.birth_on) == (
        "Cinta L.",
        CINTA.nik,
        CINTA.kk,
        CINTA.phone,
        CINTA.birth_on,
    )


def test_the_attacker_catches_the_old_mask(db):
    """The hunt above would have failed on the old shape (region and serial kept)."""
    old = f"{SITI.nik[:4]} •••• •••• {SITI.nik[12:]}"
    assert attack(f"Siti {old}, Kecamatan Bontang Selatan", [SITI])  # serial known: 365 days x 1
    assert attack(f"Siti {SITI.nik[:4]} •••• •••• •••• {SITI.birth_on:%d-%m-%Y}", [SITI])  # date shown
    assert not attack(f"Siti {SITI.nik[:4]} •••• •••• ••••, Kecamatan Bontang Selatan", [SITI])
    assert leaks(f"lahir {SITI.birth_on.day} Maret 1983", [SITI])
    assert leaks("telepon 081234567834", [SITI])


# --- The rule itself ---------------------------------------------------------------------


def test_rule_masks_id_numbers_to_province_and_city():
    assert mask_id_number("6474025203830002") == "6474 •••• •••• ••••"
    assert mask_id_number("6474 0252 0383 0002") == "6474 •••• •••• ••••"
    assert mask_id_number("") == ""


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("081234567834", "0812 •••• ••34"),
        ("0812-3456-7834", "0812 •••• ••34"),
        ("+62 813 2222 4471", "+6281 •••• ••71"),
    ],
)
def test_rule_masks_phones_to_four_and_two_digits(phone, shown):
    assert mask_phone(phone) == shown


def test_rule_shows_age_not_birth_date():
    today = dt.date(2025, 3, 12)
    assert age_display(dt.date(1983, 3, 12), today) == "42 tahun"
    assert age_display(dt.date(1983, 3, 13), today) == "41 tahun"
    masked = present_personal(can_see=False, nik=SITI.nik, kk=SITI.kk, phone=SITI.phone, birth_on=SITI.birth_on)
    assert masked.birth.endswith("tahun") and masked.masked
    exported = present_personal(can_see=False, birth_on=SITI.birth_on, export=True)
    assert exported.birth is None
    full = present_personal(can_see=True, nik=SITI.nik, phone=SITI.phone, birth_on=SITI.birth_on, export=True)
    assert (full.nik, full.phone, full.birth) == (SITI.nik, SITI.phone, SITI.birth_on)


def test_rule_masks_messages_on_personal_columns_with_their_dates():
    text = "Tanggal lahir tidak sesuai dengan NIK: menurut NIK 12-03-1983 (520383), wilayah 64.74.02."
    masked = mask_message_text(text, column="tanggal_lahir")
    assert "12-03-1983" not in masked and "520383" not in masked and "64.74.02" not in masked
    # Elsewhere a date is the group's (founded, joined) and stays; numbers never do.
    other = mask_message_text("Tanggal masuk sebelum 01-04-2020; NIK 6474025203830002", column="tanggal_masuk")
    assert "01-04-2020" in other and "6474025203830002" not in other


def test_log_lines_keep_only_four_digits_of_a_nik_and_four_plus_two_of_a_phone():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "NIK %s telepon %s", (SITI.nik, "081234567834"), None)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "NIK 6474 •••• •••• •••• telepon 0812 •••• ••34"


def test_can_see_personal_data_follows_the_permission(officer, facilitator, admin_user):
    assert can_see_personal_data(admin_user)
    assert not can_see_personal_data(officer) and not can_see_personal_data(facilitator)
