"""The invitation mail channel: due invitations and reminders, sent and recorded.

Invitation rows are the queue (see :mod:`survey.outbox`). A batch is claimed in one short
transaction, sent over one reused SMTP connection, and each outcome is committed right
after its own send.

Delivery is at least once, not exactly once. The server's "250 OK" and our commit happen in
two systems; a worker killed between them leaves a row that was delivered but still leased,
and once the lease runs out another worker sends it again. SMTP has no idempotency key that
receiving servers honour, so no design closes that gap; committing per message keeps it to
the single message in flight. The repeat carries the same Message-ID and the same link: the
token is derived from the row id and a server key, so both copies open the survey.

Send-time rules: a message due inside the contact's quiet hours (first send, retry or
reminder) waits for their end, and the link's lifetime starts when the email actually goes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import and_, exists, false, func, literal_column, or_, select, true, update

from survey.contacts.addresses import AddressError
from survey.contacts.models import Contact
from survey.distribution.models import Invitation, InvitationStatus
from survey.distribution.rules import contact_zone, shift_out_of_quiet_hours
from survey.distribution.tokens import derived_token, hash_token, link_token_key
from survey.extensions import db
from survey.mail.rendering import InvitationContent, OutgoingMail, render_invitation
from survey.mail.transport import (
    FileTransport,
    MailConnection,
    PermanentSendError,
    TransientSendError,
    Transport,
    transport_from_config,
)
from survey.outbox.channels import (
    ConnectionLost,
    OutboxError,
    Outcome,
    QueueChannel,
    Result,
    RowQueue,
    register_channel,
)
from survey.outbox.queue import OutboxSettings, claim_rows, lease_is_free
from survey.responding.models import Response
from survey.surveys.models import Question, QuestionKind, Survey

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    """What the mail channel needs from the config, read once per worker."""

    #: Derives each link's token from its row id (see survey.distribution.tokens).
    link_key: bytes
    #: The zone of contacts whose own is unknown, for quiet hours.
    default_timezone: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        """Read SECRET_KEY and SURVEY_TIMEZONE."""
        return cls(
            link_key=link_token_key(str(config["SECRET_KEY"])),
            default_timezone=str(config["SURVEY_TIMEZONE"]),
        )


@dataclass(frozen=True)
class OutboxItem:
    """A claimed invitation with everything its email needs, read in one query."""

    content: InvitationContent
    attempts: int
    #: Why it must not be sent after all (unsubscribed, expired, erased), or None.
    skip_reason: str | None
    zone: ZoneInfo
    #: The survey's quiet hours (local start and end hour; equal means none).
    quiet_hours: tuple[int, int]
    #: Days the link works, counted from the moment the email goes.
    expiry_days: int


def _invitation_conditions(now: datetime) -> list[Any]:
    return [Invitation.status == InvitationStatus.PENDING, Invitation.send_after <= now]


#: Lapsed links retired per claim: a backlog goes in short transactions, not one long one.
EXPIRY_BATCH = 1000


def _literal(value: InvitationStatus) -> Any:
    # Spelled out, not bound: only then do SQLite's planner and PostgreSQL's generic plans see
    # that the partial indexes (ix_invitation_reminder_due, ix_invitation_sent_expires) apply.
    return literal_column(f"'{value.value}'")


def expire_lapsed_invitations(now: datetime, limit: int = EXPIRY_BATCH) -> int:
    """Mark up to ``limit`` sent invitations whose link has lapsed as expired; commit."""
    lapsed = (
        select(Invitation.id)
        .where(
            Invitation.status == _literal(InvitationStatus.SENT),
            Invitation.expires_at <= now,
            lease_is_free(Invitation, now),
        )
        .order_by(Invitation.expires_at)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        # Another worker's pass takes the next rows instead of waiting for these.
        lapsed = lapsed.with_for_update(skip_locked=True, of=Invitation)
    expired = db.session.scalars(
        update(Invitation)
        .where(Invitation.id.in_(lapsed.scalar_subquery()))
        .values(status=InvitationStatus.EXPIRED)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    if expired:
        logger.info("%d invitation link(s) expired unanswered", len(expired))
    return len(expired)


def _reminder_conditions(now: datetime, max_attempts: int) -> list[Any] | None:
    surveys = db.session.execute(
        select(Survey.id, Survey.reminder_days).where(Survey.reminder_days.is_not(None))
    ).all()
    db.session.commit()
    if not surveys:
        return None
    due = or_(
        false(),
        *(
            and_(
                Invitation.survey_id == survey_id, Invitation.sent_at <= now - timedelta(days=days)
            )
            for survey_id, days in surveys
            if days is not None
        ),
    )
    # Candidates come from ix_invitation_reminder_due (open links not yet reminded, per survey
    # by send time); each one's response and contact are then looked up by their unique keys.
    return [
        Invitation.status == _literal(InvitationStatus.SENT),
        Invitation.reminder_sent_at.is_(None),
        Invitation.reminder_attempts < max_attempts,
        Invitation.erased_at.is_(None),
        # Wrapped so the planner does not take the expiry index (every open link) for the
        # reminder's; the expiry pass just before has retired the lapsed ones anyway.
        func.coalesce(Invitation.expires_at > now, true()),
        due,
        # Only a person's answer stops the reminder: a save that looks like a mail scanner
        # pre-opening the score link (suspected_scanner) does not.
        ~exists().where(
            Response.invitation_id == Invitation.id, Response.suspected_scanner.is_(False)
        ),
        # A scalar subquery, not NOT EXISTS: PostgreSQL would turn that into an anti-join
        # that reads every contact once per claim instead of one primary-key lookup per row.
        select(Contact.unsubscribed_at)
        .where(Contact.id == Invitation.contact_id)
        .scalar_subquery()
        .is_(None),
    ]


class _Ledger:
    """Turns what happened to one send into column values, for invitations or reminders."""

    def __init__(self, settings: OutboxSettings, *, reminder: bool) -> None:
        self.settings = settings
        self.reminder = reminder

    def sent(self, item: OutboxItem, token: str, mail: OutgoingMail, now: datetime) -> Result:
        if self.reminder:
            values = {
                "reminder_sent_at": now,
                "reminder_token_hash": hash_token(token),
                "reminder_attempts": item.attempts + 1,
            }
        else:
            values = {
                "status": InvitationStatus.SENT,
                "sent_at": now,
                "expires_at": item.content.expires_at,
                "token_hash": hash_token(token),
                "message_id": mail.message_id,
                "attempts": item.attempts + 1,
                "last_error": None,
            }
        return Result(Outcome.SENT, values)

    def retry(self, item: OutboxItem, error: str, now: datetime) -> Result:
        """Return the values after a transient failure (failed once the attempts run out)."""
        attempts = item.attempts + 1
        give_up = attempts >= self.settings.max_attempts
        message = f"gave up after {attempts} attempts: {error}" if give_up else error
        outcome = Outcome.FAILED if give_up else Outcome.RETRY
        if self.reminder:
            values: dict[str, Any] = {"reminder_attempts": attempts, "last_error": message}
            if not give_up:
                # The lease doubles as "not before": nobody claims the row until it ends.
                values["leased_until"] = now + self.settings.backoff(attempts)
            return Result(outcome, values)
        values = {"attempts": attempts, "last_error": message}
        if give_up:
            values["status"] = InvitationStatus.FAILED
        else:
            values["send_after"] = now + self.settings.backoff(attempts)
        return Result(outcome, values)

    def failed(self, item: OutboxItem, error: str) -> Result:
        if self.reminder:
            values: dict[str, Any] = {
                "reminder_attempts": self.settings.max_attempts,
                "last_error": f"reminder: {error}",
            }
        else:
            values = {
                "status": InvitationStatus.FAILED,
                "attempts": item.attempts + 1,
                "last_error": error,
            }
        return Result(Outcome.FAILED, values)

    def skipped(self, reason: str) -> Result:
        if self.reminder:
            return Result(Outcome.SKIPPED, {"reminder_attempts": self.settings.max_attempts})
        return Result(Outcome.SKIPPED, {"status": InvitationStatus.SKIPPED, "skip_reason": reason})

    def deferred(self, until: datetime) -> Result:
        # No attempt is counted: nothing was tried.
        if self.reminder:
            return Result(Outcome.DEFERRED, {"leased_until": until})
        return Result(Outcome.DEFERRED, {"send_after": until})


class InvitationQueue(RowQueue[OutboxItem]):
    """Pending invitations whose send_after has passed (or their reminders, ``reminder=True``)."""

    model = Invitation

    def __init__(
        self,
        transport: Transport,
        settings: OutboxSettings,
        mail_settings: MailSettings,
        *,
        reminder: bool = False,
    ) -> None:
        self.transport = transport
        self.settings = settings
        self.mail_settings = mail_settings
        self.reminder = reminder
        self.kind = "reminder" if reminder else "invitation"
        self.ledger = _Ledger(settings, reminder=reminder)

    def claim(self, worker: str, now: datetime) -> list[int]:
        """Lease a batch of due invitations (or reminders) to this worker."""
        if self.reminder:
            # Retiring lapsed links first keeps the reminder's candidate set to open ones.
            expire_lapsed_invitations(now)
            conditions = _reminder_conditions(now, self.settings.max_attempts)
            if conditions is None:
                return []
            order = [Invitation.sent_at, Invitation.id]
        else:
            conditions = _invitation_conditions(now)
            order = [Invitation.send_after, Invitation.id]
        return claim_rows(Invitation, conditions, order, worker, self.settings, now)

    def load(self, row_ids: Sequence[int], now: datetime) -> list[OutboxItem]:
        """Read the claimed invitations with their contacts, surveys and NPS prompts."""
        return load_items(
            row_ids, now, reminder=self.reminder, default_zone=self.mail_settings.default_timezone
        )

    def row_id(self, item: OutboxItem) -> int:
        """Return the invitation id."""
        return item.content.invitation_id

    @contextmanager
    def connect(self) -> Iterator[MailConnection]:
        """Open one SMTP session (or dev mail folder) for the batch."""
        try:
            with self.transport.connect() as connection:
                yield connection
        except TransientSendError as error:
            raise ConnectionLost(str(error)) from None

    def send(self, connection: MailConnection, item: OutboxItem, now: datetime) -> Result:
        """Send one invitation unless it must be skipped or wait for the quiet hours' end."""
        if item.skip_reason:
            return self.ledger.skipped(item.skip_reason)
        start, end = item.quiet_hours
        quiet_end = shift_out_of_quiet_hours(now, item.zone, start, end)
        if quiet_end > now:
            return self.ledger.deferred(quiet_end)
        if not self.reminder:
            # The link's lifetime starts now, however late the worker is.
            expires_at = now + timedelta(days=item.expiry_days)
            item = replace(item, content=replace(item.content, expires_at=expires_at))
        token = derived_token(self.mail_settings.link_key, self.kind, item.content.invitation_id)
        try:
            mail = render_invitation(item.content, token, now=now, reminder=self.reminder)
        except AddressError as error:
            # Stored before intake refused such addresses: no server of ours would take it.
            return self.ledger.failed(item, str(error))
        except Exception as error:
            # A template bug must not crash-loop the worker over the same row.
            logger.exception("cannot render %s %s", self.kind, item.content.invitation_id)
            return self.ledger.failed(item, f"rendering failed: {error!r}")
        try:
            connection.send(mail)
        except PermanentSendError as error:
            return self.ledger.failed(item, str(error))
        except TransientSendError as error:
            result = self.ledger.retry(item, str(error), now)
            if error.connection_lost:
                return replace(result, connection_lost=str(error))
            return result
        return self.ledger.sent(item, token, mail, now)

    def retry_later(self, item: OutboxItem, error: str, now: datetime) -> Result:
        """Count an attempt for an invitation the lost connection could not carry."""
        return self.ledger.retry(item, error, now)


def load_items(
    invitation_ids: Sequence[int], now: datetime, *, reminder: bool, default_zone: str
) -> list[OutboxItem]:
    """Read the claimed invitations with their contacts, surveys and NPS prompts."""
    attempts_column = Invitation.reminder_attempts if reminder else Invitation.attempts
    rows = db.session.execute(
        select(
            Invitation.id,
            Invitation.locale,
            Invitation.expires_at,
            Invitation.erased_at,
            Invitation.survey_id,
            attempts_column.label("attempts"),
            Contact.email,
            Contact.name,
            Contact.unsubscribed_at,
            Contact.timezone,
            Survey.title,
            Survey.quiet_start_hour,
            Survey.quiet_end_hour,
            Survey.expiry_days,
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
        items.append(
            OutboxItem(
                content,
                int(row.attempts or 0),
                _skip_reason(row, now),
                contact_zone(row.timezone, default_zone),
                (row.quiet_start_hour, row.quiet_end_hour),
                row.expiry_days,
            )
        )
    db.session.commit()
    return items


def _skip_reason(row: Any, now: datetime) -> str | None:
    if row.erased_at is not None:
        return "erased"
    if row.unsubscribed_at is not None:
        return "unsubscribed"
    # For a first send this is the scheduled deadline (too late to ask about the touchpoint).
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


def mail_channel(app: Flask, settings: OutboxSettings) -> QueueChannel:
    """Build the invitation mail channel from the app's config (one per worker)."""
    transport = transport_from_config(app.config, app.instance_path)
    notice = None
    if isinstance(transport, FileTransport):
        if app.config["ENV_NAME"] == "production":
            raise OutboxError(
                "SMTP_HOST is not set: in production the worker sends through an SMTP server"
            )
        notice = f"no SMTP_HOST: writing mail to {transport.folder} (see /dev/mail)"
    mail_settings = MailSettings.from_config(app.config)
    queues = [
        InvitationQueue(transport, settings, mail_settings),
        InvitationQueue(transport, settings, mail_settings, reminder=True),
    ]
    return QueueChannel("mail", queues, settings, notice)


def register(app: Flask) -> None:
    """Let the app's worker send invitation mail."""
    register_channel(app, "mail", mail_channel)
