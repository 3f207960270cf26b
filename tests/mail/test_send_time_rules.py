"""Rules checked when the email goes, not only when it was scheduled.

Quiet hours hold for first sends, retries and reminders, in the contact's own zone across
daylight-saving changes; the link's lifetime starts at the real send; a click that looks
like a mail scanner does not count as an answer that cancels the reminder.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import insert, update

from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationStatus
from survey.extensions import db
from survey.mail.sending import mail_channel
from survey.outbox.queue import BatchReport, OutboxSettings
from survey.outbox.worker import drain_channel
from survey.responding.models import Response
from survey.surveys.models import Survey
from tests.mail.factories import pending_invitations
from tests.mail.smtp_sink import Sink

QUIET_21_TO_9 = (21, 9)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _drain(app: Flask, at: datetime) -> BatchReport:
    """Run the mail channel as a worker would, at a chosen moment."""
    with app.app_context():
        channel = mail_channel(app, OutboxSettings.from_config(app.config))
        return drain_channel(channel, "test:1:aaaaaa", should_stop=lambda: False, clock=lambda: at)


def _row(app: Flask, invitation_id: int) -> Invitation:
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation is not None
        db.session.expunge(invitation)
        return invitation


def _set(app: Flask, invitation_id: int, **values: object) -> None:
    with app.app_context():
        db.session.execute(update(Invitation).where(Invitation.id == invitation_id).values(values))
        db.session.commit()


def test_a_first_send_due_inside_quiet_hours_waits_for_their_end_after_a_dst_change(
    mail_app: Flask, sink: Sink
) -> None:
    # Madrid moved to summer time at 01:00 UTC on 29 March 2026: 06:01 UTC is 08:01 there.
    due = _at("2026-03-29T06:00:00")
    [invitation_id] = pending_invitations(
        mail_app,
        1,
        timezone="Europe/Madrid",
        quiet_hours=QUIET_21_TO_9,
        send_after=due,
        expires_at=due + timedelta(days=14),
    )

    report = _drain(mail_app, _at("2026-03-29T06:01:00"))
    assert (report.sent, report.deferred) == (0, 1)
    assert sink.received == []
    waiting = _row(mail_app, invitation_id)
    assert waiting.status is InvitationStatus.PENDING
    assert waiting.send_after == _at("2026-03-29T07:00:00")  # 09:00 summer time in Madrid
    assert (waiting.attempts, waiting.leased_by) == (0, None)

    assert _drain(mail_app, _at("2026-03-29T07:00:00")).sent == 1
    assert len(sink.received) == 1
    assert _row(mail_app, invitation_id).status is InvitationStatus.SENT


def test_a_retry_due_inside_quiet_hours_waits_across_the_autumn_change(
    mail_app: Flask, sink: Sink
) -> None:
    # 21:30 UTC on 24 October 2026 is 23:30 in Madrid; the clocks go back overnight, so the
    # quiet hours end at 09:00 winter time, 08:00 UTC.
    [invitation_id] = pending_invitations(
        mail_app, 1, timezone="Europe/Madrid", quiet_hours=QUIET_21_TO_9
    )
    _set(
        mail_app,
        invitation_id,
        attempts=1,
        last_error="451 4.3.0 Try again later",
        send_after=_at("2026-10-24T21:29:00"),
        expires_at=_at("2026-11-07T21:00:00"),
    )

    assert _drain(mail_app, _at("2026-10-24T21:30:00")).deferred == 1
    waiting = _row(mail_app, invitation_id)
    assert waiting.send_after == _at("2026-10-25T08:00:00")
    assert waiting.attempts == 1  # waiting for the morning is not a failed attempt
    assert sink.received == []


def test_a_reminder_due_inside_quiet_hours_waits_for_their_end(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    # New York moved to summer time on 8 March 2026: 12:30 UTC is 08:30 there, still night.
    [invitation_id] = pending_invitations(
        mail_app, 1, timezone="America/New_York", quiet_hours=QUIET_21_TO_9
    )
    with mail_app.app_context():
        db.session.execute(update(Survey).values(reminder_days=3))
        db.session.commit()
    _set(
        mail_app,
        invitation_id,
        status=InvitationStatus.SENT,
        sent_at=_at("2026-03-05T12:00:00"),
        expires_at=_at("2026-03-19T12:00:00"),
    )

    report = _drain(mail_app, _at("2026-03-08T12:30:00"))
    assert (report.sent, report.deferred) == (0, 1)
    waiting = _row(mail_app, invitation_id)
    assert waiting.reminder_sent_at is None
    assert waiting.reminder_attempts == 0
    assert waiting.leased_until == _at("2026-03-08T13:00:00")  # not before 09:00 local

    assert _drain(mail_app, _at("2026-03-08T12:59:00")).claimed == 0
    assert _drain(mail_app, _at("2026-03-08T13:00:00")).sent == 1
    [reminder] = sink.received
    assert reminder.message["Subject"] == "Recordatorio: ¿qué tal le atendimos?"
    assert _row(mail_app, invitation_id).reminder_sent_at == _at("2026-03-08T13:00:00")


def test_the_link_lifetime_starts_when_the_email_goes(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    # Scheduled three days ago, when the link would have been given until then + 14 days.
    scheduled = utcnow() - timedelta(days=3)
    [invitation_id] = pending_invitations(
        mail_app, 1, send_after=scheduled, expires_at=scheduled + timedelta(days=14)
    )
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    sent = _row(mail_app, invitation_id)
    assert sent.sent_at is not None
    assert sent.expires_at == sent.sent_at + timedelta(days=14)
    text = sink.received[0].message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    day = sent.expires_at.day
    assert re.search(rf"\b{day} de \w+ de {sent.expires_at.year}", text), text


def _answered_three_days_ago(app: Flask, *, suspected_scanner: bool) -> int:
    [invitation_id] = pending_invitations(app, 1)
    now = utcnow()
    with app.app_context():
        db.session.execute(update(Survey).values(reminder_days=3))
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation is not None
        invitation.status = InvitationStatus.SENT
        invitation.sent_at = now - timedelta(days=3, minutes=1)
        db.session.execute(
            insert(Response).values(
                invitation_id=invitation_id,
                survey_id=invitation.survey_id,
                locale="es",
                started_at=now - timedelta(days=3),
                updated_at=now - timedelta(days=3),
                suspected_scanner=suspected_scanner,
            )
        )
        db.session.commit()
    return invitation_id


def test_a_suspected_scanner_click_does_not_cancel_the_reminder(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    invitation_id = _answered_three_days_ago(mail_app, suspected_scanner=True)
    result = runner.invoke(args=["worker", "--once"])
    assert "mail: 1 sent" in result.output, result.output
    assert sink.received[0].message["Subject"] == "Recordatorio: ¿qué tal le atendimos?"
    assert _row(mail_app, invitation_id).reminder_sent_at is not None


def test_a_persons_score_cancels_the_reminder(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    invitation_id = _answered_three_days_ago(mail_app, suspected_scanner=False)
    result = runner.invoke(args=["worker", "--once"])
    assert "mail: 0 sent" in result.output, result.output
    assert sink.received == []
    assert _row(mail_app, invitation_id).reminder_sent_at is None
