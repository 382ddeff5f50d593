"""The English catalog: complete, consistent with its msgids, compiled, and used by the pages.

The interface's source strings are Indonesian (LANGUAGE_CODE "id"); locale/en holds the
English translation. When new strings appear in the code, `make messages` refreshes the
catalog; translate the new entries in locale/en/LC_MESSAGES/django.po, then `make messages`
again (or `python manage.py compilemessages`) to rebuild the .mo that is committed with it.

Only the committed files are read here (no makemessages run): a tiny parser reads the .po,
Python's gettext reads the .mo, so neither polib nor gettext's tools are needed.
"""

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import KubeFactory

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"
HOW_TO_FIX = (
    "run `make messages` and translate them in locale/en/LC_MESSAGES/django.po, "
    "then `make messages` again to compile the .mo"
)

# %(name)s-style and {name}-style placeholders, and HTML tags: each must survive translation.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{[^{}\s]*\}|</?[a-zA-Z][^<>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index -> text; 0 alone when not plural
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """The catalog's entries, the header (msgid "") first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    flags: set[str] = set()  # read from "#," lines, for the entry that follows
    target: tuple[str, int] | None = None  # the keyword that continuation lines add to
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line outside an entry"
            text = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            text = ast.literal_eval(rest.strip())
            if keyword == "msgctxt" or (keyword == "msgid" and (target is None or target[0] != "msgctxt")):
                entries.append(Entry(flags=flags, line=number))
                flags = set()
            index = 0
            if match := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
                keyword, index = "msgstr", int(match.group(1))
            assert keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"), f"{path}:{number}: {keyword}?"
            target = (keyword, index)
            entry = entries[-1]
            if keyword == "msgstr":
                entry.msgstr[index] = ""
            elif keyword != "msgid":
                setattr(entry, keyword, "")
        entry = entries[-1]
        keyword, index = target
        if keyword == "msgstr":
            entry.msgstr[index] += text
        else:
            setattr(entry, keyword, getattr(entry, keyword) + text)
    return entries


@pytest.fixture(scope="module")
def catalog() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: {HOW_TO_FIX}"
    entries = parse_po(PO_PATH)
    assert entries and entries[0].msgid == "", "the catalog has no header entry"
    return entries


@pytest.fixture(scope="module")
def messages(catalog) -> list[Entry]:
    return catalog[1:]


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware activates the request's language for the thread: put the default back."""
    with translation.override(settings.LANGUAGE_CODE, deactivate=True):
        yield


# (a) complete


def test_header_is_english_and_not_fuzzy(catalog):
    header = catalog[0]
    assert "fuzzy" not in header.flags, "remove the `#, fuzzy` flag from the .po header"
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_every_message_is_translated(messages):
    assert len(messages) > 500  # the parser read the whole catalog
    untranslated = [e.label for e in messages if not e.msgstr or not all(e.msgstr.values())]
    assert not untranslated, f"{len(untranslated)} untranslated msgids ({HOW_TO_FIX}):\n" + "\n".join(untranslated)
    plural_gaps = [e.label for e in messages if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]]
    assert not plural_gaps, "plural entries need msgstr[0] and msgstr[1]:\n" + "\n".join(plural_gaps)


def test_no_fuzzy_entries(messages):
    fuzzy = [e.label for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries (makemessages guessed them from similar msgids): check each translation, "
        "then remove its `#, fuzzy` line:\n" + "\n".join(fuzzy)
    )


# (b) placeholders


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_placeholders_survive_translation(messages):
    wrong = []
    for e in messages:
        for index, text in e.msgstr.items():
            source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
            if text and sorted(set(_placeholders(text))) != sorted(set(_placeholders(source))):
                wrong.append(f"{e.label} -> msgstr[{index}] {text!r}")
    assert not wrong, "placeholders or HTML tags differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_format_flags_match_placeholders(messages):
    """makemessages flags each msgid; a translation must keep the string usable with that format."""
    for e in messages:
        if re.search(r"%\(\w+\)s", e.msgid):
            assert "python-format" in e.flags, e.label
        for text in e.msgstr.values():
            if "python-brace-format" in e.flags and text:
                text.format(**{name: "x" for name in re.findall(r"\{(\w+)\}", text)})
            if "python-format" in e.flags and text:
                text % {name: 1 for name in re.findall(r"%\((\w+)\)", text)}


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalog(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, (
        f"{result.stderr.strip()} ({HOW_TO_FIX})"
    )


# (c) the committed .mo is compiled from the committed .po


def test_mo_matches_po(messages):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `make messages` (or `python manage.py compilemessages`)"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in messages:
        prefix = f"{e.msgctxt}\x04" if e.msgctxt is not None else ""
        for index, text in e.msgstr.items():
            if not text:
                continue
            if e.msgid_plural is None:
                got = compiled._catalog.get(prefix + e.msgid)
            else:
                got = compiled._catalog.get((prefix + e.msgid, index))
            if got != text:
                stale.append(f"{e.label}: .po {text!r}, .mo {got!r}")
    assert not stale, (
        f"locale/en/LC_MESSAGES/django.mo is older than the .po ({len(stale)} differences): "
        "run `make messages` (or `python manage.py compilemessages`) and commit the .mo:\n" + "\n".join(stale[:50])
    )


def test_django_serves_the_catalog(messages):
    singles = [e for e in messages if e.msgid_plural is None and e.msgctxt is None and e.msgstr[0] != e.msgid]
    sample = singles[:: max(1, len(singles) // 40)]
    with translation.override("en"):
        for e in sample:
            assert translation.gettext(e.msgid) == e.msgstr[0], e.label
        assert translation.ngettext("%(counter)s kelompok", "%(counter)s kelompok", 1) == "%(counter)s group"
        assert translation.ngettext("%(counter)s kelompok", "%(counter)s kelompok", 3) == "%(counter)s groups"
    with translation.override("id"):
        assert translation.gettext("Daftar KUBE") == "Daftar KUBE"


# (d) the user's path: the language switch in the footer


def _switch_language(client, language, next_url):
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


def test_officer_switches_the_group_list_to_english(client_for, officer, facilitator):
    KubeFactory(facilitator=facilitator, name="KUBE Mekar Uji")
    client = client_for(officer)
    url = reverse("groups:kube_list")

    page = client.get(url).content.decode()
    assert '<html lang="id"\n' in page
    assert "Daftar KUBE" in page and "Cari" in page and "Produksi" in page
    assert "KUBE list" not in page

    _switch_language(client, "en", url)
    page = client.get(url).content.decode()
    assert '<html lang="en"\n' in page
    for text in ("KUBE list", "Search", "Reg. no.", "Business type", "Production", "Active", "Sign out", "1 group"):
        assert text in page, text
    for text in ("Daftar KUBE", "Jenis usaha", "Produksi", "Keluar"):
        assert text not in page, text

    _switch_language(client, "id", url)
    assert "Daftar KUBE" in client.get(url).content.decode()


def test_facilitator_sees_own_groups_in_english(client_for, kube, facilitator):
    client = client_for(facilitator)
    url = reverse("groups:kube_list")
    assert "Kelompok Saya" in client.get(url).content.decode()

    _switch_language(client, "en", url)
    page = client.get(url).content.decode()
    assert "My groups" in page and kube.name in page
    assert "Kelompok Saya" not in page


def test_sign_in_page_in_english(client_for, officer):
    client = client_for(None)
    url = reverse("login")

    page = client.get(url).content.decode()
    assert "Masuk ke Registri KUBE" in page
    assert "Sign in to the KUBE Registry" not in page

    _switch_language(client, "en", url)
    page = client.get(url).content.decode()
    assert "Sign in to the KUBE Registry" in page
    assert "Masuk ke Registri KUBE" not in page

    page = client.post(url, {"username": officer.username, "password": "salah"}).content.decode()
    assert "Wrong username or password." in page


def test_an_english_browser_still_gets_indonesian_until_the_user_switches(client_for, officer):
    client = client_for(officer)
    url = reverse("groups:kube_list")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id"\n' in page and "Daftar KUBE" in page

    _switch_language(client, "en", url)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
    assert "KUBE list" in response.content.decode()
    assert response["Content-Language"] == "en"
