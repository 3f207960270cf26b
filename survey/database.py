"""Column types and helpers that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.types import TypeDecorator

#: SQLite durability levels a deployment may choose (SURVEY_SQLITE_SYNCHRONOUS).
SQLITE_SYNCHRONOUS_LEVELS = ("FULL", "EXTRA", "NORMAL")

#: JSON everywhere, JSONB on PostgreSQL so it can be indexed and queried later.
JsonDocument = JSON().with_variant(postgresql.JSONB(), "postgresql")


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC.

    SQLite has no timezone type and returns naive values, so values are normalised to UTC on
    the way in and tagged UTC on the way out; naive input is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def configure_sqlite(engine: Engine, synchronous: str = "FULL") -> None:
    """Turn on WAL, foreign keys, a busy timeout and the durability level on SQLite connections."""
    if engine.dialect.name != "sqlite":
        return
    level = synchronous.strip().upper()
    if level not in SQLITE_SYNCHRONOUS_LEVELS:
        raise RuntimeError(
            f"SURVEY_SQLITE_SYNCHRONOUS={synchronous!r} is not one of FULL, EXTRA, NORMAL"
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if ":memory:" not in str(engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: an answer acknowledged to the customer survives a power cut (WAL with
            # NORMAL may lose the last commits); the cost is in make bench (bench_submissions).
            cursor.execute(f"PRAGMA synchronous={level}")
        cursor.close()
