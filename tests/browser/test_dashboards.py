"""The dashboards in Chromium: the demo admin opens every page, every chart is drawn with data,
a filter changes the numbers and the URL, nothing scrolls sideways on a phone; screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from survey.database import utcnow
from survey.demo.services import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, load_demo
from tests.browser.test_accessibility import CONTRAST
from tests.insights.factories import run_worker

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/dashboard",
    "teams": "/dashboard/teams",
    "themes": "/dashboard/themes",
    "integrity": "/dashboard/integrity",
}
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "is_mobile": False, "has_touch": False}

#: Each chart's drawn marks: points, bars or filled bands inside Plotly's SVG.
CHART_MARKS = """el => el.querySelectorAll(
    '.scatterlayer .point, .scatterlayer .js-line, .barlayer .point').length"""
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def demo(app: Flask) -> None:
    """The demo's teams and answers up to today, enriched and rolled up."""
    with app.app_context():
        load_demo(7, 300, utcnow().date())
    run_worker(app)
    result = app.test_cli_runner().invoke(args=["insights", "rebuild"])
    assert result.exit_code == 0, result.output


def _sign_in(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/login")
    page.fill("input[type=email]", DEMO_ADMIN_EMAIL)
    page.fill("input[type=password]", DEMO_ADMIN_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{server_url}/")


def _open(page: Any, url: str) -> None:
    page.goto(url)
    charts = page.locator("[data-figure]")
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_attribute("data-chart-state", "drawn")


def _watch_console(page: Any) -> list[str]:
    """Collect script errors, CSP refusals and failed loads (the browser's favicon aside)."""
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(message.text)

    def on_response(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_demo_admin_opens_every_page_with_charts_drawn(
    new_context: Any, server_url: str, artifacts: Path, size: str
) -> None:
    context = new_context(**DESKTOP, locale="en-GB") if size == "desktop" else new_context()
    page = context.new_page()
    problems = _watch_console(page)
    _sign_in(page, server_url)
    for name, path in PAGES.items():
        _open(page, f"{server_url}{path}")
        charts = page.locator("[data-figure]")
        if name != "integrity":
            assert charts.count() > 0, name
        for index in range(charts.count()):
            assert charts.nth(index).evaluate(CHART_MARKS) > 0, (name, index)
        assert page.evaluate(SIDEWAYS) <= 0, f"{name} scrolls sideways at {size}"
        faint = [text for text in page.evaluate(CONTRAST) if text["ratio"] < 4.5]
        assert faint == [], (name, faint[:5])
        page.screenshot(path=str(artifacts / f"dashboard-{name}-{size}.png"), full_page=True)
    assert problems == []


@pytest.mark.usefixtures("demo")
def test_a_filter_changes_the_numbers_and_the_url(new_context: Any, server_url: str) -> None:
    page = new_context(**DESKTOP, locale="en-GB").new_page()
    _sign_in(page, server_url)
    _open(page, f"{server_url}/dashboard")
    nps = page.locator("[data-metric=nps]")
    everyone = int(nps.get_attribute("data-n") or 0)
    assert everyone > 0
    teams = page.locator("#filter-team option")
    first_team = teams.first.get_attribute("value")
    page.select_option("#filter-team", [first_team])
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**/dashboard?*team={first_team}*")
    one_team = int(page.locator("[data-metric=nps]").get_attribute("data-n") or 0)
    assert 0 < one_team < everyone
    # The drill-down keeps the filter.
    href = page.locator("[data-metric=nps] a").get_attribute("href") or ""
    assert f"team={first_team}" in href


@pytest.mark.usefixtures("demo")
def test_the_language_switch_and_keyboard_reach(new_context: Any, server_url: str) -> None:
    page = new_context(locale="es-ES").new_page()
    _sign_in(page, server_url)
    _open(page, f"{server_url}/dashboard/teams")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/dashboard/teams")
    # The skip link is the first stop of the keyboard, and leads to the content.
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert "skip-link" in focused
