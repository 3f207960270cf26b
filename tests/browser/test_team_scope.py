"""A team-scoped analyst in Chromium: no page, chart or drill-down shows another team."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from survey.auth.services import create_user
from tests.dashboards.scoped_teams import OWN_MARKER, TwoTeams, foreign_markers_in, seed_two_teams
from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser

ANALYST = "scoped-analyst@example.com"
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "is_mobile": False, "has_touch": False}
#: Every chart's figure as the browser holds it (the JSON the server sent).
FIGURES = "() => [...document.querySelectorAll('[data-figure]')].map(el => el.dataset.figure)"


@pytest.fixture
def teams(app: Flask) -> TwoTeams:
    seeded = seed_two_teams(app)
    with app.app_context():
        create_user(ANALYST, DEMO_PASSWORD, "analyst", ["equipo-marmota"])
    return seeded


def _sign_in(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/login")
    page.fill("input[type=email]", ANALYST)
    page.fill("input[type=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{server_url}/")


def _dashboard_links(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all("nav a[href^='/dashboard']", "els => els.map(e => e.href)")
    return list(dict.fromkeys(hrefs))


def _check_page(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    charts = page.locator("[data-figure]")
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_attribute("data-chart-state", "drawn")
    assert foreign_markers_in(page.content()) == [], url
    assert foreign_markers_in(page.inner_text("body")) == [], url
    for figure in page.evaluate(FIGURES):
        assert foreign_markers_in(figure) == [], url


def test_a_scoped_analyst_never_sees_another_teams_comment_or_figure(
    new_context: Any, server_url: str, teams: TwoTeams
) -> None:
    page = new_context(**DESKTOP, locale="es-ES").new_page()
    _sign_in(page, server_url)
    links = _dashboard_links(page)
    assert any(link.endswith("/dashboard/teams") for link in links), links
    for link in links:
        _check_page(page, link)
        hostile = page.goto(f"{link}?team={teams.foreign}")
        assert hostile is not None
        assert hostile.status == 404, link
        assert foreign_markers_in(page.content()) == [], link

    _check_page(page, f"{server_url}/dashboard")
    assert page.locator("[data-metric=nps]").get_attribute("data-n") == str(teams.own_answers)
    # The team filter offers the analyst's own team only.
    options = page.locator("#filter-team option")
    assert options.all_inner_texts() == ["Equipo Marmota"]
    # A drill-down lands on the team's own comments.
    page.locator("[data-metric=nps] a").first.click()
    page.wait_for_url("**/dashboard/comments?*")
    assert f"team={teams.own}" in page.url
    body = page.inner_text("body")
    assert body.count(f"{OWN_MARKER}:") == teams.own_answers
    assert foreign_markers_in(page.content()) == []
