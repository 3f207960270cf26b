"""Saving a score on the page: the scale never moves under the finger, arrow keys never post."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.stored import stored_responses
from tests.helpers import make_invitation

pytestmark = pytest.mark.browser


def score_posts(page: Any) -> list[Any]:
    """Collect every POST the page sends to the score endpoint."""
    posts: list[Any] = []
    page.on(
        "request",
        lambda r: (
            posts.append(r)
            if r.method == "POST" and r.url.split("?")[0].endswith("/score")
            else None
        ),
    )
    return posts


def scale_boxes(page: Any) -> list[tuple[float, float]]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#q-nps .option label'))
            .map(l => { const r = l.getBoundingClientRect(); return [r.x, r.y]; })"""
    )


def test_tapping_a_score_announces_the_save_without_moving_the_scale(
    app: Flask, server_url: str, page: Any
) -> None:
    page.goto(server_url + make_invitation(app, locale="en").path)
    status = page.locator("#score-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_be_empty()
    before = scale_boxes(page)
    tapped = page.locator("label[for='nps-7']").bounding_box()

    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/score")) as saved:
        page.locator("label[for='nps-7']").tap()
    assert saved.value.json()["saved"] is True
    expect(status).to_contain_text("your score of 7 is saved")

    assert scale_boxes(page) == before
    assert page.locator("label[for='nps-7']").bounding_box() == tapped
    assert [r.answers for r in stored_responses(app)] == [{"nps": Decimal(7)}]


def test_arrow_keys_move_through_the_scale_without_a_save_per_step(
    app: Flask, server_url: str, page: Any
) -> None:
    page.goto(server_url + make_invitation(app, locale="en").path)
    posts = score_posts(page)
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/score")):
        page.locator("label[for='nps-5']").click()
    page.focus("#nps-5")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#nps-8")).to_be_checked()
    assert len(posts) == 1, "arrow keys posted a save"

    # Leaving the group is the deliberate choice: one save, of the score landed on.
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/score")) as landed:
        page.keyboard.press("Tab")
    # The page posts its FormData (multipart): the score field carries 8.
    assert 'name="score"\r\n\r\n8\r\n' in (landed.value.request.post_data or "")
    expect(page.locator("#score-status")).to_contain_text("8")
    assert len(posts) == 2
    assert [r.answers for r in stored_responses(app)] == [{"nps": Decimal(8)}]


def test_saved_in_the_address_does_not_make_the_page_claim_a_save(
    app: Flask, server_url: str, new_context: Any
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(server_url + make_invitation(app, locale="en").path + "?score=4&saved=1")
    expect(page.locator("#score-status")).to_be_empty()
    expect(page.locator("#score-button")).to_be_visible()
    assert stored_responses(app) == []
