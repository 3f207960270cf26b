"""Worker processes: several share the queue, a killed one loses nothing, SIGTERM stops cleanly.

Delivery is at least once. The SMTP server's "250 OK" and the database commit that marks
the row sent cannot be one transaction, so a worker killed between the two has delivered a
message that its row does not record; once the lease runs out another worker sends it again.
Committing after every message bounds that to the one message in flight at the kill.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationStatus
from survey.extensions import db
from tests.mail.factories import pending_invitations
from tests.mail.smtp_sink import Sink

SURVEY = str(Path(sys.executable).with_name("survey"))


class WorkerProcess:
    """`survey worker` in its own process, its output collected line by line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [SURVEY, "worker", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.output.append(line)
                self.lines.put(line)

    def wait_for_line(self, pattern: str, seconds: float = 30.0) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in {''.join(self.output)}")

    def wait(self, seconds: float = 120.0) -> int:
        code = self.process.wait(timeout=seconds)
        self.reader.join(timeout=10)  # the last lines, and the pipe closed
        return code

    @property
    def sent(self) -> int:
        match = re.search(r"mail: (\d+) sent", "".join(self.output))
        assert match, "".join(self.output)
        return int(match.group(1))


def worker_env(database_url: str, sink: Sink, instance: Path, **settings: object) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SURVEY_CONFIG": "testing",
            "SURVEY_DATABASE_URL": database_url,
            "SURVEY_INSTANCE_PATH": str(instance),
            "SURVEY_BASE_URL": "http://localhost",
            "MAIL_FROM": "Heard <encuestas@heard.example>",
            "PYTHONUNBUFFERED": "1",
            **sink.env,
        }
    )
    env.update({key: str(value) for key, value in settings.items()})
    return env


def _wait_until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _count(app: Flask, status: InvitationStatus) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).where(Invitation.status == status)) or 0)


@pytest.mark.slow
def test_worker_processes_send_2000_invitations_exactly_once(
    app: Flask, backend: str, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    # SQLite has one writer at a time and is meant for one worker; PostgreSQL runs two.
    processes = 2 if backend == "postgresql" else 1
    ids = pending_invitations(app, 2000)
    env = worker_env(database_url, sink, tmp_path, SURVEY_OUTBOX_BATCH_SIZE=25)

    workers = [WorkerProcess(["--once"], env) for _ in range(processes)]
    assert [w.wait() for w in workers] == [0] * processes, [w.output for w in workers]

    message_ids = Counter(r.message_id for r in sink.received)
    assert len(message_ids) == len(ids) == 2000
    assert message_ids.most_common(1)[0][1] == 1  # no duplicates
    assert sum(w.sent for w in workers) == 2000
    if processes == 2:
        assert all(w.sent > 0 for w in workers), "both workers should have taken batches"
    assert _count(app, InvitationStatus.SENT) == 2000
    assert _count(app, InvitationStatus.PENDING) == 0
    with app.app_context():
        stored = set(db.session.scalars(select(Invitation.message_id)))
    assert stored == set(message_ids)


@pytest.mark.slow
def test_a_killed_worker_loses_nothing_and_repeats_at_most_the_message_in_flight(
    app: Flask, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    ids = pending_invitations(app, 30)
    sink.handler.delay = 0.1  # each message takes a while: the kill lands mid-batch
    env = worker_env(
        database_url, sink, tmp_path, SURVEY_OUTBOX_LEASE_SECONDS=2, SURVEY_OUTBOX_BATCH_SIZE=10
    )
    doomed = WorkerProcess(["--once"], env)
    _wait_until(lambda: len(sink.received) >= 5)
    doomed.process.send_signal(signal.SIGKILL)
    assert doomed.wait() == -signal.SIGKILL
    time.sleep(0.3)  # the server finishes the dialogue it was in
    delivered_at_kill = len(sink.received)
    recorded_at_kill = _count(app, InvitationStatus.SENT)
    in_flight = delivered_at_kill - recorded_at_kill
    assert in_flight in (0, 1)
    assert 4 <= recorded_at_kill < 30

    # Its leases still hold: a worker started now finds nothing it may take.
    sink.handler.delay = 0
    with app.app_context():
        leased_until = db.session.scalar(select(func.max(Invitation.leased_until)))
    assert leased_until is not None
    assert leased_until > utcnow()
    _wait_until(lambda: utcnow() > leased_until, seconds=5)
    survivor = WorkerProcess(["--once"], env)
    assert survivor.wait() == 0, survivor.output

    assert _count(app, InvitationStatus.SENT) == len(ids)
    message_ids = Counter(r.message_id for r in sink.received)
    assert len(message_ids) == len(ids)
    duplicates = [mid for mid, seen in message_ids.items() if seen > 1]
    assert len(sink.received) == len(ids) + in_flight
    assert len(duplicates) == in_flight


def test_sigterm_finishes_the_message_in_flight_and_hands_the_rest_back(
    app: Flask, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    pending_invitations(app, 20)
    sink.handler.delay = 0.1
    env = worker_env(database_url, sink, tmp_path, SURVEY_OUTBOX_POLL_SECONDS=0.2)
    worker = WorkerProcess([], env)
    worker.wait_for_line("started")
    _wait_until(lambda: len(sink.received) >= 3)
    worker.process.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0, worker.output
    assert "stopped" in "".join(worker.output)

    time.sleep(0.2)
    sent = _count(app, InvitationStatus.SENT)
    assert sent == len(sink.received) < 20  # the message in flight was recorded, not lost
    assert _count(app, InvitationStatus.PENDING) == 20 - sent
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Invitation.leased_by.is_not(None))) == 0


def test_an_idle_worker_stops_on_sigint(
    app: Flask, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    env = worker_env(database_url, sink, tmp_path, SURVEY_OUTBOX_POLL_SECONDS=30)
    worker = WorkerProcess([], env)
    worker.wait_for_line("started")
    started = time.monotonic()
    worker.process.send_signal(signal.SIGINT)
    assert worker.wait(10) == 0
    assert time.monotonic() - started < 5  # it does not sleep out its poll interval
