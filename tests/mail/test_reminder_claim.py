"""Lapsed links expire, and the reminder claim and the outbox counts read indexes, not tables.

The plans are checked with sequential scans priced out of reach (PostgreSQL) or as SQLite
plans them: a plan that still reads a whole table has no index to use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import event, insert, select, update

from survey.contacts.models import Contact
from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationOrigin, InvitationStatus
from survey.extensions import db
from survey.insights.funnel import invitation_funnel, outbox_counts
from survey.mail.sending import expire_lapsed_invitations, mail_channel
from survey.outbox.queue import OutboxSettings
from survey.responding.models import Response
from survey.surveys.models import Survey
from tests.mail.factories import pending_invitations
from tests.mail.smtp_sink import Sink


def _sent(app: Flask, count: int, *, days_ago: float, reminder_days: int | None = 3) -> list[int]:
    """Insert invitations sent ``days_ago`` with the survey's 14-day links; return their ids."""
    ids = pending_invitations(app, count)
    sent_at = utcnow() - timedelta(days=days_ago)
    with app.app_context():
        db.session.execute(update(Survey).values(reminder_days=reminder_days))
        db.session.execute(
            update(Invitation)
            .where(Invitation.id.in_(ids))
            .values(
                status=InvitationStatus.SENT,
                sent_at=sent_at,
                expires_at=sent_at + timedelta(days=14),
                token_hash=None,
            )
        )
        db.session.commit()
    return ids


def _statuses(app: Flask, ids: list[int]) -> list[InvitationStatus]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Invitation.status).where(Invitation.id.in_(ids)).order_by(Invitation.id)
            )
        )


def test_a_lapsed_unanswered_link_expires_and_gets_no_reminder(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    [lapsed] = _sent(mail_app, 1, days_ago=20)
    [open_link] = _sent(mail_app, 1, days_ago=4)

    result = runner.invoke(args=["worker", "--once"])
    assert "mail: 1 sent" in result.output, result.output
    assert _statuses(mail_app, [lapsed, open_link]) == [
        InvitationStatus.EXPIRED,
        InvitationStatus.SENT,
    ]
    [reminder] = sink.received
    assert reminder.message["Subject"] == "Recordatorio: ¿qué tal le atendimos?"
    with mail_app.app_context():
        assert db.session.get(Invitation, lapsed).reminder_sent_at is None  # type: ignore[union-attr]

    shown = runner.invoke(args=["outbox"]).output
    assert "expired unanswered: 1" in shown, shown
    assert "sent:               1" in shown, shown


def test_expiry_goes_in_bounded_batches_and_spares_answered_and_open_links(
    app: Flask,
) -> None:
    lapsed = _sent(app, 5, days_ago=15, reminder_days=None)
    [open_link] = _sent(app, 1, days_ago=13, reminder_days=None)
    with app.app_context():
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == lapsed[0])
            .values(status=InvitationStatus.ANSWERED)
        )
        db.session.commit()
        now = utcnow()
        assert [expire_lapsed_invitations(now, limit=2) for _ in range(4)] == [2, 2, 0, 0]
        counts = outbox_counts(now)
    assert _statuses(app, lapsed) == [InvitationStatus.ANSWERED] + [InvitationStatus.EXPIRED] * 4
    assert _statuses(app, [open_link]) == [InvitationStatus.SENT]
    assert (counts.expired, counts.sent, counts.answered) == (4, 1, 1)


@contextmanager
def _statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """Collect the SQL statements (and parameters) run inside the block."""
    seen: list[tuple[str, Any]] = []

    def collect(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", collect)


def _plan(statement: str, parameters: Any) -> str:
    """Return the plan of a statement, sequential scans priced out where the server allows."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + statement, parameters)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
        raw.rollback()
        return plan
    finally:
        raw.close()


def _full_scans(plan: str) -> list[str]:
    """Return the plan lines that read a whole invitation, response or contact table."""
    tables = ("invitation", "response", "contact")
    lines = []
    for line in plan.splitlines():
        if any(f"Seq Scan on {t}" in line for t in tables):
            lines.append(line)
        # SQLite: "SCAN invitation" without "USING ... INDEX" reads every row.
        if any(f"SCAN {t}" in line for t in tables) and "INDEX" not in line:
            lines.append(line)
    return lines


def _plans_of(app: Flask, action: Callable[[], object], keyword: str) -> list[str]:
    with _statements(app) as seen:
        action()
    db.session.rollback()
    return [_plan(s, p) for s, p in seen if keyword in s]


def test_the_reminder_claim_and_the_expiry_pass_use_their_indexes(mail_app: Flask) -> None:
    _sent(mail_app, 3, days_ago=4)
    _sent(mail_app, 3, days_ago=20)
    with mail_app.app_context():
        channel = mail_channel(mail_app, OutboxSettings.from_config(mail_app.config))
        reminders = channel.queues[1]
        now = utcnow()
        [expiry, claim] = _plans_of(
            mail_app, lambda: reminders.claim("test:1:aaaaaa", now), "UPDATE invitation"
        )
        postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:
        # SQLite chooses among indexes by statistics a table this small does not have.
        assert "ix_invitation_sent_expires" in expiry, expiry
    assert "ix_invitation_reminder_due" in claim, claim
    # The answer and the unsubscription are looked up per candidate, by key.
    assert "uq_response_invitation_id" in claim or "sqlite_autoindex_response" in claim, claim
    assert _full_scans(expiry) == [], expiry
    assert _full_scans(claim) == [], claim


def test_outbox_counts_and_the_funnels_manual_count_use_indexes(app: Flask) -> None:
    pending_invitations(app, 2)
    with app.app_context():
        contact_id = db.session.scalar(select(Contact.id).limit(1))
        survey_id = db.session.scalar(select(Survey.id).limit(1))
        db.session.execute(
            insert(Invitation).values(
                survey_id=survey_id, contact_id=contact_id, origin=InvitationOrigin.MANUAL
            )
        )
        db.session.commit()
        counts = _plans_of(app, lambda: outbox_counts(utcnow()), "FROM invitation")
        funnel = _plans_of(app, lambda: invitation_funnel(survey_id=survey_id), "origin")
        postgresql = db.engine.dialect.name == "postgresql"
    assert len(counts) >= 2  # totals, due pending (and the untriggered touchpoints)
    assert len(funnel) == 1
    for plan in counts + funnel:
        assert _full_scans(plan) == [], plan
    if postgresql:  # SQLite picks among indexes by statistics a tiny table does not have
        assert "ix_invitation_manual_created" in funnel[0], funnel[0]


def test_a_persons_partial_answer_still_stops_the_reminder_through_its_index(
    mail_app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    [answered] = _sent(mail_app, 1, days_ago=4)
    with mail_app.app_context():
        db.session.execute(
            insert(Response).values(
                invitation_id=answered,
                survey_id=db.session.scalar(select(Survey.id).limit(1)),
                locale="es",
                suspected_scanner=False,
            )
        )
        db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert "mail: 0 sent" in result.output, result.output
    assert sink.received == []
    assert _statuses(mail_app, [answered]) == [InvitationStatus.SENT]
