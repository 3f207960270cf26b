"""Drill-down in Chromium: clicking a number on the overview, the teams or the funnel page
lands on the comments behind it, under the same filter; search and paging by keyboard and
mouse; the comments and funnel pages on a phone and a desktop (screenshots)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.datastructures import MultiDict

from survey.database import utcnow
from survey.insights.comments import CommentQuery, comments
from survey.insights.filters import DashboardFilter
from survey.insights.rollups import InsightSettings
from tests.browser.test_dashboards import (  # noqa: F401 (demo is a fixture)
    DESKTOP,
    SIDEWAYS,
    _sign_in,
    _watch_console,
    demo,
)

pytestmark = pytest.mark.browser


def _expected(app: Flask, url: str) -> list[str]:
    """The first page of comments the URL asks for, read through the query layer."""
    args = MultiDict(parse_qsl(urlsplit(url).query))
    with app.app_context():
        settings = InsightSettings.from_config(app.config)
        f = DashboardFilter.from_args(args, today=settings.day_of(utcnow()))
        page = comments(f, settings, CommentQuery.from_args(args))
        return [str(c.answer_id) for c in page.comments]


def _listed(page: Any) -> list[str]:
    return page.locator("li[data-answer]").evaluate_all("els => els.map(e => e.dataset.answer)")


@pytest.mark.usefixtures("demo")
def test_clicking_a_number_lands_on_the_matching_comments(
    app: Flask, new_context: Any, server_url: str
) -> None:
    page = new_context(**DESKTOP, locale="en-GB").new_page()
    problems = _watch_console(page)
    _sign_in(page, server_url)
    # The overview's share of negative comments.
    page.goto(f"{server_url}/dashboard")
    page.locator("[data-metric=negative] a").first.click()
    page.wait_for_url("**/dashboard/comments?*sentiment=negative*")
    listed = _listed(page)
    assert listed
    assert listed == _expected(app, page.url)
    for meta in page.locator("li[data-answer] p.muted").all_inner_texts():
        assert "Negative" in meta
    # A team's number on the teams page, under a filter (language es).
    page.goto(f"{server_url}/dashboard/teams?lang=es")
    row = page.locator("table.teams tbody tr[data-team]:not([data-team=''])").first
    team_id = row.get_attribute("data-team")
    team_name = row.locator("th").inner_text()
    row.locator("td a").first.click()
    page.wait_for_url(f"**/dashboard/comments?*team={team_id}*")
    assert "lang=es" in page.url
    listed = _listed(page)
    assert listed == _expected(app, page.url)
    for meta in page.locator("li[data-answer] p.muted").all_inner_texts():
        assert team_name in meta
    # The funnel's answered count of a team.
    page.goto(f"{server_url}/dashboard/funnel")
    link = page.locator("#funnel-team tbody tr[data-group]:not([data-group='']) a").first
    group = link.locator("xpath=ancestor::tr").get_attribute("data-group")
    link.click()
    page.wait_for_url(f"**/dashboard/comments?*team={group}*")
    assert _listed(page) == _expected(app, page.url)
    assert problems == []


@pytest.mark.usefixtures("demo")
def test_search_and_pages_keep_the_filter(app: Flask, new_context: Any, server_url: str) -> None:
    page = new_context(**DESKTOP, locale="en-GB").new_page()
    _sign_in(page, server_url)
    page.goto(f"{server_url}/dashboard/comments?limit=5")
    first = _listed(page)
    assert len(first) == 5
    page.get_by_role("link", name="Older").click()
    second = _listed(page)
    assert second
    assert not set(first) & set(second)
    page.get_by_role("link", name="Newer").click()
    assert _listed(page) == first
    # Search a word of the newest comment, by keyboard.
    newest = first[0]
    word = max(page.locator("li[data-answer] blockquote").first.inner_text().split(), key=len)
    word = "".join(ch for ch in word if ch.isalnum())
    page.fill("#comments-q", word)
    page.press("#comments-q", "Enter")
    page.wait_for_url("**/dashboard/comments?*q=*")
    assert "limit=5" in page.url
    found = _listed(page)
    assert found
    assert found == _expected(app, page.url)
    # The comment the word came from is found. Others may match another form of the word:
    # PostgreSQL's Spanish search stems ("gestionaron" finds "gestiona"), SQLite's does not.
    assert newest in found


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_comments_and_funnel_fit_the_screen(
    new_context: Any, server_url: str, artifacts: Path, size: str
) -> None:
    context = new_context(**DESKTOP, locale="en-GB") if size == "desktop" else new_context()
    page = context.new_page()
    problems = _watch_console(page)
    _sign_in(page, server_url)
    for name in ("comments", "funnel"):
        page.goto(f"{server_url}/dashboard/{name}")
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate(SIDEWAYS) <= 0, f"{name} scrolls sideways at {size}"
        page.screenshot(path=str(artifacts / f"dashboard-{name}-{size}.png"), full_page=True)
    assert problems == []
