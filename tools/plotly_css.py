"""Write plotly.js's own style rules to static files, so pages need no inline <style>.

plotly.js adds its rules in <style> elements as it loads, which a strict
Content-Security-Policy refuses. It skips that when an element with the element's id
is already on the page (for the global rules also with class `no-inline-styles`):
templates/includes/plotly_styles.html links these files with those ids.

Run after upgrading plotly (tests/kube_registry/test_csp.py fails until you do):

    .venv/bin/python tools/plotly_css.py

It loads the bundled plotly.min.js into Debian's Chromium (Playwright) without a
policy and copies the rules it inserted.
"""

from pathlib import Path

import plotly
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
OUT = ROOT / "static" / "vendor" / "plotly"
READ_STYLES = """() => Array.from(document.querySelectorAll('style')).map(
    s => [s.id, Array.from(s.sheet.cssRules).map(r => r.cssText).join('\\n')])"""


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content("<html><head></head><body></body></html>")
        page.add_script_tag(content=BUNDLE.read_text(encoding="utf-8"))
        styles = page.evaluate(READ_STYLES)
        browser.close()
    OUT.mkdir(parents=True, exist_ok=True)
    for element_id, css in styles:
        name = "plotly.css" if element_id == "plotly.js-style-global" else "plotly-maplibre.css"
        header = f'/* plotly {plotly.__version__}: rules of <style id="{element_id}">, by tools/plotly_css.py */\n'
        (OUT / name).write_text(header + css + "\n", encoding="utf-8")
        print(f"{name}: {css.count(chr(10)) + 1} rules")


if __name__ == "__main__":
    main()
