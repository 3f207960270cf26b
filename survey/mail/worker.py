"""The worker's loop: drain due invitations, reminders and webhooks; sleep; repeat."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from survey.extensions import db
from survey.mail.outbox import send_due_invitations, send_due_reminders
from survey.mail.queue import BatchReport, OutboxSettings
from survey.mail.transport import Transport
from survey.webhooks.delivery import deliver_due_webhooks

logger = logging.getLogger(__name__)


def drain_outbox(
    transport: Transport,
    worker: str,
    settings: OutboxSettings,
    *,
    should_stop: Callable[[], bool],
    webhook_timeout: float,
    allow_private_webhooks: bool,
) -> tuple[BatchReport, BatchReport]:
    """Work batch after batch until nothing is due; return the mail and webhook reports."""
    mail = BatchReport()
    hooks = BatchReport()
    while not should_stop():
        invitations = send_due_invitations(transport, worker, settings, should_stop=should_stop)
        reminders = send_due_reminders(transport, worker, settings, should_stop=should_stop)
        deliveries = deliver_due_webhooks(
            worker,
            settings,
            timeout=webhook_timeout,
            allow_private=allow_private_webhooks,
            should_stop=should_stop,
        )
        mail = mail + invitations + reminders
        hooks = hooks + deliveries
        if invitations.claimed + reminders.claimed + deliveries.claimed == 0:
            break
    return mail, hooks


def run_worker(
    transport: Transport,
    worker: str,
    settings: OutboxSettings,
    *,
    stop: threading.Event,
    poll_seconds: float,
    webhook_timeout: float,
    allow_private_webhooks: bool,
    on_batch: Callable[[BatchReport, BatchReport], None],
) -> None:
    """Drain the outbox, then wait for the next poll, until ``stop`` is set."""
    while not stop.is_set():
        try:
            mail, hooks = drain_outbox(
                transport,
                worker,
                settings,
                should_stop=stop.is_set,
                webhook_timeout=webhook_timeout,
                allow_private_webhooks=allow_private_webhooks,
            )
        except Exception:
            # A database restart must not end the worker: log, roll back, try next poll.
            logger.exception("outbox pass failed; retrying after the poll interval")
            _rollback()
        else:
            if mail.claimed or hooks.claimed:
                on_batch(mail, hooks)
        stop.wait(poll_seconds)


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the next pass reconnects
        logger.warning("rollback failed", exc_info=True)
    finally:
        db.session.remove()
