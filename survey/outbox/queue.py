"""Rows as a durable queue: claiming due rows with a lease, and backing off after failures.

A worker claims a batch by stamping ``leased_until`` and ``leased_by`` in one short transaction
and commits at once, so the rows stay claimed while it works without holding locks. On
PostgreSQL the candidates are picked with ``FOR UPDATE SKIP LOCKED``: workers on several
machines take disjoint batches instead of queueing behind each other. SQLite has one writer at
a time, so the same UPDATE is already exclusive there. A row whose worker died comes back when
its lease runs out.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, Update, bindparam, select, text, update

from survey.extensions import db


@dataclass(frozen=True)
class OutboxSettings:
    """How the worker batches, leases, retries and polls, shared by every channel."""

    batch_size: int = 50
    lease_seconds: float = 300.0
    retry_base_seconds: float = 60.0
    retry_max_seconds: float = 6 * 3600.0
    max_attempts: int = 8
    poll_seconds: float = 5.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OutboxSettings:
        """Read the SURVEY_OUTBOX_* settings."""
        return cls(
            batch_size=max(1, int(config["SURVEY_OUTBOX_BATCH_SIZE"])),
            lease_seconds=float(config["SURVEY_OUTBOX_LEASE_SECONDS"]),
            retry_base_seconds=float(config["SURVEY_OUTBOX_RETRY_BASE_SECONDS"]),
            retry_max_seconds=float(config["SURVEY_OUTBOX_RETRY_MAX_SECONDS"]),
            max_attempts=max(1, int(config["SURVEY_OUTBOX_MAX_ATTEMPTS"])),
            poll_seconds=float(config["SURVEY_OUTBOX_POLL_SECONDS"]),
        )

    def backoff(self, failed_attempts: int) -> timedelta:
        """Return the wait before the next try: base * 2**(failures before this one), capped."""
        exponent = max(0, failed_attempts - 1)
        seconds = min(self.retry_base_seconds * 2 ** min(exponent, 32), self.retry_max_seconds)
        return timedelta(seconds=seconds)

    @property
    def working_seconds(self) -> float:
        """Return how long a worker may keep starting sends from one claim.

        The last quarter of the lease is left for the send in progress to finish before
        another worker may take the row.
        """
        return self.lease_seconds * 0.75


@dataclass
class BatchReport:
    """What one pass of the worker did."""

    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    #: Claimed but handed back untouched (stop requested, or the lease running out).
    released: int = 0
    #: Due, but inside the contact's quiet hours: back in the queue until they end.
    deferred: int = 0

    def __add__(self, other: BatchReport) -> BatchReport:
        return BatchReport(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def summary(self) -> str:
        """Return a one-line human summary."""
        return (
            f"{self.sent} sent, {self.skipped} skipped, {self.retrying} to retry, "
            f"{self.failed} failed, {self.released} released, {self.deferred} deferred"
        )


def worker_name() -> str:
    """Return an identity for this worker process, unique across machines."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def lease_is_free(model: Any, now: datetime) -> ColumnElement[bool]:
    """Return the condition "nobody holds a live lease on this row" (a lease ends at its time)."""
    free: ColumnElement[bool] = model.leased_until.is_(None) | (model.leased_until <= now)
    return free


def claim_rows(
    model: Any,
    conditions: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    worker: str,
    settings: OutboxSettings,
    now: datetime,
) -> list[int]:
    """Lease up to a batch of rows matching the conditions to this worker; commit; return ids."""
    candidates = (
        select(model.id)
        .where(lease_is_free(model, now), *conditions)
        .order_by(*order_by)
        .limit(settings.batch_size)
    )
    if db.engine.dialect.name == "postgresql":
        # Materialised so the locked candidate set is computed exactly once.
        candidates = candidates.with_for_update(skip_locked=True, of=model)
        due = candidates.cte("due").prefix_with("MATERIALIZED", dialect="postgresql")
        chosen: Any = select(due.c.id)
    else:
        chosen = candidates.scalar_subquery()
    claimed = db.session.scalars(
        update(model)
        .where(model.id.in_(chosen))
        .values(leased_until=now + timedelta(seconds=settings.lease_seconds), leased_by=worker)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


@contextmanager
def outcome_connection() -> Iterator[Connection]:
    """Yield a connection where each statement commits on its own.

    A worker records every send in one UPDATE: in autocommit that is one round trip to the
    database instead of three (BEGIN, UPDATE, COMMIT).

    On PostgreSQL these commits do not wait for the WAL flush (``synchronous_commit=off``):
    the flush happens within a fraction of a second, for many commits at once, and waiting
    for it per message cost more than the SMTP dialogue. Nothing changes when a worker dies:
    its commits are already in the server, so only the message in flight can be sent twice.
    If the database server itself crashes, the "sent" marks of its last moments may be lost
    and those messages sent again: at least once still holds. (SQLite makes the same choice
    with ``synchronous=NORMAL``, see survey.database.)
    """
    with db.engine.connect() as raw:
        connection = raw.execution_options(isolation_level="AUTOCOMMIT")
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            connection.execute(text("SET synchronous_commit TO off"))
        try:
            yield connection
        finally:
            if postgresql and not connection.invalidated:
                # The pooled connection goes back as it came.
                connection.execute(text("RESET synchronous_commit"))


def record_outcome(
    connection: Connection, model: Any, row_id: int, worker: str, values: Mapping[str, Any]
) -> bool:
    """Store what happened to a claimed row and free its lease; False if the lease was lost."""
    changes: dict[str, Any] = {"leased_until": None, "leased_by": None}
    changes.update(values)
    # A plain-table UPDATE whose SET clause comes from the parameters: built once per shape
    # instead of once per message (the ORM's per-statement bookkeeping cost more than the
    # database round trip).
    statement = _outcome_statement(model.__table__)
    result = connection.execute(
        statement, {"outbox_row_id": row_id, "outbox_worker": worker, **changes}
    )
    return bool(result.rowcount == 1)


@functools.cache
def _outcome_statement(table: Table) -> Update:
    return update(table).where(
        table.c.id == bindparam("outbox_row_id"), table.c.leased_by == bindparam("outbox_worker")
    )


def release_rows(connection: Connection, model: Any, row_ids: Sequence[int], worker: str) -> int:
    """Hand claimed rows back to the queue untouched."""
    if not row_ids:
        return 0
    result = connection.execute(
        update(model)
        .where(model.id.in_(row_ids), model.leased_by == worker)
        .values(leased_until=None, leased_by=None)
    )
    return int(result.rowcount)
