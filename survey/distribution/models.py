"""Touchpoint and Invitation models."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.database import JsonDocument, UTCDateTime, utcnow
from survey.enums import enum_column
from survey.extensions import Model

if TYPE_CHECKING:
    from survey.contacts.models import Contact, Team
    from survey.surveys.models import Survey


class TouchpointSource(StrEnum):
    API = "api"
    IMPORT = "import"
    MANUAL = "manual"


class Touchpoint(Model):
    """A moment worth asking about: a ticket closed, an order delivered, a call held."""

    __tablename__ = "touchpoint"
    __table_args__ = (Index("ix_touchpoint_team_occurred", "team_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ticket_closed, order_delivered, onboarding_call...
    type: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    #: The agent who handled it, as the source system names them.
    agent: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: The source system's id; makes posting the same event twice a no-op.
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    source: Mapped[TouchpointSource] = mapped_column(
        enum_column(TouchpointSource), default=TouchpointSource.MANUAL
    )
    details: Mapped[dict[str, Any]] = mapped_column("metadata", JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InvitationStatus(StrEnum):
    PENDING = "pending"  # waiting for send_after
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    ANSWERED = "answered"
    #: Sent, unanswered, and its link's lifetime has passed: out of the reminder's way.
    EXPIRED = "expired"


class InvitationOrigin(StrEnum):
    RULE = "rule"  # created by a survey's touchpoint rules
    MANUAL = "manual"  # created by hand (CLI, admin): an integrity signal when frequent


# Predicates of the partial indexes (migration 0007 spells them the same way).
SENT_ROWS = "status = 'sent'"
REMINDER_CANDIDATES = "status = 'sent' AND reminder_sent_at IS NULL"
MANUAL_ROWS = "origin = 'manual'"


class Invitation(Model):
    """One contact asked to answer one survey, reachable through a secret link."""

    __tablename__ = "invitation"
    __table_args__ = (
        Index("ix_invitation_status_send_after", "status", "send_after"),
        Index("ix_invitation_team_created", "team_id", "created_at"),
        # The partial indexes below hold only the few rows their queries look for; the
        # queries spell the same predicate with literal values, or the planners (SQLite's
        # always, PostgreSQL's in generic plans) cannot tell that the index applies.
        #: The reminder claim: open links not yet reminded, per survey by send time.
        Index(
            "ix_invitation_reminder_due",
            "survey_id",
            "sent_at",
            postgresql_where=text(REMINDER_CANDIDATES),
            sqlite_where=text(REMINDER_CANDIDATES),
        ),
        #: The worker's expiry pass: sent links by the time they lapse.
        Index(
            "ix_invitation_sent_expires",
            "expires_at",
            postgresql_where=text(SENT_ROWS),
            sqlite_where=text(SENT_ROWS),
        ),
        #: `survey outbox` counts by status and skip reason from this index alone.
        Index("ix_invitation_status_reason", "status", "skip_reason"),
        #: The funnel's hand-made invitations (rare) by creation time.
        Index(
            "ix_invitation_manual_created",
            "created_at",
            postgresql_where=text(MANUAL_ROWS),
            sqlite_where=text(MANUAL_ROWS),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    touchpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("touchpoint.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    #: SHA-256 of the link token; the token itself is never stored.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus), default=InvitationStatus.PENDING
    )
    origin: Mapped[InvitationOrigin] = mapped_column(
        enum_column(InvitationOrigin), default=InvitationOrigin.RULE
    )
    locale: Mapped[str] = mapped_column(String(8), default="es")
    send_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when the contact's data is erased: the link then answers 410 and leaks nothing.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # The durable outbox: a worker claims due rows, sends, and records what happened.
    #: Why no email went out (fatigue, sampled_out, unsubscribed, duplicate); shown in the funnel.
    skip_reason: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: A claimed row belongs to its worker until then; after it, another worker may take it.
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    leased_by: Mapped[str | None] = mapped_column(String(64))
    #: Stable Message-ID, so a retried send is recognisably the same email.
    message_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The reminder carries its own token (the first one was never stored); both links work.
    reminder_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Reminder sends tried; a permanent refusal uses them all up, so it is never retried.
    reminder_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    survey: Mapped[Survey] = relationship()
    contact: Mapped[Contact] = relationship()
    touchpoint: Mapped[Touchpoint | None] = relationship()
    team: Mapped[Team | None] = relationship()
