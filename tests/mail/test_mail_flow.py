"""From a touchpoint to the inbox: the real email over real SMTP, its links and unsubscribe."""

from __future__ import annotations

import re
from email.message import EmailMessage

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from survey.api.services import create_api_key
from survey.contacts.models import Contact
from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationStatus
from survey.extensions import db
from survey.responding.models import Answer, Response
from survey.surveys.services import ensure_default_survey
from tests.helpers import csrf_token
from tests.mail.smtp_sink import Sink

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
SCORE_LINK = re.compile(r"http://localhost/r/([A-Za-z0-9_-]{16,64})\?score=(\d+)")


def _post_touchpoint(app: Flask, email: str, locale: str, name: str) -> int:
    """Record a closed ticket through the touchpoint API, with no delay before the email."""
    with app.app_context():
        survey = ensure_default_survey()
        survey.delay_minutes = 0
        survey.quiet_start_hour = survey.quiet_end_hour = 0  # no quiet hours: send now
        db.session.commit()
        key = create_api_key("helpdesk").key
    response = app.test_client().post(
        "/api/v1/touchpoints",
        json={
            "external_id": f"ticket-{email}",
            "type": "ticket_closed",
            "occurred_at": utcnow().isoformat(),
            "team": "soporte",
            "agent": "Lucía",
            "contact": {"email": email, "name": name, "locale": locale},
        },
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.json
    invitation = response.json["touchpoints"][0]["invitations"][0]
    assert invitation["status"] == "scheduled"
    return int(invitation["invitation_id"])


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def test_touchpoint_to_inbox_to_saved_score_and_unsubscribe(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    app = mail_app
    # The score is saved seconds after sending here; in real life that smells of a scanner.
    app.config["SURVEY_SCANNER_WINDOW_SECONDS"] = 0
    invitation_id = _post_touchpoint(app, "ana@example.com", "es", "Ana Pérez")

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output

    [received] = sink.received
    assert received.rcpt_tos == ["ana@example.com"]
    assert received.mail_from == "encuestas@heard.example"
    message = received.message
    assert message["From"] == "Heard Encuestas <encuestas@heard.example>"
    assert message["To"] == "Ana Pérez <ana@example.com>"
    assert message["Subject"] == "¿Qué tal le atendimos?"
    assert message["Content-Language"] == "es"
    assert message.get_content_type() == "multipart/alternative"
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation is not None
        assert invitation.status is InvitationStatus.SENT
        assert invitation.sent_at is not None
        assert invitation.message_id == message["Message-ID"]
        assert re.fullmatch(
            rf"<invitation-{invitation_id}\.[0-9a-f]{{16}}@heard\.example>", invitation.message_id
        )
        token_hash = invitation.token_hash
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<(http://localhost/u/([A-Za-z0-9_-]+))>, "
        r"<mailto:encuestas@heard\.example\?subject=unsubscribe>",
        str(message["List-Unsubscribe"]),
    )
    assert unsubscribe, message["List-Unsubscribe"]

    text, html = _parts(message)
    assert "Hola, Ana:" in text  # the first name only
    assert "¿Qué probabilidad hay de que nos recomiende" in text
    assert "Hola, Ana:" in html
    assert "¿Qué probabilidad hay de que nos recomiende" in html
    for part in (text, html):
        links = SCORE_LINK.findall(part)
        assert [int(score) for _, score in links] == list(range(11))
        assert len({token for token, _ in links}) == 1
    token = SCORE_LINK.findall(html)[0][0]
    assert unsubscribe.group(2) == token
    assert f'href="http://localhost/r/{token}"' in html  # the plain link to the whole survey
    assert f"http://localhost/u/{token}" in text
    assert f"http://localhost/u/{token}" in html
    assert 'style="' in html
    assert "<table" in html
    assert "<link" not in html
    with app.app_context():
        # Only the hash is stored, and it is the hash of the token in the email.
        from survey.distribution.tokens import hash_token

        assert token_hash == hash_token(token)

    client = app.test_client()
    page = client.get(f"/r/{token}?score=9", headers={"User-Agent": BROWSER})
    assert page.status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []  # opening stores nothing
    saved = client.post(
        f"/r/{token}/score",
        data={"csrf_token": csrf_token(page.text), "score": "9"},
        headers={"User-Agent": BROWSER, "Accept": "application/json"},
    )
    assert saved.status_code == 200
    assert saved.json["saved"] is True
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.invitation_id == invitation_id
        assert response.completed_at is None  # partial: only the score from the email
        [answer] = db.session.scalars(select(Answer)).all()
        assert answer.number_value == 9

    one_click = app.test_client().post(
        f"/u/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        headers={"User-Agent": "Gmail one-click"},
    )
    assert one_click.status_code == 200
    with app.app_context():
        contact = db.session.scalars(select(Contact)).one()
        assert contact.unsubscribed_at is not None


def test_english_contact_gets_english_mail(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    _post_touchpoint(mail_app, "john@example.com", "en", "John")
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    message = sink.received[0].message
    assert message["Subject"] == "How did we do?"
    assert message["Content-Language"] == "en"
    text, html = _parts(message)
    assert "Hello John," in text
    assert "How likely are you to recommend us" in html
    assert "0 = Not at all likely" in html
