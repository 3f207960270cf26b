"""The demo drawn in memory before anything is written: people, touchpoints, invitations, replies.

Everything is drawn from one ``random.Random(seed)`` and dated relative to ``today``: the same
seed and day give the same rows. Each job draws its part in turn (:mod:`~survey.demo.people`,
:mod:`~survey.demo.history`, :mod:`~survey.demo.answers`); :mod:`~survey.demo.services` writes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from survey.demo.profiles import HISTORY_DAYS


@dataclass
class Person:
    """A demo customer: their contact row and how they behave."""

    row: dict[str, Any]
    team: int
    locale: str
    region: str
    zone: ZoneInfo
    declining: bool
    unsubscribed_at: datetime | None
    answers: int = 0


@dataclass
class Event:
    """A touchpoint with one person, for one team."""

    person: int
    team: int
    type: str
    occurred_at: datetime
    row: dict[str, Any]


@dataclass
class Invite:
    """An invitation row: from a touchpoint by the rules, or handed out by an agent."""

    person: int
    team: int
    event: int | None
    row: dict[str, Any]

    @property
    def delivered_at(self) -> datetime:
        """Return when the customer got the link: the email, or the agent handing it out."""
        moment: datetime = self.row["sent_at"] or self.row["send_after"]
        return moment


@dataclass
class Reply:
    """A response row and its answers (question key, number, text)."""

    invite: int
    row: dict[str, Any]
    answers: list[tuple[str, Decimal | None, str | None]] = field(default_factory=list)


@dataclass
class DemoPlan:
    """Every demo row, drawn in a fixed order from one seeded generator."""

    seed: int
    today: date
    contact_count: int
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    invites: list[Invite] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311  (reproducible on purpose; no secrets)
        self.end = datetime.combine(self.today, time(0), UTC)
        self.start = self.end - timedelta(days=HISTORY_DAYS)
