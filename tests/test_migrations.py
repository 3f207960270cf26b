"""Migrations and models agree, and `survey db upgrade` gives one schema on both backends."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine, inspect

from survey import create_app
from survey.extensions import db
from survey.insights.search import is_search_table
from tests.conftest import (
    PG_SKIP_REASON,
    _create_postgres_database,
    _drop_postgres_database,
    _postgres_server_url,
)


def test_models_and_migrations_agree(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                # SQLite's FTS5 search tables come from migration 0008, not from models.
                "include_name": lambda name, type_, _parents: (
                    not (type_ == "table" and is_search_table(name))
                ),
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def _upgrade_with_cli(url: str) -> None:
    app = create_app({"ENV_NAME": "testing", "SURVEY_DATABASE_URL": url})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()


def _schema(url: str) -> dict[str, object]:
    engine = create_engine(url)
    inspector = inspect(engine)
    schema: dict[str, object] = {}
    for table in sorted(t for t in inspector.get_table_names() if not is_search_table(t)):
        schema[table] = {
            "columns": sorted(
                (c["name"], bool(c["nullable"]), c["type"].__class__.__name__.lower()[:4])
                for c in inspector.get_columns(table)
            ),
            "pk": sorted(inspector.get_pk_constraint(table)["constrained_columns"]),
            "fks": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"], fk["name"])
                for fk in inspector.get_foreign_keys(table)
            ),
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]))
                for i in inspector.get_indexes(table)
                # PostgreSQL also lists the index behind each unique constraint.
                if not i.get("duplicates_constraint")
            ),
        }
    engine.dispose()
    return schema


def _comparable(schema: dict[str, object]) -> dict[str, object]:
    """Drop what the two servers spell differently but mean the same (type names)."""
    out: dict[str, object] = {}
    for table, info in schema.items():
        info = dict(info)  # type: ignore[call-overload]
        info["columns"] = sorted((name, nullable) for name, nullable, _ in info["columns"])
        out[table] = info
    return out


def test_upgrade_gives_the_same_schema_on_sqlite_and_postgresql(tmp_path: Path) -> None:
    server = _postgres_server_url()
    if server is None:
        pytest.skip(PG_SKIP_REASON)
    os.environ.setdefault("SURVEY_INSTANCE_PATH", str(tmp_path))
    sqlite_url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    pg_url = _create_postgres_database(server)
    try:
        _upgrade_with_cli(sqlite_url)
        _upgrade_with_cli(pg_url)
        on_sqlite, on_postgres = _schema(sqlite_url), _schema(pg_url)
    finally:
        _drop_postgres_database(server, pg_url)
    assert "alembic_version" in on_sqlite
    assert _comparable(on_sqlite) == _comparable(on_postgres)
    assert ("invitation_id",) in on_sqlite["response"]["unique"]  # type: ignore[index]
