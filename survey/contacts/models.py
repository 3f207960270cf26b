"""Team and Contact models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.database import UTCDateTime, utcnow
from survey.extensions import Model


class Team(Model):
    """A group of agents whose touchpoints are surveyed and compared."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier used by the API, the CLI and imports.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Team {self.slug}>"


class Contact(Model):
    """A customer who may be invited to answer surveys."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased so the same person is one contact whatever the case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="es")
    #: IANA name (Europe/Madrid); quiet hours are computed in it.
    timezone: Mapped[str | None] = mapped_column(String(64))
    segment: Mapped[str | None] = mapped_column(String(64), index=True)
    lifecycle_stage: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    #: The home team, when the contact belongs to one (segments cut across teams).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Contact {self.id}>"
