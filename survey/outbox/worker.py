"""The worker's loop: every channel drains in a lane (thread) of its own, then polls again.

Lanes keep channels apart: a webhook receiver that never answers holds up its own lane for
up to SURVEY_WEBHOOK_TIMEOUT_SECONDS per delivery, while the mail lane keeps sending due
invitations in the same pass. Each lane has its own app context, so its own database
session; they share only the connection pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from flask import Flask

from survey.database import utcnow
from survey.extensions import db
from survey.outbox.channels import Channel, Clock, StopCheck
from survey.outbox.queue import BatchReport, OutboxSettings

logger = logging.getLogger(__name__)


def drain_channel(
    channel: Channel, worker: str, *, should_stop: StopCheck, clock: Clock = utcnow
) -> BatchReport:
    """Send batch after batch of one channel until nothing is due; return the counts."""
    report = BatchReport()
    while not should_stop():
        done = channel.send_due(worker, should_stop=should_stop, clock=clock)
        report = report + done
        if done.claimed == 0:
            break
    return report


def drain_outbox(
    app: Flask,
    channels: Sequence[Channel],
    worker: str,
    *,
    should_stop: StopCheck,
    clock: Clock = utcnow,
) -> dict[str, BatchReport]:
    """Drain every channel at once, each in its own lane; return each channel's counts."""
    reports: dict[str, BatchReport] = {}
    errors: list[BaseException] = []

    def lane(channel: Channel) -> None:
        with app.app_context():
            try:
                reports[channel.name] = drain_channel(
                    channel, worker, should_stop=should_stop, clock=clock
                )
            except BaseException as error:  # handed to the caller's thread below
                errors.append(error)
            finally:
                db.session.remove()

    _run_lanes(channels, lane)
    if errors:
        raise errors[0]
    return {channel.name: reports.get(channel.name, BatchReport()) for channel in channels}


def run_worker(
    app: Flask,
    channels: Sequence[Channel],
    worker: str,
    settings: OutboxSettings,
    *,
    stop: threading.Event,
    on_batch: Callable[[str, BatchReport], None],
) -> None:
    """Drain each channel, then wait for its next poll, until ``stop`` is set."""

    def lane(channel: Channel) -> None:
        with app.app_context():
            while not stop.is_set():
                try:
                    report = drain_channel(channel, worker, should_stop=stop.is_set)
                except Exception:
                    # A database restart must not end the worker: log, roll back, poll again.
                    logger.exception(
                        "%s lane failed; retrying after the poll interval", channel.name
                    )
                    _rollback()
                else:
                    if report.claimed:
                        on_batch(channel.name, report)
                finally:
                    db.session.remove()
                stop.wait(settings.poll_seconds)

    _run_lanes(channels, lane)


def _run_lanes(channels: Sequence[Channel], lane: Callable[[Channel], None]) -> None:
    threads = [
        threading.Thread(target=lane, args=(channel,), name=f"outbox-{channel.name}", daemon=True)
        for channel in channels
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        # Short joins keep the main thread free to run the SIGTERM handler.
        while thread.is_alive():
            thread.join(0.5)


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the next pass reconnects
        logger.warning("rollback failed", exc_info=True)
