"""Heard: the Flask application factory."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from config import Config, config_class, environment_overrides

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return a top-level folder (templates, static, migrations) in a checkout or a wheel."""
    in_checkout = PACKAGE_DIR.parent / name
    if in_checkout.is_dir():
        return in_checkout
    return PACKAGE_DIR / "_bundled" / name


def create_app(config: Mapping[str, Any] | type[Config] | str | None = None) -> Flask:
    """Create and configure the Heard application."""
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=os.environ.get("SURVEY_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    load_config(app, config)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_subscribers(app)
    return app


def load_config(app: Flask, config: Mapping[str, Any] | type[Config] | str | None) -> None:
    """Apply the config class, the environment, then explicit settings, in that order."""
    explicit: Mapping[str, Any] = config if isinstance(config, Mapping) else {}
    if isinstance(config, type):
        chosen = config
    else:
        chosen = config_class(config if isinstance(config, str) else explicit.get("ENV_NAME"))
    app.config.from_object(chosen)
    app.config.update(environment_overrides())
    app.config.update(explicit)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = resolve_secret_key(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = resolve_database_url(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["SURVEY_DEFAULT_LOCALE"])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PACKAGE_DIR / "translations")


def resolve_secret_key(app: Flask) -> str:
    """Return the configured key; outside production, generate one kept in the instance folder."""
    key = app.config.get("SECRET_KEY") or ""
    if key:
        return str(key)
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("SECRET_KEY must be set in production (SURVEY_CONFIG=production)")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        # O_EXCL: two workers starting at once must not write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def engine_options(app: Flask) -> dict[str, Any]:
    """Return the connection pool settings; a SQLite file needs none of them."""
    options: dict[str, Any] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # A failing statement's message must not carry customers' answers or emails into logs.
    options.setdefault("hide_parameters", True)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("pool_pre_ping", bool(app.config["SURVEY_DB_PRE_PING"]))
        options.setdefault("pool_recycle", int(app.config["SURVEY_DB_POOL_RECYCLE_SECONDS"]))
    return options


def resolve_database_url(app: Flask) -> str:
    """Return the SQLAlchemy URL, defaulting to a SQLite file in the instance folder."""
    url = str(app.config.get("SURVEY_DATABASE_URL") or "")
    if not url:
        return f"sqlite:///{Path(app.instance_path) / 'heard.sqlite3'}"
    # psycopg 3 is the driver we ship; plain postgresql:// URLs would ask for psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from the trusted proxies' X-Forwarded-* headers."""
    count = int(app.config["SURVEY_PROXY_COUNT"])
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the app."""
    from flask_babel import get_locale

    from survey import models  # noqa: F401  (every table known before the first query)
    from survey.database import configure_sqlite
    from survey.extensions import babel, csrf, db, limiter, login_manager, migrate
    from survey.i18n import select_locale
    from survey.security import register as register_security

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, synchronous=str(app.config["SURVEY_SQLITE_SYNCHRONOUS"]))
    migrate.init_app(
        app,
        db,
        directory=str(resource_dir("migrations")),
        render_as_batch=True,
        compare_type=True,
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    register_security(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale


def register_blueprints(app: Flask) -> None:
    """Register each feature's blueprint."""
    from survey.admin.views import bp as admin_bp
    from survey.api.views import bp as api_bp
    from survey.auth.policies import refuse_undeclared_routes
    from survey.auth.views import bp as auth_bp
    from survey.dashboards.views import bp as dashboards_bp
    from survey.mail.views import bp as mail_bp
    from survey.ops.views import bp as ops_bp
    from survey.responding.views import bp as responding_bp
    from survey.staff.views import bp as staff_bp

    blueprints = (
        admin_bp,
        api_bp,
        auth_bp,
        dashboards_bp,
        mail_bp,
        ops_bp,
        responding_bp,
        staff_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Every route declares who may open it; one that does not answers 403 (fails closed).
    refuse_undeclared_routes(app)


def register_errorhandlers(app: Flask) -> None:
    """Render friendly error pages."""
    from survey.errors import register

    register(app)


def register_subscribers(app: Flask) -> None:
    """Plug features into the shared machinery: outbox channels and domain signals."""
    from survey.insights.channel import register as register_insight_channel
    from survey.insights.jobs import register as register_insight_subscribers
    from survey.mail.sending import register as register_mail_channel
    from survey.webhooks.channel import register as register_webhook_channel
    from survey.webhooks.subscribers import register as register_webhook_subscribers

    register_mail_channel(app)
    register_webhook_channel(app)
    register_webhook_subscribers(app)
    register_insight_channel(app)
    register_insight_subscribers(app)


def register_commands(app: Flask) -> None:
    """Add the operator commands to ``flask --app survey`` and the ``survey`` script."""
    from survey.cli import register

    register(app)
