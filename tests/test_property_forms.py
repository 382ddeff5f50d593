"""Random text into every form of the project and into the import (hypothesis).

The forms are collected from the views: every page of the URL walker's table that an
admin may open and that renders a `form` in its context. Each gets random text in
every field, posted as the admin (who may do everything). Whatever the text:

- no server error (nothing 5xx, no exception out of the view);
- an answer that is not a redirect means the form refused the input, and then
  nothing was written: the row count of every table is the same as before.

The import engine gets random cells under real column headers, as a CSV named after
each sheet: no exception, and a refused file writes nothing.
"""

import io

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pages.workbook import import_workbook
from tests.test_url_walker import ADMIN, PUBLIC, RULES, World

# Text a person could type or paste, and worse: control characters, NUL, emoji,
# numbers in Indonesian format, dates, very long runs, HTML and formula-like cells.
NASTY = st.sampled_from(
    ["", " ", "0", "-1", "1.500.000", "Rp 1,5 juta", "31/02/2024", "2024-13-01", "=1+1", "<script>", "\x00", "9" * 40]
)
TEXT = st.one_of(NASTY, st.text(max_size=60), st.from_regex(r"[0-9 .,-]{0,20}", fullmatch=True))
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Pages whose form is not the app's (Django's own auth forms) or writes nothing.
NOT_APP_FORMS = {"login", "password_reset", "password_change", "password_reset_confirm"}


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                table = model._meta.db_table
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # table names from Django's registry
                counts[table] = cursor.fetchone()[0]
    # Sessions and sign-in logs change with every request.
    for volatile in ("django_session", "axes_accesslog", "axes_accessattempt"):
        counts.pop(volatile, None)
    return counts


FORM_PAGES = sorted(
    name
    for name, rule in RULES.items()
    if ADMIN in rule.allowed and rule.allowed != PUBLIC and name not in NOT_APP_FORMS
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_PAGES)
def test_random_text_in_every_form_never_breaks_and_writes_nothing_when_refused(name):
    world = World()
    url = reverse(name, kwargs=RULES[name].kwargs(world) or None)
    client = Client(raise_request_exception=True)
    client.force_login(world.users[ADMIN])
    page = client.get(url)
    form = (page.context or {}).get("form") if page.status_code == 200 else None
    if form is None or not getattr(form, "fields", None):
        pytest.skip(f"{name}: no form on this page")
    fields = [form.add_prefix(field) for field in form.fields]

    @FUZZ
    @given(values=st.fixed_dictionaries({field: TEXT for field in fields}))
    def post_random(values):
        before = table_counts()
        response = client.post(url, values)
        assert response.status_code < 500, (name, values)
        if response.status_code != 302:
            assert table_counts() == before, (name, values, response.status_code)

    post_random()


SHEET_HEADERS = {
    "kelompok": "nama_kube;kecamatan;kelurahan;tanggal_berdiri;jenis_usaha;status;pendamping",
    "anggota": "no_registrasi;nik;no_kk;nama;jenis_kelamin;tanggal_lahir;jabatan;telepon",
    "laporan_bulanan": "no_registrasi;periode;pendapatan;pengeluaran;saldo_kas;kehadiran_persen",
    "bantuan": "no_registrasi;sumber;jumlah;tanggal",
    "pinjaman": "nik;jumlah;tanggal;dibayar",
}
CELL = st.one_of(NASTY, st.text(alphabet=st.characters(blacklist_characters=";\r\n\"'"), max_size=25))


@pytest.mark.django_db
@pytest.mark.parametrize("sheet", sorted(SHEET_HEADERS))
def test_random_cells_into_the_import_never_break_and_write_nothing_when_refused(sheet):
    World()  # a group, a member and users, so rows can refer to something
    header = SHEET_HEADERS[sheet]
    width = header.count(";") + 1

    @FUZZ
    @given(rows=st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=4))
    def import_random(rows):
        text = header + "\n" + "\n".join(";".join(cells) for cells in rows) + "\n"
        before = table_counts()
        result = import_workbook(io.BytesIO(text.encode("utf-8")), filename=f"{sheet}.csv")
        if not result.ok:
            assert table_counts() == before, (sheet, text, result.errors[:3])

    import_random()


@pytest.mark.django_db
def test_nul_characters_in_cells_are_dropped_not_sent_to_the_database():
    """Found by the test above on PostgreSQL, which refuses NUL in any query."""
    from groups.models import Kube

    text = (
        "nama_kube;kecamatan;kelurahan;tanggal_berdiri;jenis_usaha\n"
        "KUBE\x00 Hemat;64.74.01;Guntung\x00;05/08/2020;produksi\n"
    )
    result = import_workbook(io.BytesIO(text.encode("utf-8")), filename="kelompok.csv")
    assert result.ok, result.errors
    assert Kube.objects.get().name == "KUBE Hemat"
