"""The Content-Security-Policy: on every answer, strict, and kept by the templates.

The browser proof that pages still work under it is tests/e2e/test_csp.py.
"""

import re
from pathlib import Path

import plotly
import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *sorted(Path(settings.BASE_DIR).glob("*/templates"))]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=\s*[\"']|javascript:", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz", "/kelompok/"])
def test_every_answer_carries_the_policy(client, url):
    assert "Content-Security-Policy" in client.get(url)


@pytest.mark.django_db
def test_policy_allows_only_the_apps_own_origin(client):
    directives = policy(client.get(reverse("login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in {"'self'", "'none'", "data:"}, f"{name} allows {source}"


def template_files():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


def test_templates_have_no_inline_script_or_style():
    """Inline code and style="…" are refused by the policy: use static files and CSS classes."""
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {match.group(0).strip()}")
    assert offenders == [], "Move these to static/ files or CSS classes (static/css/app.css):\n" + "\n".join(offenders)


def test_plotly_styles_match_the_installed_plotly():
    """plotly.js's own rules are served as files; regenerate them when plotly changes."""
    vendor = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
    bundle = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    include = (Path(settings.BASE_DIR) / "templates" / "includes" / "plotly_styles.html").read_text()
    for name in ("plotly.css", "plotly-maplibre.css"):
        header = (vendor / name).read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith(f"/* plotly {plotly.__version__}:"), f"run tools/plotly_css.py ({name})"
    # The global rules' id is built as "plotly.js-style-" + "global"; the other is a literal.
    ids = re.findall(r'id="([^"]+)"', include)
    assert ids[0] == "plotly.js-style-global" and '"plotly.js-style-"' in bundle
    assert f'"{ids[1]}"' in bundle, f"plotly no longer looks for #{ids[1]}: run tools/plotly_css.py"
