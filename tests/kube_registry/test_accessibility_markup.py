"""Issue 15 (WCAG 2.1 AA): markup rules held in one place, checked without a browser.

The browser walk (tests/e2e/test_accessibility.py, axe-core) checks the rendered pages;
these tests hold the conventions that make it pass for pages it cannot reach with data
(every template, every language).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SCROLL_BOX = re.compile(r"<div[^>]*class=\"[^\"]*\btable-responsive\b[^>]*>")


def test_every_scrolling_table_box_is_a_named_region_the_keyboard_reaches():
    """A `.table-responsive` box scrolls sideways on a phone: without tabindex a keyboard
    cannot scroll it (axe: scrollable-region-focusable); its name says which table it is."""
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for tag in SCROLL_BOX.findall(path.read_text(encoding="utf-8")):
            if "{% scroll_region " not in tag:
                missing.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert missing == [], 'add {% scroll_region _("<the table\'s heading>") %} to:\n' + "\n".join(missing)


def test_scroll_region_writes_tabindex_role_and_an_escaped_name():
    html = Template("{% load a11y %}<div {% scroll_region label %}></div>").render(Context({"label": 'A "B" <c>'}))
    assert html == '<div tabindex="0" role="region" aria-label="A &quot;B&quot; &lt;c&gt;"></div>'
    two = Template('{% load a11y %}{% scroll_region "Angka grafik" title %}').render(Context({"title": "Per kategori"}))
    assert two == 'tabindex="0" role="region" aria-label="Angka grafik: Per kategori"'


PASSWORD_PAGES = [
    ("password_reset", {}),
    ("password_reset_done", {}),
    ("password_reset_confirm", {"uidb64": "MQ", "token": "bukan-token"}),
    ("password_reset_complete", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PASSWORD_PAGES)
def test_password_pages_are_the_apps_own_not_the_django_admins(client, name, kwargs):
    """They were the admin's templates (its breadcrumbs link, told apart by colour only)."""
    response = client.get(reverse(name, kwargs=kwargs))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="main"' in html or 'id="isi"' in html  # the app's layout (base.html)
    assert "breadcrumbs" not in html and "/admin/" not in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_password_change_pages_for_a_signed_in_officer(client, officer):
    client.force_login(officer)
    for name in ("password_change", "password_change_done"):
        html = client.get(reverse(name)).content.decode()
        assert "breadcrumbs" not in html and html.count("<h1") == 1, name
    form = client.get(reverse("password_change")).content.decode()
    assert 'name="old_password"' in form and 'name="new_password2"' in form


@pytest.mark.django_db
@pytest.mark.parametrize(("cookie", "lang"), [(None, "id"), ("en", "en"), ("id", "id")])
def test_the_page_declares_its_language_the_one_the_user_chose(client, cookie, lang):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    html = client.get(reverse("login")).content.decode()
    assert f'<html lang="{lang}"\n' in html
