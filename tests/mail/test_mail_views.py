"""Unsubscribe pages and the dev mail folder (no SMTP: mail is kept for admins to read)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from survey.contacts.models import Contact
from survey.extensions import db
from tests.helpers import AuthActions, make_invitation, make_user
from tests.mail.factories import pending_invitations


def _unsubscribed(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(Contact.email).where(Contact.unsubscribed_at.is_not(None)))
        )


def test_the_unsubscribe_page_asks_first_and_get_writes_nothing(app: Flask) -> None:
    invited = make_invitation(app, "ana@example.com", locale="es")
    client = app.test_client()
    page = client.get(f"/u/{invited.token}")
    assert page.status_code == 200
    assert "¿Dejar de recibir encuestas?" in page.text
    assert 'method="post"' in page.text
    client.get(f"/u/{invited.token}")  # a mail scanner opening the link again
    assert _unsubscribed(app) == []

    done = client.post(f"/u/{invited.token}?lang=es")  # the page's button, no CSRF field
    assert done.status_code == 200
    assert "No recibirá más encuestas" in done.text
    assert _unsubscribed(app) == ["ana@example.com"]
    assert "No recibirá más encuestas" in client.get(f"/u/{invited.token}").text


def test_the_unsubscribe_page_speaks_the_invitations_language(app: Flask) -> None:
    invited = make_invitation(app, "john@example.com", locale="en")
    page = app.test_client().get(f"/u/{invited.token}")
    assert "Stop receiving surveys?" in page.text


def test_unknown_unsubscribe_tokens_are_404_and_change_nothing(app: Flask) -> None:
    make_invitation(app, "ana@example.com")
    client = app.test_client()
    assert client.get("/u/not-a-real-token-at-all").status_code == 404
    assert (
        client.post(
            "/u/not-a-real-token-at-all", data={"List-Unsubscribe": "One-Click"}
        ).status_code
        == 404
    )
    assert client.post("/u/x").status_code == 404
    assert _unsubscribed(app) == []


def test_without_smtp_mail_lands_in_the_instance_folder_and_on_dev_mail(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    app.instance_path = str(tmp_path)
    app.config["SMTP_HOST"] = ""
    pending_invitations(app, 2, name="Ana")
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert [
        re.fullmatch(r"\d{8}T\d{12}Z-invitation-\d+\.eml", f.name) is not None for f in files
    ] == [True, True]

    make_user(app, "admin@example.com", "admin")
    client = app.test_client()
    assert client.get("/dev/mail").status_code == 302  # sign in first
    AuthActions(client, app).login("admin@example.com")
    listing = client.get("/dev/mail")
    assert listing.status_code == 200
    assert listing.text.count("¿Qué tal le atendimos?") == 2
    link = re.search(r'href="(/dev/mail/[^"]+\.eml)"', listing.text)
    assert link
    message = client.get(link.group(1))
    assert message.status_code == 200
    frame = re.search(r"<iframe[^>]*>", message.text)
    assert frame
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in frame.group(0)
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', frame.group(0)).group(1))  # type: ignore[union-attr]
    assert "<table" in srcdoc
    assert "?score=10" in srcdoc
    assert "Hola, Ana:" in message.text  # the text part, below the frame
    assert "List-Unsubscribe" in message.text

    assert client.get("/dev/mail/..%2Fsecret_key").status_code == 404
    assert client.get("/dev/mail/20260101T000000000000Z-nothing.eml").status_code == 404


def test_dev_mail_is_for_admins_only(app: Flask) -> None:
    make_user(app, "analyst@example.com", "analyst")
    client = app.test_client()
    AuthActions(client, app).login("analyst@example.com")
    assert client.get("/dev/mail").status_code == 403
