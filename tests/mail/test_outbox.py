"""The outbox in one worker: retries and backoff, permanent refusals, skips, leases, reminders."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select, update

from survey.contacts.models import Contact
from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationStatus
from survey.extensions import db
from survey.outbox.queue import OutboxSettings
from survey.surveys.models import Survey
from tests.mail.factories import pending_invitations
from tests.mail.smtp_sink import Sink, free_port

TOKEN = re.compile(r"http://localhost/r/([A-Za-z0-9_-]{16,64})\?score=0")


def _invitation(app: Flask, invitation_id: int) -> Invitation:
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation is not None
        db.session.expunge(invitation)
        return invitation


def _token(data: bytes) -> str:
    from email import message_from_bytes, policy

    message = message_from_bytes(data, policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    match = TOKEN.search(text)
    assert match, text
    return match.group(1)


def _run_until(runner: FlaskCliRunner, done: callable, seconds: float = 120.0) -> int:  # type: ignore[valid-type]
    """Run `survey worker --once` until ``done()`` (polling, with a generous deadline)."""
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        result = runner.invoke(args=["worker", "--once"])
        assert result.exit_code == 0, result.output
        runs += 1
        if done():
            return runs
        time.sleep(0.05)
    raise AssertionError("the outbox did not get there in time")


def test_451_is_retried_with_the_same_link_and_the_same_message_id(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    # An hour's backoff: no retry can fall due while one pass runs, however slow the machine.
    mail_app.config.update(
        SURVEY_OUTBOX_RETRY_BASE_SECONDS=3600, SURVEY_OUTBOX_RETRY_MAX_SECONDS=3600
    )
    sink.handler.replies.extend(["451 4.3.0 Try again later"] * 2)
    [invitation_id] = pending_invitations(mail_app, 1)

    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    first = _invitation(mail_app, invitation_id)
    assert first.status is InvitationStatus.PENDING
    assert first.attempts == 1
    assert first.last_error == "451 4.3.0 Try again later"
    assert first.token_hash is None  # the refused email's link never works
    assert first.send_after > utcnow() + timedelta(minutes=59)  # backed off

    for _ in range(2):  # the backoff has passed: the next attempt is due
        with mail_app.app_context():
            db.session.execute(
                update(Invitation).where(Invitation.id == invitation_id).values(send_after=utcnow())
            )
            db.session.commit()
        assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    assert len(sink.received) == 1
    sent = _invitation(mail_app, invitation_id)
    assert sent.status is InvitationStatus.SENT
    assert sent.attempts == 3
    assert sent.last_error is None
    delivered = sink.received[0]
    # Every attempt carries the same link (derived from the row, not drawn anew), so a copy
    # that a server accepted while the worker lost track of it opens the survey too.
    assert {_token(r.data) for r in sink.handler.refused} == {_token(delivered.data)}
    assert {r.message_id for r in sink.handler.refused} == {delivered.message_id}
    assert sent.message_id == delivered.message_id
    client = mail_app.test_client()
    assert client.get(f"/r/{_token(delivered.data)}").status_code == 200


def test_550_fails_for_good_with_the_servers_message(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    sink.handler.refuse["cliente1@example.com"] = "550 5.1.1 <cliente1@example.com>: no such user"
    ids = pending_invitations(mail_app, 3)

    for _ in range(3):
        assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    failed = _invitation(mail_app, ids[1])
    assert failed.status is InvitationStatus.FAILED
    assert failed.attempts == 1  # never retried
    assert failed.last_error == "550 5.1.1 <cliente1@example.com>: no such user"
    assert failed.token_hash is None
    assert [_invitation(mail_app, i).status for i in (ids[0], ids[2])] == ["sent", "sent"]
    assert sorted(r.rcpt_tos[0] for r in sink.received) == [
        "cliente0@example.com",
        "cliente2@example.com",
    ]


def test_transient_failures_give_up_after_the_maximum_attempts(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    sink.handler.replies.extend(["452 4.2.2 Mailbox full"] * 10)
    [invitation_id] = pending_invitations(mail_app, 1)

    _run_until(runner, lambda: _invitation(mail_app, invitation_id).status == "failed")
    failed = _invitation(mail_app, invitation_id)
    assert failed.attempts == mail_app.config["SURVEY_OUTBOX_MAX_ATTEMPTS"] == 4
    assert failed.last_error == "gave up after 4 attempts: 452 4.2.2 Mailbox full"
    assert len(sink.handler.refused) == 4
    assert sink.received == []


def test_an_unreachable_server_leaves_the_batch_pending_for_later(
    mail_app: Flask, runner: FlaskCliRunner
) -> None:
    mail_app.config["SMTP_PORT"] = free_port()  # nobody listens there
    mail_app.config["SURVEY_OUTBOX_RETRY_BASE_SECONDS"] = 3600  # no retry within this pass
    ids = pending_invitations(mail_app, 3)

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    for invitation_id in ids:
        invitation = _invitation(mail_app, invitation_id)
        assert invitation.status is InvitationStatus.PENDING
        assert invitation.attempts == 1
        assert invitation.leased_by is None
        assert "cannot reach 127.0.0.1" in (invitation.last_error or "")


def test_backoff_doubles_up_to_the_cap() -> None:
    settings = OutboxSettings(retry_base_seconds=60, retry_max_seconds=600)
    waits = [settings.backoff(n).total_seconds() for n in range(1, 7)]
    assert waits == [60, 120, 240, 480, 600, 600]


def test_unsubscribed_or_expired_invitations_are_skipped_at_send_time(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    unsubscribed, expired, fine = pending_invitations(mail_app, 3)
    with mail_app.app_context():
        contact_id = db.session.get(Invitation, unsubscribed).contact_id  # type: ignore[union-attr]
        db.session.execute(
            update(Contact).where(Contact.id == contact_id).values(unsubscribed_at=utcnow())
        )
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == expired)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()

    result = runner.invoke(args=["worker", "--once"])
    assert "1 sent, 2 skipped" in result.output
    assert (
        _invitation(mail_app, unsubscribed).skip_reason,
        _invitation(mail_app, expired).skip_reason,
    ) == ("unsubscribed", "expired")
    assert _invitation(mail_app, unsubscribed).status is InvitationStatus.SKIPPED
    assert _invitation(mail_app, fine).status is InvitationStatus.SENT
    assert len(sink.received) == 1


def test_not_yet_due_invitations_wait(mail_app: Flask, runner: FlaskCliRunner, sink: Sink) -> None:
    [later] = pending_invitations(mail_app, 1, send_after=utcnow() + timedelta(minutes=5))
    result = runner.invoke(args=["worker", "--once"])
    assert "0 sent" in result.output
    assert _invitation(mail_app, later).status is InvitationStatus.PENDING
    assert sink.received == []


def test_a_dead_workers_rows_are_reclaimed_once_its_lease_expires(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    alive, dead = pending_invitations(mail_app, 2)
    with mail_app.app_context():
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == alive)
            .values(leased_by="other:1:aaaaaa", leased_until=utcnow() + timedelta(minutes=5))
        )
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == dead)
            .values(leased_by="gone:2:bbbbbb", leased_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    assert _invitation(mail_app, alive).status is InvitationStatus.PENDING  # still someone's
    assert _invitation(mail_app, dead).status is InvitationStatus.SENT
    assert [r.rcpt_tos for r in sink.received] == [["cliente1@example.com"]]


def test_one_reminder_after_the_surveys_reminder_days(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    answered_id, waiting_id = pending_invitations(mail_app, 2, locale="es")
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    first = {r.rcpt_tos[0]: r for r in sink.received}["cliente1@example.com"]
    with mail_app.app_context():
        db.session.execute(update(Survey).values(reminder_days=3))
        db.session.execute(
            update(Invitation).values(sent_at=utcnow() - timedelta(days=3, minutes=1))
        )
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == answered_id)
            .values(status=InvitationStatus.ANSWERED)
        )
        db.session.commit()

    result = runner.invoke(args=["worker", "--once"])
    assert "1 sent" in result.output, result.output
    reminder = sink.received[-1]
    assert reminder.rcpt_tos == ["cliente1@example.com"]
    assert reminder.message["Subject"] == "Recordatorio: ¿qué tal le atendimos?"
    assert reminder.message["In-Reply-To"] == first.message_id
    assert reminder.message_id != first.message_id
    invitation = _invitation(mail_app, waiting_id)
    assert invitation.reminder_sent_at is not None
    assert invitation.status is InvitationStatus.SENT
    client = mail_app.test_client()
    # Both emails' links open the survey: the reminder has a token of its own.
    assert client.get(f"/r/{_token(first.data)}").status_code == 200
    assert client.get(f"/r/{_token(reminder.data)}").status_code == 200

    runner.invoke(args=["worker", "--once"])
    assert len(sink.received) == 3  # one reminder, never a second


def test_no_reminder_without_reminder_days(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    pending_invitations(mail_app, 1)
    runner.invoke(args=["worker", "--once"])
    with mail_app.app_context():
        db.session.execute(update(Invitation).values(sent_at=utcnow() - timedelta(days=10)))
        db.session.commit()
        assert db.session.scalar(select(Survey.reminder_days)) is None
    runner.invoke(args=["worker", "--once"])
    assert len(sink.received) == 1


def test_production_refuses_to_run_without_an_smtp_server(
    app: Flask, runner: FlaskCliRunner
) -> None:
    app.config.update(ENV_NAME="production", SMTP_HOST="")
    [waiting] = pending_invitations(app, 1)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 1
    assert "SMTP_HOST is not set" in result.output
    assert _invitation(app, waiting).status is InvitationStatus.PENDING
