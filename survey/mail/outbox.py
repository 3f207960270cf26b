"""The durable outbox: send due invitations and reminders, and record what happened.

Invitation rows are the queue (see :mod:`survey.mail.queue`). A batch is claimed in one
short transaction, sent over one reused connection, and each outcome is committed right
after its own send.

Delivery is at least once, not exactly once. The server's "250 OK" and our commit happen in
two systems; a worker killed between them leaves a row that was delivered but still leased,
and once the lease runs out another worker sends it again. SMTP has no idempotency key that
receiving servers honour, so no design closes that gap; committing per message keeps it to
the single message in flight, which repeats with the same Message-ID.

The link token is made at send time: only its hash is stored, and only once the server has
accepted the message, so a failed attempt leaves no working link behind and a retry carries
a fresh token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, exists, false, or_, select

from survey.contacts.models import Contact
from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationStatus
from survey.distribution.tokens import hash_token, new_token
from survey.extensions import db
from survey.mail.queue import (
    BatchReport,
    OutboxSettings,
    claim_rows,
    outcome_connection,
    record_outcome,
    release_rows,
)
from survey.mail.rendering import InvitationContent, OutgoingMail, render_invitation
from survey.mail.transport import (
    MailConnection,
    PermanentSendError,
    TransientSendError,
    Transport,
)
from survey.responding.models import Response
from survey.surveys.models import Question, QuestionKind, Survey

logger = logging.getLogger(__name__)

StopCheck = Callable[[], bool]


def _never() -> bool:
    return False


@dataclass(frozen=True)
class OutboxItem:
    """A claimed invitation with everything its email needs, read in one query."""

    content: InvitationContent
    attempts: int
    #: Why it must not be sent after all (unsubscribed, expired, erased), or None.
    skip_reason: str | None


def claim_due_invitations(worker: str, settings: OutboxSettings, now: datetime) -> list[int]:
    """Lease a batch of pending invitations whose send_after has passed."""
    return claim_rows(
        Invitation,
        [Invitation.status == InvitationStatus.PENDING, Invitation.send_after <= now],
        [Invitation.send_after, Invitation.id],
        worker,
        settings,
        now,
    )


def claim_due_reminders(worker: str, settings: OutboxSettings, now: datetime) -> list[int]:
    """Lease a batch of sent, unanswered invitations whose survey's reminder is due."""
    surveys = db.session.execute(
        select(Survey.id, Survey.reminder_days).where(Survey.reminder_days.is_not(None))
    ).all()
    db.session.commit()
    if not surveys:
        return []
    due = or_(
        false(),
        *(
            and_(
                Invitation.survey_id == survey_id, Invitation.sent_at <= now - timedelta(days=days)
            )
            for survey_id, days in surveys
        ),
    )
    return claim_rows(
        Invitation,
        [
            Invitation.status == InvitationStatus.SENT,
            Invitation.reminder_sent_at.is_(None),
            Invitation.reminder_attempts < settings.max_attempts,
            Invitation.erased_at.is_(None),
            or_(Invitation.expires_at.is_(None), Invitation.expires_at > now),
            due,
            # A score saved from the first email is an answer too: no nagging after it.
            ~exists().where(Response.invitation_id == Invitation.id),
            ~exists().where(
                Contact.id == Invitation.contact_id, Contact.unsubscribed_at.is_not(None)
            ),
        ],
        [Invitation.sent_at, Invitation.id],
        worker,
        settings,
        now,
    )


def load_items(invitation_ids: Sequence[int], now: datetime, *, reminder: bool) -> list[OutboxItem]:
    """Read the claimed invitations with their contacts, surveys and NPS prompts."""
    attempts_column = Invitation.reminder_attempts if reminder else Invitation.attempts
    rows = db.session.execute(
        select(
            Invitation.id,
            Invitation.locale,
            Invitation.expires_at,
            Invitation.erased_at,
            Invitation.survey_id,
            attempts_column,
            Contact.email,
            Contact.name,
            Contact.unsubscribed_at,
            Survey.title,
        )
        .join(Contact, Contact.id == Invitation.contact_id)
        .join(Survey, Survey.id == Invitation.survey_id)
        .where(Invitation.id.in_(invitation_ids))
        .order_by(Invitation.id)
    ).all()
    prompts = _nps_prompts({row.survey_id for row in rows})
    items = []
    for row in rows:
        locale = row.locale
        prompt, low, high = _localised(prompts.get(row.survey_id), locale)
        content = InvitationContent(
            invitation_id=row.id,
            email=row.email,
            name=row.name,
            locale=locale,
            expires_at=row.expires_at,
            survey_title=_pick(row.title, locale),
            prompt=prompt,
            low_label=low,
            high_label=high,
        )
        items.append(OutboxItem(content, int(row[5] or 0), _skip_reason(row, now)))
    db.session.commit()
    return items


def _skip_reason(row: Any, now: datetime) -> str | None:
    if row.erased_at is not None:
        return "erased"
    if row.unsubscribed_at is not None:
        return "unsubscribed"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return None


def _nps_prompts(survey_ids: set[int]) -> dict[int, Question]:
    """Return each survey's first NPS question, in one query for the whole batch."""
    if not survey_ids:
        return {}
    questions = db.session.scalars(
        select(Question)
        .where(Question.survey_id.in_(survey_ids), Question.kind == QuestionKind.NPS)
        .order_by(Question.position.desc())
    ).all()
    return {q.survey_id: q for q in questions}  # the lowest position wins


def _pick(texts: Any, locale: str) -> str:
    if isinstance(texts, dict):
        if locale in texts:
            return str(texts[locale])
        return str(next(iter(texts.values()), ""))
    return str(texts or "")


def _localised(question: Question | None, locale: str) -> tuple[str, str, str]:
    if question is None:
        return "", "", ""
    options = question.options or {}
    return (
        _pick(question.prompt, locale),
        _pick(options.get("low", ""), locale),
        _pick(options.get("high", ""), locale),
    )


class _Ledger:
    """Turns what happened to one send into column values, for invitations or reminders."""

    def __init__(self, settings: OutboxSettings, *, reminder: bool) -> None:
        self.settings = settings
        self.reminder = reminder

    def sent(self, item: OutboxItem, token: str, mail: OutgoingMail) -> dict[str, Any]:
        now = utcnow()
        if self.reminder:
            return {
                "reminder_sent_at": now,
                "reminder_token_hash": hash_token(token),
                "reminder_attempts": item.attempts + 1,
            }
        return {
            "status": InvitationStatus.SENT,
            "sent_at": now,
            "token_hash": hash_token(token),
            "message_id": mail.message_id,
            "attempts": item.attempts + 1,
            "last_error": None,
        }

    def retry(self, item: OutboxItem, error: str, now: datetime) -> tuple[dict[str, Any], bool]:
        """Return the values after a transient failure, and whether it was given up."""
        attempts = item.attempts + 1
        give_up = attempts >= self.settings.max_attempts
        message = f"gave up after {attempts} attempts: {error}" if give_up else error
        if self.reminder:
            values: dict[str, Any] = {"reminder_attempts": attempts, "last_error": message}
            if not give_up:
                # The lease doubles as "not before": nobody claims the row until it ends.
                values["leased_until"] = now + self.settings.backoff(attempts)
            return values, give_up
        values = {"attempts": attempts, "last_error": message}
        if give_up:
            values["status"] = InvitationStatus.FAILED
        else:
            values["send_after"] = now + self.settings.backoff(attempts)
        return values, give_up

    def failed(self, item: OutboxItem, error: str) -> dict[str, Any]:
        if self.reminder:
            return {
                "reminder_attempts": self.settings.max_attempts,
                "last_error": f"reminder: {error}",
            }
        return {
            "status": InvitationStatus.FAILED,
            "attempts": item.attempts + 1,
            "last_error": error,
        }

    def skipped(self, reason: str) -> dict[str, Any]:
        if self.reminder:
            return {"reminder_attempts": self.settings.max_attempts}
        return {"status": InvitationStatus.SKIPPED, "skip_reason": reason}


class _Batch:
    """Sends one claimed batch and records each outcome as soon as it is known."""

    def __init__(
        self,
        items: list[OutboxItem],
        worker: str,
        settings: OutboxSettings,
        *,
        reminder: bool,
        should_stop: StopCheck,
    ) -> None:
        self.pending = list(reversed(items))
        self.worker = worker
        self.settings = settings
        self.reminder = reminder
        self.should_stop = should_stop
        self.ledger = _Ledger(settings, reminder=reminder)
        self.report = BatchReport(claimed=len(items))
        self.deadline = time.monotonic() + settings.working_seconds
        self.database: Connection

    def run(self, transport: Transport) -> BatchReport:
        with outcome_connection() as self.database:
            try:
                with transport.connect() as connection:
                    self._send_all(connection)
            except TransientSendError as error:
                # The connection could not be opened, or was lost: nothing else can go now.
                self._retry_remaining(str(error))
            pending = [item.content.invitation_id for item in self.pending]
            self.report.released += release_rows(self.database, Invitation, pending, self.worker)
        return self.report

    def _send_all(self, connection: MailConnection) -> None:
        while self.pending:
            if self.should_stop() or time.monotonic() > self.deadline:
                return
            self._send_one(connection, self.pending.pop())

    def _send_one(self, connection: MailConnection, item: OutboxItem) -> None:
        invitation_id = item.content.invitation_id
        if item.skip_reason:
            self._record(item, self.ledger.skipped(item.skip_reason))
            self.report.skipped += 1
            return
        token = new_token()
        try:
            mail = render_invitation(item.content, token, now=utcnow(), reminder=self.reminder)
        except Exception as error:
            # A template bug must not crash-loop the worker over the same row.
            logger.exception("cannot render invitation %s", invitation_id)
            self._record(item, self.ledger.failed(item, f"rendering failed: {error!r}"))
            self.report.failed += 1
            return
        try:
            connection.send(mail)
        except PermanentSendError as error:
            self._record(item, self.ledger.failed(item, str(error)))
            self.report.failed += 1
        except TransientSendError as error:
            self._retry(item, str(error))
            if error.connection_lost:
                raise
        else:
            if not self._record(item, self.ledger.sent(item, token, mail)):
                logger.warning("invitation %s was sent after its lease ran out", invitation_id)
            self.report.sent += 1

    def _retry(self, item: OutboxItem, error: str) -> None:
        values, gave_up = self.ledger.retry(item, error, utcnow())
        self._record(item, values)
        if gave_up:
            self.report.failed += 1
        else:
            self.report.retrying += 1

    def _retry_remaining(self, error: str) -> None:
        while self.pending:
            self._retry(self.pending.pop(), error)

    def _record(self, item: OutboxItem, values: dict[str, Any]) -> bool:
        return record_outcome(
            self.database, Invitation, item.content.invitation_id, self.worker, values
        )


def send_due_invitations(
    transport: Transport,
    worker: str,
    settings: OutboxSettings,
    *,
    should_stop: StopCheck = _never,
) -> BatchReport:
    """Claim one batch of due invitations, send them, and return what happened."""
    return _send_due(transport, worker, settings, reminder=False, should_stop=should_stop)


def send_due_reminders(
    transport: Transport,
    worker: str,
    settings: OutboxSettings,
    *,
    should_stop: StopCheck = _never,
) -> BatchReport:
    """Claim one batch of due reminders, send them, and return what happened."""
    return _send_due(transport, worker, settings, reminder=True, should_stop=should_stop)


def _send_due(
    transport: Transport,
    worker: str,
    settings: OutboxSettings,
    *,
    reminder: bool,
    should_stop: StopCheck,
) -> BatchReport:
    now = utcnow()
    claim = claim_due_reminders if reminder else claim_due_invitations
    claimed = claim(worker, settings, now)
    if not claimed:
        return BatchReport()
    items = load_items(claimed, now, reminder=reminder)
    batch = _Batch(items, worker, settings, reminder=reminder, should_stop=should_stop)
    return batch.run(transport)
