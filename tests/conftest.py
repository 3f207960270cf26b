"""Fixtures shared by the app's tests: an app per test on SQLite and on PostgreSQL.

Each backend gets one database per test session, built by the real Alembic migrations;
every test starts from empty tables. PostgreSQL runs when TEST_DATABASE_URL names a server
(each session creates and drops its own database there, so runs never collide).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.helpers import AuthActions

PG_SKIP_REASON = (
    "PostgreSQL variant skipped: set TEST_DATABASE_URL, e.g. "
    "postgresql+psycopg://postgres@127.0.0.1:5432/test (make test and .ci/run do)"
)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("SURVEY_CONFIG", "testing")


def _postgres_server_url() -> str | None:
    raw = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not raw:
        return None
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    return raw


def _create_postgres_database(server_url: str) -> str:
    name = f"heard_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _upgrade(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    from survey import create_app

    app = create_app({"SURVEY_DATABASE_URL": url, "ENV_NAME": "testing"})
    with app.app_context():
        upgrade()
        from survey.extensions import db

        # Every test starts from empty tables, the first one too: the data migration's
        # default survey is created explicitly by the tests that need it.
        _empty_tables(db)
        db.engine.dispose()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["SURVEY_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, instance_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One migrated database per backend for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'heard.sqlite3'}"
        _upgrade(url, instance_dir)
        yield url
        return
    server = _postgres_server_url()
    if server is None:
        pytest.skip(PG_SKIP_REASON)
    url = _create_postgres_database(server)
    try:
        _upgrade(url, instance_dir)
        yield url
    finally:
        _drop_postgres_database(server, url)


@pytest.fixture
def backend(database_url: str) -> str:
    """Return "sqlite" or "postgresql"."""
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """A fresh app on empty tables of the session's database."""
    from survey import create_app
    from survey.extensions import db

    app = create_app(
        {
            "ENV_NAME": "testing",
            "SURVEY_DATABASE_URL": database_url,
            "SURVEY_BASE_URL": "http://localhost",
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables(db)
        db.engine.dispose()


def _empty_tables(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.begin() as connection:
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def default_survey(app: Flask) -> int:
    """Set up the default survey as `survey db upgrade` does on an install; return its id."""
    from survey.surveys.services import ensure_default_survey

    with app.app_context():
        return ensure_default_survey().id


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def auth(client: FlaskClient, app: Flask) -> AuthActions:
    return AuthActions(client, app)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI nothing may skip: a skipped test there means a missing service or browser."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; nothing may skip in CI", red=True)
        session.exitstatus = 1
