"""Channels: what features plug into the outbox, and the batch loop they share.

A channel is one kind of outgoing message with a table of its own (invitation mail, webhook
deliveries, and later staff mail: case alerts, digests, weekly reports). A feature describes
each of its queues as a :class:`RowQueue` (which rows are due, how to load them, how to send
one and what to write afterwards), wraps them in a :class:`QueueChannel`, and registers a
factory with :func:`register_channel` from the app factory. The worker runs every channel in
its own lane (see :mod:`survey.outbox.worker`).
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from flask import Flask

from survey.database import utcnow
from survey.outbox.queue import (
    BatchReport,
    OutboxSettings,
    outcome_connection,
    record_outcome,
    release_rows,
)

logger = logging.getLogger(__name__)

StopCheck = Callable[[], bool]
Clock = Callable[[], datetime]
ItemT = TypeVar("ItemT")


class OutboxError(Exception):
    """The outbox cannot run as configured; the message says why (a clean CLI error)."""


class ConnectionLost(Exception):  # noqa: N818 - a state, not a failure of the caller
    """The channel's connection is gone: nothing else in the batch can go now."""


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"
    #: Due, but not now (quiet hours): back in the queue without counting an attempt.
    DEFERRED = "deferred"


@dataclass(frozen=True)
class Result:
    """What happened to one claimed row, and the columns to write with its lease release."""

    outcome: Outcome
    values: dict[str, Any] = field(default_factory=dict)
    #: The error to record on the rest of the batch when the connection is gone.
    connection_lost: str | None = None


class RowQueue(ABC, Generic[ItemT]):
    """One table's due rows: claimed with a lease, sent one by one, each outcome recorded."""

    #: The mapped class of the table; it has ``id``, ``leased_until`` and ``leased_by``.
    model: Any

    @abstractmethod
    def claim(self, worker: str, now: datetime) -> list[int]:
        """Lease a batch of due rows to this worker, commit, and return their ids."""

    @abstractmethod
    def load(self, row_ids: Sequence[int], now: datetime) -> list[ItemT]:
        """Read what sending the claimed rows needs, in as few queries as possible."""

    @abstractmethod
    def row_id(self, item: ItemT) -> int:
        """Return the row id of a loaded item."""

    @abstractmethod
    def send(self, connection: Any, item: ItemT, now: datetime) -> Result:
        """Send one item over the batch's connection; return what to record."""

    @abstractmethod
    def retry_later(self, item: ItemT, error: str, now: datetime) -> Result:
        """Return what to record for an item the batch could not try (connection lost)."""

    def connect(self) -> AbstractContextManager[Any]:
        """Open what a batch shares (one SMTP session); raise ConnectionLost if impossible."""
        return _nothing()


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


_COUNTERS = {
    Outcome.SENT: "sent",
    Outcome.SKIPPED: "skipped",
    Outcome.RETRY: "retrying",
    Outcome.FAILED: "failed",
    Outcome.DEFERRED: "deferred",
}


def send_batch(
    queue: RowQueue[Any],
    worker: str,
    settings: OutboxSettings,
    *,
    should_stop: StopCheck,
    clock: Clock = utcnow,
) -> BatchReport:
    """Claim one batch of a queue, send it, record each outcome at once; return the counts.

    Each outcome is committed right after its own send, so a worker killed mid-batch can
    repeat only the message in flight. Rows not started (stop requested, or the lease
    running short) go back to the queue at once.
    """
    now = clock()
    claimed = queue.claim(worker, now)
    report = BatchReport(claimed=len(claimed))
    if not claimed:
        return report
    pending = list(reversed(queue.load(claimed, now)))
    deadline = time.monotonic() + settings.working_seconds

    def record(item: Any, result: Result) -> None:
        counter = _COUNTERS[result.outcome]
        setattr(report, counter, getattr(report, counter) + 1)
        row_id = queue.row_id(item)
        if not record_outcome(database, queue.model, row_id, worker, result.values):
            logger.warning(
                "%s %s was handled after its lease ran out", queue.model.__tablename__, row_id
            )

    with outcome_connection() as database:
        try:
            with queue.connect() as connection:
                while pending and not should_stop() and time.monotonic() < deadline:
                    item = pending.pop()
                    result = queue.send(connection, item, clock())
                    record(item, result)
                    if result.connection_lost is not None:
                        raise ConnectionLost(result.connection_lost)
        except ConnectionLost as error:
            while pending:
                item = pending.pop()
                record(item, queue.retry_later(item, str(error), clock()))
        left = [queue.row_id(item) for item in pending]
        report.released += release_rows(database, queue.model, left, worker)
    return report


class Channel(Protocol):
    """A kind of outgoing message, drained by the worker in a lane of its own."""

    #: Names the channel in the worker's output ("mail", "webhooks").
    name: str
    #: Printed once when the worker starts (where dev mail goes), or None.
    notice: str | None

    def send_due(self, worker: str, *, should_stop: StopCheck, clock: Clock) -> BatchReport:
        """Send one batch of each of the channel's queues; return what happened."""


class QueueChannel:
    """A channel made of row queues, each sent one batch per round."""

    def __init__(
        self,
        name: str,
        queues: Sequence[RowQueue[Any]],
        settings: OutboxSettings,
        notice: str | None = None,
    ) -> None:
        self.name = name
        self.queues = list(queues)
        self.settings = settings
        self.notice = notice

    def send_due(
        self, worker: str, *, should_stop: StopCheck, clock: Clock = utcnow
    ) -> BatchReport:
        """Send one batch of each queue in turn; return the summed counts."""
        report = BatchReport()
        for queue in self.queues:
            if should_stop():
                break
            report = report + send_batch(
                queue, worker, self.settings, should_stop=should_stop, clock=clock
            )
        return report


#: Builds a channel from the app's config, once per worker (settings as values).
ChannelFactory = Callable[[Flask, OutboxSettings], Channel]

_EXTENSION = "heard_outbox_channels"


def register_channel(app: Flask, name: str, factory: ChannelFactory) -> None:
    """Let the app's worker drain a channel; features call this from the app factory."""
    app.extensions.setdefault(_EXTENSION, {})[name] = factory


def build_channels(app: Flask, settings: OutboxSettings) -> list[Channel]:
    """Return the app's channels, built once for a worker, in registration order."""
    factories: dict[str, ChannelFactory] = app.extensions.get(_EXTENSION, {})
    return [factory(app, settings) for factory in factories.values()]
