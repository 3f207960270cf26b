"""The app factory: configuration, secret key, database URL, health check."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey import create_app, resolve_database_url


def test_development_generates_and_keeps_a_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app("development")
    second = create_app("development")
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    app = create_app("production")
    assert app.config["SECRET_KEY"] == "k" * 40
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_environment_overrides_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SURVEY_BASE_URL", "https://feedback.example.com")
    monkeypatch.setenv("SURVEY_TIMEZONE", "America/Mexico_City")
    monkeypatch.setenv("SURVEY_DEFAULT_LOCALE", "en")
    app = create_app("testing")
    assert app.config["SURVEY_BASE_URL"] == "https://feedback.example.com"
    assert app.config["SURVEY_TIMEZONE"] == "America/Mexico_City"
    assert app.config["SURVEY_DEFAULT_LOCALE"] == "en"


def test_bad_setting_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SURVEY_LINK_EXPIRY_DAYS", "fortnight")
    with pytest.raises(RuntimeError, match="SURVEY_LINK_EXPIRY_DAYS"):
        create_app("testing")
    monkeypatch.delenv("SURVEY_LINK_EXPIRY_DAYS")
    with pytest.raises(RuntimeError, match="SURVEY_CONFIG"):
        create_app("staging")


def test_default_database_is_sqlite_in_the_instance_folder_with_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from survey.extensions import db

    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    app = create_app("testing")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'heard.sqlite3'}"
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_postgres_urls_use_psycopg3() -> None:
    app = Flask(__name__)
    app.config["SURVEY_DATABASE_URL"] = "postgresql://u@h/db"
    assert resolve_database_url(app) == "postgresql+psycopg://u@h/db"
    app.config["SURVEY_DATABASE_URL"] = "postgres://u@h/db"
    assert resolve_database_url(app) == "postgresql+psycopg://u@h/db"


def test_healthz_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {
            "ENV_NAME": "testing",
            # Nothing listens on port 1: the connection is refused at once.
            "SURVEY_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


def test_templates_and_static_are_served(client: FlaskClient) -> None:
    for path in ("/static/css/heard.css", "/static/js/respond.js"):
        response = client.get(path)
        assert response.status_code == 200
        response.close()


def test_client_address_comes_from_a_trusted_proxy_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask import request

    from survey.auth.policies import public

    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    for count, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        app = create_app({"ENV_NAME": "testing", "SURVEY_PROXY_COUNT": count})
        app.add_url_rule("/whoami", "whoami", public(lambda: str(request.remote_addr)))
        seen = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
        assert seen.text == expected


def test_pool_settings_for_postgresql_and_none_for_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SURVEY_DB_PRE_PING", "true")
    pg = create_app({"ENV_NAME": "testing", "SURVEY_DATABASE_URL": "postgresql://u@h/db"})
    assert pg.config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "hide_parameters": True,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
    }
    lite = create_app({"ENV_NAME": "testing"})
    assert lite.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"hide_parameters": True}
