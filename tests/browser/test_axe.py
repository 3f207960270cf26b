"""axe-core in Chromium: no serious or critical violation on any staff or respondent page.

axe-core comes from the npm registry the first time the session needs it, into a git-ignored
folder beside this file (a fresh clone needs only npm). It is injected into the page, which
the app's CSP would refuse, so only the contexts that run axe bypass the CSP; every other
browser test keeps it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from survey.database import utcnow
from survey.demo.services import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, load_demo
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

#: Where npm puts axe-core (node_modules/ is git-ignored).
AXE_PREFIX = Path(__file__).resolve().parent / ".axe"
AXE_SCRIPT = AXE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
STAFF_PAGES = (
    "/",
    "/import",
    "/dashboard",
    "/dashboard/teams",
    "/dashboard/themes",
    "/dashboard/comments",
    "/dashboard/funnel",
    "/dashboard/integrity",
)
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "is_mobile": False, "has_touch": False}
SIZES = {"1440": DESKTOP, "390": PHONE}
#: Run every WCAG 2.x A/AA rule and best practice; keep what is serious or worse.
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    // A page where no rule ran would pass without proving anything.
    if (result.passes.length === 0) { return [{id: 'axe-ran-no-rule'}]; }
    return result.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """Return axe-core's script, installed from the npm registry when it is missing."""
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm not installed: it fetches axe-core for the accessibility check")
        subprocess.run(  # noqa: S603  (a fixed command, no user input)
            [npm, "install", "--prefix", str(AXE_PREFIX), "--no-audit", "--no-fund", "axe-core@4"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_SCRIPT


@pytest.fixture
def demo(app: Flask) -> dict[str, str]:
    """The demo loaded up to today (enriched and rolled up); its open links by language."""
    # The links carry the base URL of the moment; tests keep only their path.
    with app.app_context():
        summary = load_demo(7, 300, utcnow().date())
    return {link.locale: link.link for link in summary.open_links}


def _violations(page: Any, axe_script: Path) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(axe_script))
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return violations


def _sign_in(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/login")
    page.fill("input[type=email]", DEMO_ADMIN_EMAIL)
    page.fill("input[type=password]", DEMO_ADMIN_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{server_url}/")


@pytest.mark.parametrize("size", list(SIZES))
def test_staff_pages_have_no_serious_axe_violation(
    demo: dict[str, str], new_context: Any, server_url: str, axe_script: Path, size: str
) -> None:
    context = new_context(**SIZES[size], locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server_url}/login")
    found = {"/login": _violations(page, axe_script)}
    _sign_in(page, server_url)
    for path in STAFF_PAGES:
        page.goto(f"{server_url}{path}")
        page.wait_for_load_state("networkidle")
        found[path] = _violations(page, axe_script)
    assert {path: v for path, v in found.items() if v} == {}


@pytest.mark.parametrize("size", list(SIZES))
def test_respondent_pages_have_no_serious_axe_violation(
    demo: dict[str, str], new_context: Any, server_url: str, axe_script: Path, size: str
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    for locale, link in demo.items():
        page = new_context(**SIZES[size], locale=f"{locale}-ES", bypass_csp=True).new_page()
        page.goto(f"{server_url}/r/{link.rsplit('/r/', 1)[1]}")
        found[f"survey ({locale})"] = _violations(page, axe_script)
        # After a tapped score the form shows its saved state.
        page.locator("label[for='nps-9']").click()
        page.wait_for_load_state("networkidle")
        found[f"score tapped ({locale})"] = _violations(page, axe_script)
        page.goto(f"{server_url}/r/no-such-link")
        found[f"unknown link ({locale})"] = _violations(page, axe_script)
    assert {name: v for name, v in found.items() if v} == {}
