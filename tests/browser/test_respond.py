"""The respondent loop in a real Chromium: invite, open, answer, once, on a phone."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskCliRunner
from playwright.sync_api import expect

from tests.browser.conftest import PHONE_USER_AGENT
from tests.browser.stored import StoredResponse, stored_responses
from tests.helpers import make_invitation

# `survey invite` links to the default survey, which `survey db upgrade` creates.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("default_survey")]

COMMENT = "Me atendieron rápido, pero tuve que repetir mi caso dos veces."
SPANISH_TITLE = "Después de la atención"
SPANISH_NPS = "¿Qué probabilidad hay de que nos recomiende a un amigo o a un colega?"
ENGLISH_NPS = "How likely are you to recommend us to a friend or colleague?"


def invite(
    app: Flask, runner: FlaskCliRunner, email: str = "ana@example.com", locale: str = "es"
) -> str:
    """Run `survey invite` and return the link it prints."""
    # The `survey` script (a FlaskGroup) pushes an app context; the test runner does not.
    with app.app_context():
        result = runner.invoke(args=["invite", "--email", email, "--locale", locale])
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert "/r/" in link, link
    return link


def answer_by_tapping(page: Any, nps: int = 9, ces: int = 6, heard: str = "yes") -> None:
    """Fill the whole survey the way a thumb does: tap the labels, type the comment."""
    heard_index = ("yes", "partly", "no").index(heard)
    page.locator(f"label[for='nps-{nps}']").click()
    page.locator(f"label[for='ces-{ces - 1}']").click()
    page.locator(f"label[for='heard-{heard_index}']").click()
    page.locator("#comment").fill(COMMENT)


def only_response(app: Flask) -> StoredResponse:
    responses = stored_responses(app)
    assert len(responses) == 1, responses
    return responses[0]


def assert_complete(response: StoredResponse, nps: int = 9, ces: int = 6) -> None:
    assert response.completed
    assert not response.suspected_scanner
    assert response.answer_rows == 4
    assert response.answers == {
        "nps": Decimal(nps),
        "ces": Decimal(ces),
        "heard": "yes",
        "comment": COMMENT,
    }


def press_tab_until(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focus_outline(page: Any) -> str:
    """Return the outline style drawn for the focused control (its label for a hidden radio)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const shown = el.type === 'radio' ? el.labels[0] : el;
            return getComputedStyle(shown).outlineStyle;
        }"""
    )


def assert_no_horizontal_scroll(page: Any) -> None:
    """Check the page fits 390 px and that nothing sticks out of its card (a cramped scale)."""
    fit = page.evaluate(
        """() => {
            const root = document.documentElement;
            const sticking = [];
            for (const card of document.querySelectorAll('.card')) {
                const box = card.getBoundingClientRect();
                for (const el of card.querySelectorAll('*')) {
                    const r = el.getBoundingClientRect();
                    if (r.width && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) {
                        sticking.push(el.id || el.getAttribute('for') || el.tagName);
                    }
                }
            }
            return {scroll: root.scrollWidth, client: root.clientWidth, sticking};
        }"""
    )
    assert fit["client"] == 390
    assert fit["scroll"] <= fit["client"], fit
    assert fit["sticking"] == [], fit


def test_invite_then_answer_in_spanish_stores_one_response(
    app: Flask, runner: FlaskCliRunner, server_url: str, page: Any
) -> None:
    link = invite(app, runner, locale="es")
    assert link.startswith(server_url + "/r/")

    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text(SPANISH_TITLE)
    expect(page.locator("#q-nps legend")).to_contain_text(SPANISH_NPS)
    expect(page.locator("#q-heard")).to_contain_text("En parte")
    answer_by_tapping(page)
    page.locator("#send-button").click()

    expect(page.locator("#thanks-title")).to_be_visible()
    assert_complete(only_response(app))


def test_score_from_the_email_is_saved_by_the_page_script_never_by_a_get(
    app: Flask, runner: FlaskCliRunner, server_url: str, page: Any
) -> None:
    link = invite(app, runner, locale="es") + "?score=9"

    scanner = requests.get(link, timeout=10)
    assert scanner.status_code == 200
    assert 'id="survey-form"' in scanner.text
    assert stored_responses(app) == []

    with page.expect_response(
        lambda r: r.url.split("?")[0].endswith("/score") and r.request.method == "POST"
    ) as saved:
        page.goto(link)
    assert saved.value.status == 200
    assert saved.value.json()["saved"] is True
    expect(page.locator("#score-form")).to_have_attribute("data-saved", "1")
    expect(page.locator("#score-status")).to_contain_text("9")
    expect(page.locator("#nps-9")).to_be_checked()
    expect(page.locator("#score-button")).to_be_hidden()

    response = only_response(app)
    assert not response.completed
    assert not response.suspected_scanner
    assert response.answers == {"nps": Decimal(9)}


def test_phone_keyboard_only_answers_the_whole_survey(
    app: Flask, runner: FlaskCliRunner, server_url: str, page: Any, artifacts: Path, backend: str
) -> None:
    page.goto(invite(app, runner, locale="es"))
    assert_no_horizontal_scroll(page)

    press_tab_until(page, "input[name=nps]")
    assert focus_outline(page) != "none"
    page.keyboard.press("Space")
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#nps-9")).to_be_checked()
    assert page.evaluate("document.activeElement.id") == "nps-9"
    assert focus_outline(page) != "none"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "ces"
    page.keyboard.press("Space")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#ces-5")).to_be_checked()

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "heard"
    page.keyboard.press("Space")
    expect(page.locator("#heard-0")).to_be_checked()

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "comment"
    assert focus_outline(page) != "none"
    page.keyboard.type(COMMENT)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "send-button"
    assert focus_outline(page) != "none"
    assert_no_horizontal_scroll(page)
    page.screenshot(path=artifacts / f"respond-phone-filled-{backend}.png", full_page=True)

    page.keyboard.press("Enter")
    expect(page.locator("#thanks-title")).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=artifacts / f"respond-phone-thanks-{backend}.png", full_page=True)
    assert_complete(only_response(app))


def test_without_javascript_the_plain_buttons_save_the_score_and_the_survey(
    app: Flask, runner: FlaskCliRunner, server_url: str, new_context: Any
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(invite(app, runner, locale="es") + "?score=7")
    # One clear path: the score's own button, and nothing competing with it yet.
    expect(page.locator("#score-button")).to_be_visible()
    expect(page.locator("#send-button")).to_be_hidden()
    expect(page.locator("button:visible")).to_have_count(1)
    assert stored_responses(app) == []

    page.locator("#score-button").click()
    expect(page.locator("#score-status")).to_contain_text("7")
    expect(page.locator("#nps-7")).to_be_checked()
    expect(page.locator("#score-button")).to_have_count(0)
    expect(page.locator("#send-button")).to_be_visible()
    partial = only_response(app)
    assert not partial.completed
    assert not partial.suspected_scanner
    assert partial.answers == {"nps": Decimal(7)}

    page.locator("label[for='ces-5']").click()
    page.locator("label[for='heard-0']").click()
    page.locator("#comment").fill(COMMENT)
    page.locator("#send-button").click()

    expect(page.locator("#thanks-title")).to_be_visible()
    assert_complete(only_response(app), nps=7)


def test_language_switch_turns_an_english_invitation_into_spanish(
    app: Flask, runner: FlaskCliRunner, server_url: str, page: Any
) -> None:
    page.goto(invite(app, runner, email="john@example.com", locale="en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("After support")
    expect(page.locator("#q-nps legend")).to_contain_text(ENGLISH_NPS)

    page.get_by_role("link", name="Español").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text(SPANISH_TITLE)
    expect(page.locator("#q-nps legend")).to_contain_text(SPANISH_NPS)
    expect(page.locator("#q-heard")).to_contain_text("En parte")
    expect(page.get_by_role("link", name="English")).to_be_visible()
    assert "lang=es" in page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_double_send_and_resent_post_leave_one_response(
    app: Flask, server_url: str, new_context: Any, javascript: bool
) -> None:
    context = new_context(java_script_enabled=javascript)
    link = server_url + make_invitation(app, locale="es").path
    second_tab, page = context.new_page(), context.new_page()
    for tab in (second_tab, page):
        # Background tabs are throttled: act in the tab in front, as a person does.
        tab.bring_to_front()
        tab.goto(link)
        answer_by_tapping(tab)
    action = page.locator("#survey-form").get_attribute("action")
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and action in r.url else None)

    with page.expect_request(lambda r: r.method == "POST" and action in r.url) as posted:
        page.locator("#send-button").dblclick()
    expect(page.locator("#thanks-title")).to_be_visible()
    if javascript:
        assert len(sent) == 1, "the page's script lets one send through"

    # The same form sent again from a tab left open, and the browser's "resend the form?".
    second_tab.bring_to_front()
    second_tab.locator("#send-button").click()
    expect(second_tab.locator("#thanks-title")).to_be_visible()
    resent = context.request.post(
        posted.value.url,
        data=posted.value.post_data,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": PHONE_USER_AGENT,
        },
    )
    assert resent.status == 200
    assert 'id="thanks-title"' in resent.text()
    page.bring_to_front()
    page.reload()
    expect(page.locator("#thanks-title")).to_be_visible()
    page.go_back()
    page.reload()
    expect(page.locator("#thanks-title")).to_be_visible()

    assert_complete(only_response(app))
