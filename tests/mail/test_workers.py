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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from survey.contacts.models import Contact
from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationStatus
from survey.extensions import db
from tests.mail.factories import pending_invitations
from tests.mail.smtp_sink import Hold, Received, Sink

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


@contextmanager
def _commits_blocked(app: Flask, backend: str, invitation_id: int) -> Iterator[None]:
    """Hold a lock that keeps any worker from recording this invitation until the block ends."""
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if backend == "postgresql":
                lock = "SELECT id FROM invitation WHERE id = %s FOR UPDATE"
                cursor.execute(lock, (invitation_id,))
            else:
                raw.driver_connection.isolation_level = None  # type: ignore[union-attr]
                cursor.execute("BEGIN IMMEDIATE")  # the database's one write lock
            yield
            if backend == "postgresql":
                # A statement the killed worker left waiting on the lock dies with it, as
                # if it had never been sent (PostgreSQL would otherwise still run it).
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE pg_blocking_pids(pid) @> ARRAY[pg_backend_pid()]"
                )
            cursor.execute("ROLLBACK")
        finally:
            raw.close()


def _invitation_of(app: Flask, received: Received) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                select(Invitation.id)
                .join(Contact, Contact.id == Invitation.contact_id)
                .where(Contact.email == received.rcpt_tos[0])
            )
        )


def _survey_token(received: Received) -> str:
    text = received.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    match = re.search(r"http://localhost/r/([A-Za-z0-9_-]{16,64})\?score=0", text)
    assert match, text
    return match.group(1)


@pytest.mark.slow
def test_a_worker_killed_between_acceptance_and_commit_repeats_one_email_with_a_working_link(
    app: Flask, backend: str, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    ids = pending_invitations(app, 30)
    hold = Hold(at=5)
    sink.handler.hold = hold
    env = worker_env(database_url, sink, tmp_path, SURVEY_OUTBOX_BATCH_SIZE=10)
    doomed = WorkerProcess(["--once"], env)
    assert hold.stored.wait(60), doomed.output  # the server has stored the fifth email
    in_flight = _invitation_of(app, sink.received[-1])
    with _commits_blocked(app, backend, in_flight):
        hold.release.set()
        assert hold.replied.wait(60)  # the worker has been told "250 OK"
        doomed.process.send_signal(signal.SIGKILL)  # ... and dies before its commit
        assert doomed.wait() == -signal.SIGKILL
    assert len(sink.received) == 5
    assert _count(app, InvitationStatus.SENT) == 4  # committing per email: only one unrecorded
    with app.app_context():
        row = db.session.get(Invitation, in_flight)
        assert row is not None
        assert (row.status, row.token_hash) == (InvitationStatus.PENDING, None)
        assert row.leased_until is not None
        assert row.leased_until > utcnow()  # still the dead worker's: nobody may take it yet
        # Its leases run out, as they would once SURVEY_OUTBOX_LEASE_SECONDS had passed.
        db.session.execute(
            update(Invitation)
            .where(Invitation.leased_by.is_not(None))
            .values(leased_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    survivor = WorkerProcess(["--once"], env)
    assert survivor.wait() == 0, survivor.output
    assert _count(app, InvitationStatus.SENT) == len(ids)
    assert len(sink.received) == len(ids) + 1
    copies = [r for r in sink.received if _invitation_of(app, r) == in_flight]
    assert len(copies) == 2
    assert len({r.message_id for r in copies}) == 1  # mail clients can fold the repeat
    client = app.test_client()
    for copy in copies:  # the customer may click either copy: both open the survey
        assert client.get(f"/r/{_survey_token(copy)}").status_code == 200


def test_sigterm_finishes_the_message_in_flight_and_hands_the_rest_back(
    app: Flask, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    pending_invitations(app, 20)
    hold = Hold(at=3)
    sink.handler.hold = hold
    env = worker_env(database_url, sink, tmp_path, SURVEY_OUTBOX_POLL_SECONDS=0.2)
    worker = WorkerProcess([], env)
    worker.wait_for_line("started")
    assert hold.stored.wait(60), worker.output
    worker.process.send_signal(signal.SIGTERM)  # while the third email is in flight
    worker.wait_for_line("received SIGTERM")
    hold.release.set()
    assert worker.wait(60) == 0, worker.output
    assert "stopped" in "".join(worker.output)

    assert _count(app, InvitationStatus.SENT) == len(sink.received) == 3  # recorded, not lost
    assert _count(app, InvitationStatus.PENDING) == 17
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Invitation.leased_by.is_not(None))) == 0


def test_an_idle_worker_stops_on_sigint(
    app: Flask, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    # A ten-minute poll: stopping within the (generous) wait below means it did not sleep it out.
    env = worker_env(database_url, sink, tmp_path, SURVEY_OUTBOX_POLL_SECONDS=600)
    worker = WorkerProcess([], env)
    worker.wait_for_line("started")
    worker.process.send_signal(signal.SIGINT)
    assert worker.wait(120) == 0, worker.output
    assert "stopped" in "".join(worker.output)
