"""Completed survey submissions per second through gunicorn, beside a bare Flask ceiling.

For each backend (SQLite in a temp instance folder, PostgreSQL in a temp database), Heard and
the ceiling (benchmarks/ceiling_app.py) run side by side under ``gunicorn -w 2 -k sync`` on
127.0.0.1, and one client drives them the same way: a pool of threads, each with its own
``http.client`` connection, POSTing bodies built beforehand. The POSTs go in alternating
rounds (Heard, ceiling, Heard, ...) so that whatever else the machine is doing weighs on both.

For Heard every POST is the full form of a distinct invitation, sent with the session cookie
and CSRF token that its survey page handed out beforehand (those GETs are not timed). Every
answer must be a 303, and afterwards the database must hold one completed response per POST
(one row per POST for the ceiling).

Environment: BENCH_SUBMISSIONS (POSTs measured per app, default 3000), BENCH_CLIENTS (client
threads, default 12), TEST_DATABASE_URL (the PostgreSQL server; default postgres on
127.0.0.1:5432; skipped with a note when unreachable).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.common import Figure

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = int(os.environ.get("BENCH_SUBMISSIONS", "3000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "12"))
WARMUP = 200
ROUNDS = 6
#: Longest time the measured POSTs of one app may take on one backend; the rest are not sent.
TIME_CAP_SECONDS = 90.0
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
CEILING_LABEL = "bare Flask, 1 ORM INSERT"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)
COMMENT = "Me atendieron rápido, pero tuve que repetir mi caso dos veces."
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": PHONE_UA}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Post:
    """One prepared request: path, body and headers, built before the clock starts."""

    path: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Tally:
    """What the timed POSTs to one app gave, summed over the rounds."""

    seconds: float = 0.0
    statuses: dict[int, int] | None = None
    latencies: list[float] | None = None

    @property
    def sent(self) -> int:
        return len(self.latencies or [])

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def add(self, seconds: float, statuses: dict[int, int], latencies: list[float]) -> None:
        self.seconds += seconds
        self.statuses = self.statuses or {}
        for status, count in statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.latencies = (self.latencies or []) + latencies

    def describe(self) -> str:
        ordered = sorted(self.latencies or [0.0])
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000
        return (
            f"{self.sent} POSTs in {self.seconds:.2f} s = {self.per_second:,.0f} req/s, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, answers {self.statuses}"
        )


def run() -> list[Figure]:
    """Measure Heard and the ceiling on SQLite and on PostgreSQL."""
    figures = []
    for backend, database in (("SQLite", sqlite_database), ("PostgreSQL", postgres_database)):
        with database() as (url, instance):
            if url is None:
                print(f"   {backend}: skipped, server unreachable", flush=True)
                continue
            heard, ceiling = measure(url, instance)
        print(f"   {backend} Heard:   {heard.describe()}", flush=True)
        print(f"   {backend} ceiling: {ceiling.describe()}", flush=True)
        figures.append(
            Figure(
                name=f"survey submissions, {backend}",
                unit="req/s",
                heard=heard.per_second,
                ceiling=ceiling.per_second,
                ceiling_label=CEILING_LABEL,
                target=0.5,
            )
        )
    figures.append(sqlite_durability_cost())
    return figures


def sqlite_durability_cost() -> Figure:
    """Heard on SQLite with synchronous=FULL (the default) beside the same with NORMAL.

    FULL syncs the WAL at every commit, so an acknowledged answer survives a power cut; the
    ratio is what that costs on this machine's disk. Both run in alternating rounds.
    """
    with (
        sqlite_database() as (full_url, full_instance),
        sqlite_database() as (
            normal_url,
            normal_instance,
        ),
    ):
        filesystem = subprocess.run(
            ["stat", "-f", "-c", "%T", str(full_instance)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        full_env = heard_environment(full_url, full_instance)
        normal_env = {**heard_environment(normal_url, normal_instance)}
        normal_env["SURVEY_SQLITE_SYNCHRONOUS"] = "NORMAL"
        full_env["SURVEY_SQLITE_SYNCHRONOUS"] = "FULL"
        with ExitStack() as servers:
            apps = []
            for env in (full_env, normal_env):
                tokens = create_invitations(env, WARMUP + REQUESTS)
                port = servers.enter_context(gunicorn("survey:create_app()", env))
                apps.append((Tally(), port, fetch_forms(port, tokens)))
            for _, port, posts in apps:
                warmed = drive(port, posts[:WARMUP], TIME_CAP_SECONDS)[1]
                assert warmed == {303: WARMUP}, f"warm-up answers: {warmed}"
            size = -(-REQUESTS // ROUNDS)
            for start in range(WARMUP, WARMUP + REQUESTS, size):
                for tally, port, posts in apps:
                    tally.add(*drive(port, posts[start : start + size], TIME_CAP_SECONDS / ROUNDS))
    full, normal = apps[0][0], apps[1][0]
    for name, tally in (("FULL", full), ("NORMAL", normal)):
        assert tally.statuses == {303: tally.sent}, f"{name} answered {tally.statuses}"
        print(f"   SQLite synchronous={name}: {tally.describe()}", flush=True)
    cost = 1 - full.per_second / normal.per_second if normal.per_second else 0.0
    print(
        f"   note: synchronous=FULL costs {cost:.0%} of NORMAL's submissions per second "
        f"(temp folder on {filesystem or 'an unknown filesystem'}; a disk that honours "
        "fsync costs more than tmpfs)",
        flush=True,
    )
    return Figure(
        name="SQLite submissions, synchronous=FULL",
        unit="req/s",
        heard=full.per_second,
        ceiling=normal.per_second,
        ceiling_label="the same, synchronous=NORMAL",
        target=0.5,
    )


def measure(url: str, instance: Path) -> tuple[Tally, Tally]:
    """Serve both apps on one database, drive them in alternating rounds, check what's stored."""
    env = heard_environment(url, instance)
    tokens = create_invitations(env, WARMUP + REQUESTS)
    create_ceiling_table(url)
    with ExitStack() as servers:
        heard_port = servers.enter_context(gunicorn("survey:create_app()", env))
        ceiling_port = servers.enter_context(
            gunicorn("benchmarks.ceiling_app:create_app()", {**env, "CEILING_DATABASE_URL": url})
        )
        heard_posts = fetch_forms(heard_port, tokens)
        ceiling_posts = ceiling_forms(WARMUP + REQUESTS)
        apps = [(Tally(), heard_port, heard_posts), (Tally(), ceiling_port, ceiling_posts)]
        for _, port, posts in apps:
            warmed = drive(port, posts[:WARMUP], TIME_CAP_SECONDS)[1]
            assert warmed == {303: WARMUP}, f"warm-up answers: {warmed}"
        size = -(-REQUESTS // ROUNDS)
        for start in range(WARMUP, WARMUP + REQUESTS, size):
            for tally, port, posts in apps:
                tally.add(*drive(port, posts[start : start + size], TIME_CAP_SECONDS / ROUNDS))
    heard, ceiling = apps[0][0], apps[1][0]
    for name, tally in (("Heard", heard), ("ceiling", ceiling)):
        assert tally.statuses == {303: tally.sent}, f"{name} answered {tally.statuses}"
    stored_heard = count_rows(url, "SELECT count(*) FROM response WHERE completed_at IS NOT NULL")
    stored_ceiling = count_rows(url, "SELECT count(*) FROM ceiling_submission")
    assert stored_heard == WARMUP + heard.sent, f"{stored_heard} responses, {heard.sent} POSTs"
    assert stored_ceiling == WARMUP + ceiling.sent, f"{stored_ceiling} rows, {ceiling.sent} POSTs"
    return heard, ceiling


# Databases ------------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[tuple[str | None, Path]]:
    """A temp instance folder with a SQLite file migrated by ``survey db upgrade``."""
    with tempfile.TemporaryDirectory(prefix="heard-bench-") as folder:
        instance = Path(folder)
        url = f"sqlite:///{instance / 'heard.sqlite3'}"
        migrate(url, instance)
        yield url, instance


@contextmanager
def postgres_database() -> Iterator[tuple[str | None, Path]]:
    """A temp PostgreSQL database migrated by ``survey db upgrade``, dropped afterwards."""
    server = os.environ.get("TEST_DATABASE_URL", "").strip() or DEFAULT_POSTGRES
    server = server.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"heard_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with tempfile.TemporaryDirectory(prefix="heard-bench-") as folder:
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as error:  # noqa: BLE001 - whatever the reason, there is no server
            print(f"   PostgreSQL at {make_url(server).host}: {error.__class__.__name__}")
            admin.dispose()
            yield None, Path(folder)
            return
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        try:
            migrate(url, Path(folder))
            yield url, Path(folder)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def heard_environment(url: str, instance: Path) -> dict[str, str]:
    """The environment of a production deployment on this database."""
    return {
        **os.environ,
        # The checkout's config.py first, whatever an older install left in site-packages.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "SURVEY_CONFIG": "production",
        "SECRET_KEY": "bench-" + secrets.token_hex(16),
        "SURVEY_DATABASE_URL": url,
        "SURVEY_INSTANCE_PATH": str(instance),
    }


def migrate(url: str, instance: Path) -> None:
    """Build the schema with the real migrations, as an operator does."""
    survey = Path(sys.executable).with_name("survey")
    done = subprocess.run(
        [str(survey), "db", "upgrade"],
        env=heard_environment(url, instance),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"survey db upgrade failed:\n{done.stderr[-2000:]}")


def count_rows(url: str, query: str) -> int:
    """Count what the servers stored."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


# Servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str]) -> Iterator[int]:
    """Serve an app with two sync workers on a free port; stop it afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}"]
        + ["--log-level", "warning", app_spec],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_until_healthy(port, server)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn on port {port} did not answer /healthz within 30 s")


# What is sent -----------------------------------------------------------------------------


def create_invitations(env: dict[str, str], count: int) -> list[str]:
    """Create one contact and invitation per future POST through the services; return tokens."""
    from survey import create_app
    from survey.contacts.services import get_or_create_contact
    from survey.distribution.models import InvitationOrigin, InvitationStatus
    from survey.distribution.services import issue_invitation
    from survey.extensions import db
    from survey.surveys.services import ensure_default_survey

    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": env["SECRET_KEY"],
            "SURVEY_DATABASE_URL": env["SURVEY_DATABASE_URL"],
        }
    )
    with app.app_context():
        survey = ensure_default_survey()
        tokens = []
        for number in range(count):
            contact = get_or_create_contact(f"bench-{number}@example.com", locale="es")
            issued = issue_invitation(
                survey,
                contact,
                origin=InvitationOrigin.MANUAL,
                status=InvitationStatus.SENT,
                locale="es",
            )
            assert issued.token is not None
            tokens.append(issued.token)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens


def fetch_forms(port: int, tokens: list[str]) -> list[Post]:
    """GET each survey page as its respondent's phone would, and build the POST it will send."""

    def fetch(numbered: tuple[int, str]) -> Post:
        number, token = numbered
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/r/{token}", headers={"User-Agent": PHONE_UA})
        page = connection.getresponse()
        html = page.read().decode()
        connection.close()
        assert page.status == 200, f"GET /r/{token}: {page.status}"
        cookie = (page.getheader("Set-Cookie") or "").split(";", 1)[0]
        match = _CSRF.search(html)
        assert cookie, "the survey page set no session cookie"
        assert match, "the survey page has no CSRF token"
        form = {
            "csrf_token": match.group(1),
            "nps": str(number % 11),
            "ces": str(1 + number % 7),
            "heard": ("yes", "partly", "no")[number % 3],
            "comment": COMMENT,
        }
        return Post(
            f"/r/{token}?lang=es", urlencode(form).encode(), FORM_HEADERS | {"Cookie": cookie}
        )

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(fetch, enumerate(tokens)))


def create_ceiling_table(url: str) -> None:
    from benchmarks.ceiling_app import create_app, db

    app = create_app(url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def ceiling_forms(count: int) -> list[Post]:
    """The same form, of the same size, once per POST (the ceiling checks no token)."""
    body = urlencode(
        {"csrf_token": "x" * 91, "nps": "9", "ces": "6", "heard": "yes", "comment": COMMENT}
    ).encode()
    return [
        Post(f"/r/{secrets.token_urlsafe(18)}?lang=es", body, FORM_HEADERS) for _ in range(count)
    ]


# The client -----------------------------------------------------------------------------


def drive(
    port: int, posts: list[Post], time_cap: float
) -> tuple[float, dict[int, int], list[float]]:
    """Send the POSTs from CLIENTS threads, one connection each; return time, answers, latencies."""
    lock = threading.Lock()
    queue = iter(posts)
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    deadline = time.perf_counter() + time_cap

    def next_post() -> Post | None:
        with lock:
            return next(queue, None) if time.perf_counter() < deadline else None

    def worker(_: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[tuple[int, float]] = []
        while (post := next_post()) is not None:
            mine.append(send(connection, post))
        connection.close()
        with lock:
            for status, seconds in mine:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(seconds)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(worker, range(CLIENTS)))
    return time.perf_counter() - started, statuses, latencies


def send(connection: http.client.HTTPConnection, post: Post) -> tuple[int, float]:
    """Send one POST and read the whole answer; return its status and how long it took.

    gunicorn's sync workers close the connection after each answer; http.client then opens a
    new one for the next request by itself.
    """
    started = time.perf_counter()
    connection.request("POST", post.path, body=post.body, headers=post.headers)
    response = connection.getresponse()
    response.read()
    return response.status, time.perf_counter() - started
