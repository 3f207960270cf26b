"""The staff User model."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from survey.database import UTCDateTime, utcnow
from survey.enums import enum_column
from survey.extensions import Model, db

if TYPE_CHECKING:
    from survey.contacts.models import Team


class Role(StrEnum):
    ADMIN = "admin"  # everything, including users, imports and settings
    MANAGER = "manager"  # dashboards, exports, cases
    ANALYST = "analyst"  # dashboards and cases; no exports, no personal data


#: The teams a staff member is limited to; no row at all means every team.
user_team = Table(
    "user_team",
    db.metadata,
    Column(
        "user_id",
        Integer,
        ForeignKey("user_account.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # RESTRICT, not CASCADE: deleting a user's last team must not widen them to every team.
    Column(
        "team_id",
        Integer,
        ForeignKey("team.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class User(UserMixin, Model):
    """A staff member who reads dashboards; customers never have accounts."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.ANALYST)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Part of the id kept in sessions and "keep me signed in" cookies: bumping it (logout,
    #: password change) ends every session and cookie issued before.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The teams this user may see; empty: every team (admins always see every team).
    teams: Mapped[list[Team]] = relationship(secondary=user_team, order_by="Team.slug")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Return the id Flask-Login stores: the row id and the session version."""
        return f"{self.id}.{self.session_version}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)
