"""The ceiling for survey submissions: a bare Flask app that stores one row per POST.

It does the least a Flask + SQLAlchemy app can do for a submitted form — parse the body, one
ORM INSERT, commit, redirect with 303 — on the same database, served the same way as Heard
(``gunicorn -w 2 -k sync 'benchmarks.ceiling_app:create_app()'``), with the same SQLite
settings (WAL, the same synchronous level), so the ratio shows what Heard's own work costs.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from flask import Flask, redirect, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.wrappers import Response as WerkzeugResponse


class Base(DeclarativeBase):
    """Declarative base of the ceiling's one table."""


db = SQLAlchemy(model_class=Base)


class Submission(db.Model):
    """One submitted form, stored as it came."""

    __tablename__ = "ceiling_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()


def create_app(database_url: str | None = None) -> Flask:
    """Create the ceiling app on CEILING_DATABASE_URL (or the given URL)."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["CEILING_DATABASE_URL"]
    db.init_app(app)
    with app.app_context():
        _configure_sqlite(db.engine)

    @app.post("/r/<token>")
    def submit(token: str) -> WerkzeugResponse:
        fields = request.form.to_dict()
        db.session.add(
            Submission(
                invitation=token,
                body="&".join(f"{k}={v}" for k, v in fields.items()),
                created_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )
        db.session.commit()
        return redirect(f"/r/{token}", code=303)

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


def _configure_sqlite(engine: Any) -> None:
    # The same pragmas as Heard's survey.database.configure_sqlite: a fair ceiling.
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        level = os.environ.get("SURVEY_SQLITE_SYNCHRONOUS", "FULL")
        cursor.execute(f"PRAGMA synchronous={level}")
        cursor.close()
