"""Email addresses beyond ASCII, with a real SMTP server that offers SMTPUTF8 or not.

An internationalised domain is stored as written and sent in punycode; an address with
characters other than ASCII before the @ is refused where it comes in (CLI, API, staff
accounts), naming the field, and one stored before that rule fails clearly when it would go.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, insert, select, update

from survey.auth.models import User
from survey.contacts.models import Contact
from survey.distribution.models import Invitation, InvitationStatus
from survey.extensions import db
from tests.mail.factories import pending_invitations
from tests.mail.smtp_sink import Sink, running_sink
from tests.touchpoint_factories import api_key, bearer, event


@pytest.fixture(params=[False, True], ids=["plain-smtp", "smtputf8"])
def any_sink(request: pytest.FixtureRequest, app: Flask) -> Iterator[Sink]:
    """A real SMTP server on 127.0.0.1, with SMTPUTF8 offered or not; the app sends to it."""
    with running_sink(smtputf8=request.param) as sink:
        app.config.update(sink.settings, MAIL_FROM="Heard <encuestas@heard.example>")
        yield sink


def test_an_idna_domain_is_stored_as_written_and_sent_in_punycode(
    app: Flask, runner: FlaskCliRunner, any_sink: Sink, default_survey: int
) -> None:
    # `survey invite` hands out a printed link; the address is checked and stored the same way.
    invited = runner.invoke(args=["invite", "--email", " Ana@Bücher.Example "])
    assert invited.exit_code == 0, invited.output
    with app.app_context():
        assert db.session.scalars(select(Contact.email)).all() == ["ana@bücher.example"]

    pending_invitations(app, 1, domain="bücher.example")
    sent = runner.invoke(args=["worker", "--once"])
    assert "mail: 1 sent" in sent.output, sent.output
    [received] = any_sink.received
    assert received.rcpt_tos == ["cliente1@xn--bcher-kva.example"]
    assert "cliente1@xn--bcher-kva.example" in str(received.message["To"])


def _stored(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Contact.id))) or 0,
            db.session.scalar(select(func.count(Invitation.id))) or 0,
            db.session.scalar(select(func.count(User.id))) or 0,
        )


def test_a_non_ascii_local_part_is_refused_at_intake_naming_the_field(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, default_survey: int
) -> None:
    before = _stored(app)
    invited = runner.invoke(args=["invite", "--email", "josé@example.com"])
    assert invited.exit_code == 1
    assert "invalid email 'josé@example.com'" in invited.output
    assert "characters other than ASCII before the @" in invited.output

    key = api_key(app)
    posted = client.post(
        "/api/v1/touchpoints",
        json=[event(1), event(2, contact={"email": "josé@example.com"})],
        headers=bearer(key),
    )
    assert posted.status_code == 422, posted.get_data(as_text=True)
    (error,) = posted.get_json()["errors"]
    assert (error["index"], error["field"]) == (1, "contact.email")
    assert "characters other than ASCII before the @" in error["message"]

    account = runner.invoke(
        args=["users", "create", "--email", "josé@example.com", "--role", "admin"],
        input="a-long-password\na-long-password\n",
    )
    assert account.exit_code == 1
    assert "characters other than ASCII before the @" in account.output
    assert _stored(app) == before


def test_an_older_non_ascii_local_part_fails_clearly_and_reaches_no_server(
    app: Flask, runner: FlaskCliRunner, any_sink: Sink
) -> None:
    [invitation_id] = pending_invitations(app, 1)
    with app.app_context():
        contact_id = db.session.scalar(
            select(Invitation.contact_id).where(Invitation.id == invitation_id)
        )
        # Written as intake accepted it before the rule; the next contact is a normal one.
        db.session.execute(
            update(Contact).where(Contact.id == contact_id).values(email="josé@example.com")
        )
        db.session.execute(insert(Contact).values(email="later@example.com", locale="es"))
        db.session.commit()

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 failed" in result.output, result.output
    assert any_sink.received == []
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation is not None
        assert invitation.status is InvitationStatus.FAILED
        assert "characters other than ASCII before the @" in (invitation.last_error or "")
