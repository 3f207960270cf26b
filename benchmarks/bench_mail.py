"""Invitations sent per second by `survey worker`, beside bare smtplib in the same run.

The SMTP sink (aiosmtpd) runs in its own process so its CPU is not counted as the
sender's. The ceiling sends the very same pre-rendered messages with smtplib over one
connection, doing nothing else: no database, no templates, no tokens. The worker does all
of it: claim, render both parts, send, and one commit per message.

PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL (a server URL; a scratch
database is created and dropped); without either, only the SQLite figure is measured.
"""

from __future__ import annotations

import multiprocessing
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from benchmarks.common import Figure, postgres_database

ROOT = Path(__file__).resolve().parents[1]
SURVEY = str(Path(sys.executable).with_name("survey"))
MESSAGES = 2000
ROUNDS = 2
TARGET = 0.5


@contextmanager
def smtp_sink() -> Iterator[int]:
    """Run the counting sink in its own process; yield its port."""
    sink = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.smtp_sink"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None
    assert sink.stdin is not None
    try:
        yield int(sink.stdout.readline())
    finally:
        sink.stdin.close()
        sink.wait(timeout=30)
        sink.stdout.close()


def _app(url: str, instance: Path):  # type: ignore[no-untyped-def]
    from survey import create_app

    return create_app(
        {
            "ENV_NAME": "testing",
            "SURVEY_DATABASE_URL": url,
            "SURVEY_BASE_URL": "https://heard.example",
            "MAIL_FROM": "Heard <encuestas@heard.example>",
        }
    )


def prepare(url: str, instance: Path) -> None:
    """Migrate the database and fill it with due, pending invitations (and nothing else)."""
    from flask_migrate import upgrade
    from sqlalchemy import delete, insert, select

    from survey.contacts.models import Contact
    from survey.database import utcnow
    from survey.distribution.models import Invitation, InvitationStatus
    from survey.extensions import db
    from survey.surveys.services import ensure_default_survey

    app = _app(url, instance)
    with app.app_context():
        upgrade()
        db.session.execute(delete(Invitation))
        db.session.execute(delete(Contact))
        db.session.commit()
        survey = ensure_default_survey()
        # No quiet hours: the figure must not depend on the hour the benchmark runs at.
        survey.quiet_start_hour = survey.quiet_end_hour = 0
        now = utcnow()
        db.session.execute(
            insert(Contact),
            [
                {"email": f"cliente{i}@example.com", "name": f"Cliente {i}", "locale": "es"}
                for i in range(MESSAGES)
            ],
        )
        contact_ids = db.session.scalars(select(Contact.id)).all()
        db.session.execute(
            insert(Invitation),
            [
                {
                    "survey_id": survey.id,
                    "contact_id": contact_id,
                    "status": InvitationStatus.PENDING,
                    "locale": "es",
                    "send_after": now - timedelta(seconds=1),
                    "expires_at": now + timedelta(days=14),
                    "created_at": now,
                }
                for contact_id in contact_ids
            ],
        )
        db.session.commit()
        db.engine.dispose()


def sent_window(url: str, instance: Path) -> tuple[int, float]:
    """Return how many invitations are sent and the seconds between the first and last."""
    from sqlalchemy import func, select

    from survey.distribution.models import Invitation, InvitationStatus
    from survey.extensions import db

    app = _app(url, instance)
    with app.app_context():
        count, first, last = db.session.execute(
            select(func.count(), func.min(Invitation.sent_at), func.max(Invitation.sent_at)).where(
                Invitation.status == InvitationStatus.SENT
            )
        ).one()
        db.engine.dispose()
    return int(count), (last - first).total_seconds()


def run_workers(url: str, instance: Path, port: int, processes: int) -> float:
    """Drain the outbox with worker processes; return invitations per second."""
    prepare(url, instance)
    env = dict(os.environ)
    env.update(
        {
            "SURVEY_CONFIG": "testing",
            "SURVEY_DATABASE_URL": url,
            "SURVEY_INSTANCE_PATH": str(instance),
            "SURVEY_BASE_URL": "https://heard.example",
            "MAIL_FROM": "Heard <encuestas@heard.example>",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
        }
    )
    workers = [
        subprocess.Popen(
            [SURVEY, "worker", "--once"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(processes)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        if worker.returncode != 0:
            raise RuntimeError(f"worker failed: {out.decode()} {err.decode()}")
    count, seconds = sent_window(url, instance)
    if count != MESSAGES:
        raise RuntimeError(f"{count} of {MESSAGES} invitations were sent")
    # The window runs from the first send to the last: one message's time is outside it.
    return (count - 1) / seconds


def render_messages(url: str, instance: Path) -> list[tuple[str, str, bytes]]:
    """Render the messages the worker sends, once, for the bare smtplib ceiling."""
    from survey.database import utcnow
    from survey.distribution.tokens import derived_token, link_token_key
    from survey.mail.rendering import InvitationContent, render_invitation

    app = _app(url, instance)
    messages = []
    with app.app_context():
        now = utcnow()
        for i in range(MESSAGES):
            content = InvitationContent(
                invitation_id=i + 1,
                email=f"cliente{i}@example.com",
                name=f"Cliente {i}",
                locale="es",
                expires_at=now + timedelta(days=14),
                survey_title="Después de la atención",
                prompt="¿Qué probabilidad hay de que nos recomiende a un amigo o a un colega?",
                low_label="Nada probable",
                high_label="Muy probable",
            )
            token = derived_token(link_token_key(app.config["SECRET_KEY"]), "invitation", i + 1)
            mail = render_invitation(content, token, now=now)
            messages.append((mail.sender, mail.recipient, mail.data))
    return messages


def _bare_send(port: int, messages: list[tuple[str, str, bytes]], start: float) -> None:
    while time.time() < start:
        time.sleep(0.001)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipient, data in messages:
            smtp.sendmail(sender, [recipient], data)


def bare_smtplib(port: int, messages: list[tuple[str, str, bytes]], processes: int) -> float:
    """Send the messages with smtplib from parallel processes; return messages per second."""
    context = multiprocessing.get_context("fork")
    start = time.time() + 0.5
    share = len(messages) // processes
    senders = [
        context.Process(
            target=_bare_send, args=(port, messages[i * share : (i + 1) * share], start)
        )
        for i in range(processes)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
        if sender.exitcode != 0:
            raise RuntimeError("bare smtplib sender failed")
    return share * processes / (time.time() - start)


def measure(
    url: str, instance: Path, port: int, processes: int, messages: list[tuple[str, str, bytes]]
) -> tuple[float, float]:
    """Return (worker, bare smtplib) messages per second, each the best of ROUNDS runs.

    The two alternate, so that both see the same machine: other work on a shared machine
    moves both figures, not just one of them.
    """
    worker_rates, ceiling_rates = [], []
    for _ in range(ROUNDS):
        ceiling_rates.append(bare_smtplib(port, messages, processes))
        worker_rates.append(run_workers(url, instance, port, processes))
    return max(worker_rates), max(ceiling_rates)


def _figure(name: str, processes: int, rates: tuple[float, float]) -> Figure:
    return Figure(
        name=name,
        unit="msg/s",
        heard=rates[0],
        ceiling=rates[1],
        ceiling_label=f"bare smtplib, {processes} process{'es' if processes > 1 else ''}",
        target=TARGET,
    )


def run() -> list[Figure]:
    """Measure the worker on PostgreSQL (1 and 2 processes) and SQLite, beside smtplib."""
    figures = []
    with tempfile.TemporaryDirectory() as scratch, smtp_sink() as port:
        instance = Path(scratch)
        sqlite_url = f"sqlite:///{instance / 'bench.sqlite3'}"
        prepare(sqlite_url, instance)
        messages = render_messages(sqlite_url, instance)
        with postgres_database() as pg_url:
            if pg_url is not None:
                for processes in (1, 2):
                    rates = measure(pg_url, instance, port, processes, messages)
                    name = (
                        f"mail sent, {processes} worker{'s' if processes > 1 else ''}, PostgreSQL"
                    )
                    figures.append(_figure(name, processes, rates))
        rates = measure(sqlite_url, instance, port, 1, messages)
        figures.append(_figure("mail sent, 1 worker, SQLite", 1, rates))
    return figures
