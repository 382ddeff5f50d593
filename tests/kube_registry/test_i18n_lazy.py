"""No message is translated at import time.

`gettext("...")` in a class body or at module level runs once, when the module is
imported, in whatever language is active then (Indonesian): the text stays Indonesian
for a user who chose English. Class-level and module-level messages use `gettext_lazy`
(or `gettext_noop` plus `gettext` where the message is shown).

The first test reads every project module with `ast` and lists each call of an eager
gettext that runs at import time; the second follows a user who switched to English.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {"tests", "migrations", ".venv", "node_modules", "locale", "static", "templates"}
TRANSLATION_MODULE = "django.utils.translation"
EAGER = {"gettext", "ngettext", "pgettext", "npgettext", "ugettext", "ungettext"}


def project_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts[:-1]) and not path.name.startswith(".")
    )


class ImportTimeCalls(ast.NodeVisitor):
    """Calls of an eager gettext that are evaluated when the module is imported: at module
    level, in a class body, in a decorator, a default argument or an annotation; not inside
    a function or lambda body, which runs later, per request."""

    def __init__(self):
        self.eager_names: set[str] = set()  # `_`, `gettext`, ... bound to an eager function
        self.module_names: set[str] = set()  # `translation`, bound to django.utils.translation
        self.depth = 0  # > 0 inside a function body
        self.found: list[int] = []

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name == TRANSLATION_MODULE and alias.asname:
                self.module_names.add(alias.asname)

    def visit_ImportFrom(self, node):
        for alias in node.names:
            if node.module == TRANSLATION_MODULE and alias.name in EAGER:
                self.eager_names.add(alias.asname or alias.name)
            elif node.module == "django.utils" and alias.name == "translation":
                self.module_names.add(alias.asname or alias.name)

    def _is_eager(self, func) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.eager_names
        if isinstance(func, ast.Attribute) and func.attr in EAGER:
            value = func.value
            if isinstance(value, ast.Name):
                return value.id in self.module_names
            return ast.unparse(value) == TRANSLATION_MODULE
        return False

    def visit_Call(self, node):
        if self.depth == 0 and self._is_eager(node.func):
            self.found.append(node.lineno)
        self.generic_visit(node)

    def _visit_function(self, node, body):
        # Decorators, defaults and annotations run when the `def` runs; the body later.
        for child in ast.iter_child_nodes(node):
            if child not in body:
                self.visit(child)
        self.depth += 1
        for child in body:
            self.visit(child)
        self.depth -= 1

    def visit_FunctionDef(self, node):
        self._visit_function(node, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self._visit_function(node, [node.body])


def import_time_calls(source: str) -> list[int]:
    visitor = ImportTimeCalls()
    tree = ast.parse(source)
    # The names first (an import may follow a use in a function), then the calls.
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            visitor.visit(node)
    visitor.visit(tree)
    return visitor.found


def test_the_checker_finds_import_time_calls():
    source = """
from django.utils.translation import gettext as _, gettext_lazy
from django.utils import translation

A = _("module level")
B = gettext_lazy("lazy is fine")

class View:
    message = _("class level")
    lazy = gettext_lazy("fine")
    other = translation.ngettext("one", "many", 2)

    def get(self, text=_("default")):
        return _("per request"), (lambda: _("later"))

    @decorate(_("decorator"))
    def post(self):
        class Inner:
            fine = _("runs when post runs")
"""
    lines = source.splitlines()
    found = {lines[n - 1].strip() for n in import_time_calls(source)}
    assert found == {
        'A = _("module level")',
        'message = _("class level")',
        'other = translation.ngettext("one", "many", 2)',
        'def get(self, text=_("default")):',
        '@decorate(_("decorator"))',
    }


def test_no_message_is_translated_at_import_time():
    modules = project_modules()
    assert any(path.name == "views.py" for path in modules)  # the walk reaches the apps
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules
        for line in import_time_calls(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, (
        "gettext called at import time (the text would stay in the language active at start-up); "
        "use gettext_lazy, or gettext_noop and gettext where the message is shown:\n" + "\n".join(offenders)
    )


# The user's path: class-level success messages follow the language the user chose.


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware activates the request's language for the thread: put the default back."""
    with translation.override(settings.LANGUAGE_CODE, deactivate=True):
        yield


def _english(client, next_url):
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302


def test_a_saved_group_says_so_in_english(client_for, officer, kube):
    from tests.groups.test_views_kube import kube_post_data

    client = client_for(officer)
    url = reverse("groups:kube_update", kwargs={"pk": kube.pk})
    _english(client, url)

    data = kube_post_data(kelurahan=kube.kelurahan_id, facilitator=kube.facilitator_id, name="KUBE Mekar Baru")
    response = client.post(url, data, follow=True)

    kube.refresh_from_db()
    assert kube.name == "KUBE Mekar Baru"
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["KUBE details saved."], shown
