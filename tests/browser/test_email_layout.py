"""The invitation email in a real browser: score buttons a thumb can hit, greeting by first name."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

pytestmark = pytest.mark.browser


def rendered_html(
    app: Flask, name: str | None = "Lucía García Pérez", greeting: str = "Hola, Lucía:"
) -> str:
    from survey.mail.rendering import InvitationContent, render_invitation

    content = InvitationContent(
        invitation_id=1,
        email="lucia@example.com",
        name=name,
        locale="es",
        expires_at=None,
        survey_title="Después de la atención",
        prompt="¿Qué probabilidad hay de que nos recomiende?",
        low_label="Nada probable",
        high_label="Muy probable",
    )
    with app.test_request_context():
        outgoing = render_invitation(content, "A" * 24, now=datetime.now(UTC))
    message = email.message_from_bytes(outgoing.data)
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    }
    assert parts["text/plain"].splitlines()[0] == greeting
    return parts["text/html"]


def score_buttons(page: Any) -> list[dict[str, float]]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('a[title]'))
            .filter(a => /^([0-9]|10)$/.test(a.title))
            .map(a => { const r = a.getBoundingClientRect();
                        return {score: +a.title, width: r.width, height: r.height,
                                top: r.top}; })"""
    )


@pytest.mark.parametrize(("width", "rows"), [(320, 2), (375, 2), (600, 1)])
def test_score_buttons_are_wide_enough_to_tap_in_at_most_two_rows(
    app: Flask, new_context: Any, width: int, rows: int
) -> None:
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.set_content(rendered_html(app))
    buttons = score_buttons(page)
    assert [b["score"] for b in buttons] == list(range(11))
    assert min(b["width"] for b in buttons) >= 24, buttons
    assert min(b["height"] for b in buttons) >= 24, buttons
    assert len({round(b["top"]) for b in buttons}) == rows, buttons
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    ("name", "greeting"), [("Lucía García Pérez", "Hola, Lucía:"), (None, "Hola:"), ("  ", "Hola:")]
)
def test_greeting_uses_the_first_name_or_none(
    app: Flask, new_context: Any, name: str | None, greeting: str
) -> None:
    page = new_context().new_page()
    page.set_content(rendered_html(app, name, greeting))
    body = page.inner_text("body")
    assert body.startswith(greeting) or f"\n{greeting}" in body
    assert "García" not in body
