"""Channels drain in lanes of their own: a dead webhook receiver never holds up the mail."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from survey.distribution.models import Invitation, InvitationStatus
from survey.extensions import db
from survey.outbox.channels import QueueChannel, build_channels, register_channel
from survey.outbox.queue import BatchReport, OutboxSettings
from survey.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from survey.webhooks.services import enqueue_event
from tests.mail.factories import pending_invitations
from tests.mail.smtp_sink import Hold, Sink, running_sink
from tests.mail.test_workers import WorkerProcess, worker_env

INVITATIONS = 20
DELIVERIES = 20


@dataclass
class DeadReceiver:
    """A loopback port that accepts connections and never answers, until it is released.

    It releases itself (closing every connection, then the port) once ``until()`` holds, or
    after a generous deadline, and notes what the mail sink had received by then.
    """

    until: Callable[[], bool]
    #: Called once a connection is held (here: lets the mail sink answer its first email).
    on_connect: Callable[[], None]
    server: socket.socket = field(default_factory=lambda: socket.create_server(("127.0.0.1", 0)))
    held: list[socket.socket] = field(default_factory=list)
    #: (event, emails received so far), in the order they happened.
    events: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}/hook"


def _hold_connections(dead: DeadReceiver, sink: Sink, deadline: float) -> None:
    dead.server.settimeout(0.02)
    while not dead.until() and time.monotonic() < deadline:
        try:
            connection, _ = dead.server.accept()
        except TimeoutError:
            continue
        dead.held.append(connection)
        dead.events.append(("webhook connected", len(sink.received)))
        dead.on_connect()
    dead.events.append(("released", len(sink.received)))
    for connection in dead.held:
        connection.close()
    dead.server.close()  # later deliveries are refused at once


@pytest.fixture
def sink() -> Iterator[Sink]:
    with running_sink() as server:
        yield server


def test_twenty_deliveries_to_a_dead_receiver_do_not_delay_due_invitations(
    app: Flask, runner: FlaskCliRunner, sink: Sink
) -> None:
    app.config.update(
        sink.settings,
        SURVEY_WEBHOOKS_ALLOW_PRIVATE=True,
        # Far longer than the test may take: the receiver's release ends each request.
        SURVEY_WEBHOOK_TIMEOUT_SECONDS=600,
        # Small batches: a worker taking channels in turn would reach the webhooks (and be
        # stuck there) long before the last invitation.
        SURVEY_OUTBOX_BATCH_SIZE=5,
    )
    # The sink keeps the first email unanswered until a webhook request hangs on the dead
    # receiver, so the mail provably goes out while the webhook lane is stuck.
    first_email = Hold(at=1)
    sink.handler.hold = first_email
    dead = DeadReceiver(
        until=lambda: bool(dead.held) and len(sink.received) >= INVITATIONS,
        on_connect=first_email.release.set,
    )
    with app.app_context():
        db.session.add(WebhookEndpoint(url=dead.url, events=["case.opened"], secret="whsec_x"))
        db.session.commit()
        for number in range(DELIVERIES):
            enqueue_event("case.opened", {"case_id": number})
        db.session.commit()
    pending_invitations(app, INVITATIONS)
    holder = threading.Thread(
        target=_hold_connections, args=(dead, sink, time.monotonic() + 120), daemon=True
    )
    holder.start()

    result = runner.invoke(args=["worker", "--once"])
    holder.join(timeout=120)

    assert result.exit_code == 0, result.output
    assert f"mail: {INVITATIONS} sent" in result.output
    # The webhook lane was stuck on its first delivery from before the first email was
    # answered until after the last one: every invitation went out meanwhile, in one pass.
    (connected, emails_by_then), released = dead.events
    assert connected == "webhook connected"
    assert emails_by_then <= 1  # at most the first one, held unanswered
    assert released == ("released", INVITATIONS)
    with app.app_context():
        sent = db.session.scalar(
            select(func.count()).where(Invitation.status == InvitationStatus.SENT)
        )
        assert sent == INVITATIONS
        retrying = db.session.scalars(
            select(WebhookDelivery.attempts).where(WebhookDelivery.status == DeliveryStatus.PENDING)
        ).all()
        assert retrying == [1] * DELIVERIES  # tried once each, to be retried with backoff


class _CountingChannel:
    """A channel with no table, standing in for a feature's (staff mail, say)."""

    name = "staff-mail"
    notice = None

    def __init__(self) -> None:
        self.rounds = 0

    def send_due(self, worker: str, **_: object) -> BatchReport:
        self.rounds += 1
        return BatchReport(claimed=1, sent=1) if self.rounds == 1 else BatchReport()


def test_a_feature_registers_its_own_channel(app: Flask, runner: FlaskCliRunner) -> None:
    channel = _CountingChannel()
    register_channel(app, channel.name, lambda _app, _settings: channel)
    names = [c.name for c in build_channels(app, OutboxSettings.from_config(app.config))]
    assert names == ["mail", "webhooks", "insights", "staff-mail"]
    assert isinstance(build_channels(app, OutboxSettings())[1], QueueChannel)

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "staff-mail: 1 sent" in result.output
    assert channel.rounds == 2  # drained until nothing was due


@pytest.mark.slow
def test_a_looping_worker_sends_invitations_that_fall_due_while_a_webhook_hangs(
    app: Flask, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    dead = DeadReceiver(
        until=lambda: bool(dead.held) and len(sink.received) >= 5, on_connect=lambda: None
    )
    with app.app_context():
        db.session.add(WebhookEndpoint(url=dead.url, events=["case.opened"], secret="whsec_x"))
        db.session.commit()
        for number in range(3):
            enqueue_event("case.opened", {"case_id": number})
        db.session.commit()
    holder = threading.Thread(
        target=_hold_connections, args=(dead, sink, time.monotonic() + 120), daemon=True
    )
    holder.start()
    env = worker_env(
        database_url,
        sink,
        tmp_path,
        SURVEY_OUTBOX_POLL_SECONDS=0.1,
        SURVEY_WEBHOOKS_ALLOW_PRIVATE="true",
        SURVEY_WEBHOOK_TIMEOUT_SECONDS=600,
    )
    worker = WorkerProcess([], env)
    deadline = time.monotonic() + 60
    while not dead.held:  # the webhook lane hangs on its first delivery
        assert time.monotonic() < deadline, worker.output
        time.sleep(0.02)

    pending_invitations(app, 5)  # due only now, long after the webhook lane got stuck
    holder.join(timeout=130)
    worker.process.send_signal(signal.SIGTERM)
    assert worker.wait(60) == 0, worker.output
    assert dead.events == [("webhook connected", 0), ("released", 5)]
