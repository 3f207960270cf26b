"""The worker with reminders over 1,000,000 invitations, beside the same worker on empty tables.

Both runs send the same work: 1,000 due first invitations and 1,000 due reminders of a survey
with ``reminder_days``. The ceiling is that work on an otherwise empty database; the figure is
the same work over six months of history (1,000,000 invitations, as many touchpoints, a third
of them answered), loaded with INSERT ... SELECT over a generated series into a scratch
PostgreSQL database that the benchmark creates and drops. The reminder claim runs after every
batch, so it is what grows with the table if it scans it.

``python -m benchmarks.bench_reminders explain [sqlite]`` loads the same history (PostgreSQL,
or a SQLite file) and prints the plans of the worker's and the reports' queries.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.bench_mail import SURVEY, smtp_sink
from benchmarks.common import Figure, postgres_database

HISTORY = 1_000_000
FIRST_SENDS = 1000
REMINDERS = 1000
ROUNDS = 2
TARGET = 0.7
#: Marks the contacts of the measured work, so each round can replace it.
MEASURED_DOMAIN = "measured.example"

# One generated row per invitation g = 1..n, the newest first, spread over six months. Every
# third contact appears three times. A third are answered (with a completed response), 5 %
# skipped, 2 % hand-made; the unanswered rest keeps its link 14 days and got its reminder
# after 3 (those younger than 3 days are not due yet), then expired.
_SERIES = {
    "postgresql": "SELECT g FROM generate_series(1, :n) AS s(g)",
    "sqlite": (
        "SELECT g FROM (WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
        "WHERE g < :n) SELECT g FROM s)"
    ),
}
# Seconds before now -> a timestamp, in each dialect (SQLite stores naive UTC text).
_AGO = {
    "postgresql": "(CAST(:now AS timestamptz) - make_interval(secs => {seconds}))",
    "sqlite": "strftime('%Y-%m-%d %H:%M:%f000', :now, '-' || ({seconds}) || ' seconds')",
}
_SPAN_SECONDS = 182 * 86400


def _history_sql(dialect: str) -> list[str]:
    series = _SERIES[dialect]

    def ago(seconds: str) -> str:
        return _AGO[dialect].format(seconds=seconds)

    sent = ago(f"(g * {_SPAN_SECONDS}.0 / :n)")
    age = f"(g * {_SPAN_SECONDS}.0 / :n)"
    status = (
        f"CASE WHEN g % 100 < 33 THEN 'answered' WHEN g % 100 < 38 THEN 'skipped' "
        f"WHEN {age} > 14 * 86400 + 3600 THEN 'expired' ELSE 'sent' END"
    )
    reminded = f"CASE WHEN g % 100 >= 38 AND {age} > 3 * 86400 THEN {ago(f'{age} - 3 * 86400')} END"
    return [
        f"""INSERT INTO contact (email, locale, created_at)
            SELECT 'history' || g || '@history.example', 'es', {ago(str(_SPAN_SECONDS))}
            FROM ({series}) AS c WHERE g <= :n / 3 + 1""",
        f"""INSERT INTO touchpoint (type, occurred_at, external_id, source, metadata, created_at)
            SELECT 'ticket_closed', {ago(f"{age} + 7200")}, 'history-' || g, 'api', '{{}}',
                   {ago(f"{age} + 7200")}
            FROM ({series}) AS t""",
        f"""INSERT INTO invitation (survey_id, contact_id, touchpoint_id, token_hash, status,
                   origin, locale, send_after, sent_at, expires_at, created_at, skip_reason,
                   attempts, message_id, reminder_sent_at, reminder_attempts)
            SELECT :survey_id,
                   (SELECT min(id) FROM contact WHERE email LIKE 'history%') + g % (:n / 3),
                   CASE WHEN g % 50 = 0 THEN NULL
                        ELSE (SELECT min(id) FROM touchpoint) + g - 1 END,
                   CASE WHEN g % 100 BETWEEN 33 AND 37 THEN NULL ELSE 'h' || g END,
                   {status},
                   CASE WHEN g % 50 = 0 THEN 'manual' ELSE 'rule' END,
                   'es', {sent}, CASE WHEN g % 100 BETWEEN 33 AND 37 THEN NULL ELSE {sent} END,
                   CASE WHEN g % 100 BETWEEN 33 AND 37 THEN NULL
                        ELSE {ago(f"{age} - 14 * 86400")} END,
                   {ago(f"{age} + 7200")},
                   CASE WHEN g % 100 BETWEEN 33 AND 37 THEN 'fatigue' END,
                   1, CASE WHEN g % 100 BETWEEN 33 AND 37 THEN NULL ELSE '<h' || g || '@h>' END,
                   {reminded}, CASE WHEN g % 100 >= 38 AND {age} > 3 * 86400 THEN 1 ELSE 0 END
            FROM ({series}) AS i""",
        """INSERT INTO response (invitation_id, survey_id, locale, started_at, completed_at,
                   suspected_scanner, updated_at)
            SELECT id, survey_id, 'es', sent_at, sent_at, false, sent_at
            FROM invitation WHERE status = 'answered'""",
    ]


def load_history(url: str, count: int = HISTORY) -> None:
    """Fill a migrated database with ``count`` invitations of history (and their rows)."""
    from sqlalchemy import create_engine, select, text

    from survey.database import utcnow
    from survey.surveys.models import Survey

    engine = create_engine(url)
    dialect = engine.dialect.name
    now = utcnow()
    moment: Any = now if dialect == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S.%f")
    with engine.begin() as connection:
        survey_id = connection.scalar(select(Survey.id).order_by(Survey.id).limit(1))
        for statement in _history_sql(dialect):
            connection.execute(text(statement), {"n": count, "now": moment, "survey_id": survey_id})
    with engine.connect() as connection:
        if dialect == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    engine.dispose()


def _app(url: str):  # type: ignore[no-untyped-def]
    from survey import create_app

    return create_app(
        {
            "ENV_NAME": "testing",
            "SURVEY_DATABASE_URL": url,
            "SURVEY_BASE_URL": "https://heard.example",
            "MAIL_FROM": "Heard <encuestas@heard.example>",
        }
    )


def migrate(url: str) -> None:
    """Create the schema and the default survey, with reminders after 3 days, no quiet hours."""
    from flask_migrate import upgrade
    from sqlalchemy import update

    from survey.extensions import db
    from survey.surveys.models import Survey
    from survey.surveys.services import ensure_default_survey

    app = _app(url)
    with app.app_context():
        upgrade()
        ensure_default_survey()
        # No quiet hours: the figure must not depend on the hour the benchmark runs at.
        db.session.execute(
            update(Survey).values(reminder_days=3, quiet_start_hour=0, quiet_end_hour=0)
        )
        db.session.commit()
        db.engine.dispose()


def prepare_work(url: str) -> None:
    """Replace the measured work: due first sends and due reminders, on contacts of their own."""
    from sqlalchemy import delete, insert, select

    from survey.contacts.models import Contact
    from survey.database import utcnow
    from survey.distribution.models import Invitation, InvitationStatus
    from survey.extensions import db
    from survey.surveys.models import Survey

    app = _app(url)
    with app.app_context():
        mine = select(Contact.id).where(Contact.email.like(f"%@{MEASURED_DOMAIN}"))
        db.session.execute(delete(Invitation).where(Invitation.contact_id.in_(mine)))
        db.session.execute(delete(Contact).where(Contact.id.in_(mine)))
        total = FIRST_SENDS + REMINDERS
        db.session.execute(
            insert(Contact),
            [{"email": f"m{i}@{MEASURED_DOMAIN}", "locale": "es"} for i in range(total)],
        )
        contact_ids = db.session.scalars(mine.order_by(Contact.id)).all()
        survey_id = db.session.scalar(select(Survey.id).order_by(Survey.id).limit(1))
        now = utcnow()
        rows = []
        for number, contact_id in enumerate(contact_ids):
            row: dict[str, Any] = {
                "survey_id": survey_id,
                "contact_id": contact_id,
                "locale": "es",
                "created_at": now,
                "send_after": now - timedelta(seconds=1),
                "status": InvitationStatus.PENDING,
                "expires_at": now + timedelta(days=14),
            }
            if number >= FIRST_SENDS:
                # Sent over an afternoon four days ago, one every ten seconds.
                sent_at = now - timedelta(days=4, seconds=10 * number)
                row.update(
                    status=InvitationStatus.SENT,
                    send_after=sent_at,
                    sent_at=sent_at,
                    expires_at=sent_at + timedelta(days=14),
                    token_hash=f"measured-{number}",
                )
            rows.append(row)
        db.session.execute(insert(Invitation), rows)
        db.session.commit()
        db.engine.dispose()


def sent_window(url: str) -> tuple[int, float]:
    """Return how many measured emails went (first sends and reminders) and their time span."""
    from sqlalchemy import select

    from survey.contacts.models import Contact
    from survey.distribution.models import Invitation
    from survey.extensions import db

    app = _app(url)
    with app.app_context():
        rows = db.session.execute(
            select(Invitation.sent_at, Invitation.reminder_sent_at, Invitation.send_after)
            .join(Contact, Contact.id == Invitation.contact_id)
            .where(Contact.email.like(f"%@{MEASURED_DOMAIN}"))
        ).all()
        db.engine.dispose()
    moments = [r.reminder_sent_at for r in rows if r.reminder_sent_at is not None]
    moments += [r.sent_at for r in rows if r.sent_at is not None and r.sent_at > r.send_after]
    if len(moments) < 2:
        return len(moments), 0.0
    return len(moments), (max(moments) - min(moments)).total_seconds()


def _worker_once(url: str, port: int, instance: Path) -> str:
    """Run one `survey worker --once` against the database and the sink; return its output."""
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
    done = subprocess.run(
        [SURVEY, "worker", "--once"], env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker failed: {done.stdout} {done.stderr}")
    return done.stdout


def run_worker(url: str, port: int, instance: Path) -> float:
    """Send the measured work with one `survey worker --once`; return emails per second."""
    prepare_work(url)
    output = _worker_once(url, port, instance)
    count, seconds = sent_window(url)
    expected = FIRST_SENDS + REMINDERS
    if count != expected:
        raise RuntimeError(f"{count} of {expected} emails were sent: {output}")
    return (count - 1) / seconds


def run() -> list[Figure]:
    """Measure the worker with reminders over 1 M invitations beside 0, on PostgreSQL."""
    rates: dict[str, list[float]] = {"empty": [], "full": []}
    with (
        tempfile.TemporaryDirectory() as scratch,
        smtp_sink() as port,
        postgres_database() as empty,
        postgres_database() as full,
    ):
        if empty is None or full is None:
            return []
        migrate(empty)
        migrate(full)
        started = time.perf_counter()
        load_history(full)
        loaded = time.perf_counter() - started
        print(f"   {HISTORY:,} invitations loaded in {loaded:.0f} s", flush=True)
        # A worker that has been running: the history's one-off work (the insights lane
        # catching up on six months of answers, the last hour's lapsed links) is done.
        for url in (empty, full):
            _worker_once(url, port, Path(scratch))
        for _ in range(ROUNDS):
            # Alternating, so that both see the same machine.
            rates["empty"].append(run_worker(empty, port, Path(scratch)))
            rates["full"].append(run_worker(full, port, Path(scratch)))
    return [
        Figure(
            name=f"worker with reminders, {HISTORY:,} invitations, PostgreSQL",
            unit="msg/s",
            heard=max(rates["full"]),
            ceiling=max(rates["empty"]),
            ceiling_label="the same worker, 0 invitations",
            target=TARGET,
        )
    ]


def explain(dialect: str) -> None:
    """Load the history and print the plans of the claims and the reports' counts."""
    with tempfile.TemporaryDirectory() as scratch, postgres_database() as server_url:
        url = (
            f"sqlite:///{Path(scratch) / 'history.sqlite3'}" if dialect == "sqlite" else server_url
        )
        if url is None:
            raise SystemExit("set TEST_DATABASE_URL to a PostgreSQL server")
        migrate(url)
        started = time.perf_counter()
        load_history(url)
        print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
        _print_plans(url)


def _print_plans(url: str) -> None:
    from sqlalchemy import event

    from survey.database import utcnow
    from survey.extensions import db
    from survey.insights.funnel import invitation_funnel, outbox_counts
    from survey.mail.sending import InvitationQueue, MailSettings, expire_lapsed_invitations
    from survey.mail.transport import FileTransport
    from survey.outbox.queue import OutboxSettings

    app = _app(url)
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgresql else "EXPLAIN QUERY PLAN "

        def show(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "WITH")):
                raw = conn.connection.dbapi_connection.cursor()
                raw.execute(prefix + statement, parameters)
                print(statement.split("\n")[0][:100])
                for line in raw.fetchall():
                    print("   ", " ".join(str(part) for part in line))
                raw.close()

        event.listen(db.engine, "before_cursor_execute", show)
        now = utcnow()
        settings = OutboxSettings.from_config(app.config)
        queue = InvitationQueue(
            FileTransport(Path("/nonexistent")),
            settings,
            MailSettings.from_config(app.config),
            reminder=True,
        )
        for label, action in (
            ("expiry pass", lambda: expire_lapsed_invitations(now)),
            ("reminder claim", lambda: queue.claim("explain:1:000000", now)),
            ("outbox counts", lambda: outbox_counts(now)),
            ("funnel, last 30 days", lambda: invitation_funnel(since=now - timedelta(days=30))),
        ):
            print(f"== {label}")
            started = time.perf_counter()
            action()
            print(f"   ({(time.perf_counter() - started) * 1000:.0f} ms with the plans)")
        event.remove(db.engine, "before_cursor_execute", show)
        db.session.rollback()
        db.engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] == ["explain"]:
        explain(sys.argv[2] if len(sys.argv) > 2 else "postgresql")
    else:
        print(run())
