"""Configuration classes for Heard, with environment overrides read when the app is created.

``create_app()`` picks the class named by ``SURVEY_CONFIG`` (development, testing, production;
development by default), then applies :func:`environment_overrides`, then any mapping passed
as ``create_app(config={...})``. Nothing is read at import time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    #: Empty means "a SQLite file in the instance folder" (resolved in the app factory).
    SURVEY_DATABASE_URL = ""
    #: Empty means "generate one and keep it in the instance folder" (not allowed in production).
    SECRET_KEY = ""
    SURVEY_BASE_URL = "http://127.0.0.1:5000"
    SURVEY_TIMEZONE = "Europe/Madrid"
    SURVEY_DEFAULT_LOCALE = "es"
    SURVEY_LOCALES = ("es", "en")
    #: A score saved this many seconds after delivery, or less, is suspected to be a mail scanner.
    SURVEY_SCANNER_WINDOW_SECONDS = 10
    SURVEY_LINK_EXPIRY_DAYS = 14
    #: Longest free-text answer kept, in characters; longer input is refused, never truncated.
    SURVEY_MAX_TEXT_LENGTH = 5000
    MAX_CONTENT_LENGTH = 1024 * 1024
    #: Largest body of one API request (a batch of 1,000 touchpoints is far below it).
    SURVEY_API_MAX_BYTES = 4 * 1024 * 1024
    #: Largest CSV an admin may upload at /admin/import (read as a stream, never whole).
    SURVEY_IMPORT_MAX_BYTES = 64 * 1024 * 1024
    #: Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    SURVEY_PROXY_COUNT = 0

    # Sending mail. Without SMTP_HOST, mail is written to instance/mail/ and shown at /dev/mail.
    SMTP_HOST = ""
    SMTP_PORT = 25
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = False
    SMTP_SSL = False
    SMTP_TIMEOUT_SECONDS = 30.0
    MAIL_FROM = "Heard <heard@localhost>"
    #: Invitations one worker claims at a time; a batch shares one SMTP connection.
    SURVEY_OUTBOX_BATCH_SIZE = 50
    #: A claimed row returns to the queue this long after its worker stopped answering.
    SURVEY_OUTBOX_LEASE_SECONDS = 300.0
    SURVEY_OUTBOX_POLL_SECONDS = 5.0
    #: Transient failures wait base * 2**attempts seconds (at most the cap), then give up.
    SURVEY_OUTBOX_RETRY_BASE_SECONDS = 60.0
    SURVEY_OUTBOX_RETRY_MAX_SECONDS = 6 * 3600.0
    SURVEY_OUTBOX_MAX_ATTEMPTS = 8
    #: Webhooks to loopback, private or link-local addresses (and plain http) only when true.
    SURVEY_WEBHOOKS_ALLOW_PRIVATE = False
    SURVEY_WEBHOOK_TIMEOUT_SECONDS = 10.0

    #: Test each pooled connection before use. Off by default: it costs a round trip on every
    #: request (about a tenth of a submission's time on PostgreSQL); turn it on where something
    #: between Heard and PostgreSQL drops idle connections (failovers, some load balancers).
    SURVEY_DB_PRE_PING = False
    #: Replace pooled connections older than this, before a server or proxy times them out.
    SURVEY_DB_POOL_RECYCLE_SECONDS = 1800
    #: SQLite only. FULL: an answer acknowledged to the customer survives a power cut. NORMAL
    #: is faster (make bench shows by how much) but may lose the last commits on a power cut.
    SURVEY_SQLITE_SYNCHRONOUS = "FULL"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: "Keep me signed in" lasts this long at most; logout and a password change end it sooner.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    #: A staff session with no request for this long ends (unless "keep me signed in").
    SURVEY_SESSION_IDLE_MINUTES = 60
    #: A staff session ends this long after login, however busy (unless "keep me signed in").
    SURVEY_SESSION_MAX_HOURS = 12

    #: Where failure counters live: memory (one process) or redis://... shared by every node.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    #: A moving window: a burst at a window's edge cannot double the allowance.
    RATELIMIT_STRATEGY = "moving-window"
    SURVEY_RATELIMIT_KEY_PREFIX = "heard:"
    #: Failed logins per account and per address: each step of the ladder is a longer wait.
    SURVEY_RATELIMIT_LOGIN_ACCOUNT = "5 per minute; 10 per 15 minutes; 20 per day"
    SURVEY_RATELIMIT_LOGIN_IP = "20 per minute; 100 per hour"
    #: Unknown survey or unsubscribe tokens per address (a valid link is never counted).
    SURVEY_RATELIMIT_SURVEY_TOKEN = "30 per minute; 300 per hour"  # noqa: S105
    #: Unknown or revoked API keys per address.
    SURVEY_RATELIMIT_API_KEY = "20 per minute; 200 per hour"
    #: The survey page may stay open for hours before it is sent: the token lives with the session.
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_TIMEZONE = "UTC"


class DevelopmentConfig(Config):
    """Laptop defaults: SQLite in the instance folder, generated secret key."""

    ENV_NAME = "development"


class TestingConfig(Config):
    """Test runs: CSRF stays on (tests fetch the token as a browser does)."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105


class ProductionConfig(Config):
    """Real deployments: SECRET_KEY must come from the environment."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


#: Environment variable -> (config key, parser). The README's configuration table lists these.
ENVIRONMENT: dict[str, tuple[str, Callable[[str], object]]] = {
    "SURVEY_DATABASE_URL": ("SURVEY_DATABASE_URL", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "SURVEY_BASE_URL": ("SURVEY_BASE_URL", str),
    "SURVEY_TIMEZONE": ("SURVEY_TIMEZONE", str),
    "SURVEY_DEFAULT_LOCALE": ("SURVEY_DEFAULT_LOCALE", str),
    "SURVEY_SCANNER_WINDOW_SECONDS": ("SURVEY_SCANNER_WINDOW_SECONDS", int),
    "SURVEY_LINK_EXPIRY_DAYS": ("SURVEY_LINK_EXPIRY_DAYS", int),
    "SURVEY_MAX_TEXT_LENGTH": ("SURVEY_MAX_TEXT_LENGTH", int),
    "SURVEY_MAX_REQUEST_BYTES": ("MAX_CONTENT_LENGTH", int),
    "SURVEY_API_MAX_BYTES": ("SURVEY_API_MAX_BYTES", int),
    "SURVEY_IMPORT_MAX_BYTES": ("SURVEY_IMPORT_MAX_BYTES", int),
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", _as_bool),
    "SURVEY_PROXY_COUNT": ("SURVEY_PROXY_COUNT", int),
    "SURVEY_DB_PRE_PING": ("SURVEY_DB_PRE_PING", _as_bool),
    "SURVEY_DB_POOL_RECYCLE_SECONDS": ("SURVEY_DB_POOL_RECYCLE_SECONDS", int),
    "SURVEY_SQLITE_SYNCHRONOUS": ("SURVEY_SQLITE_SYNCHRONOUS", str),
    "SMTP_HOST": ("SMTP_HOST", str),
    "SMTP_PORT": ("SMTP_PORT", int),
    "SMTP_USER": ("SMTP_USER", str),
    "SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "SMTP_STARTTLS": ("SMTP_STARTTLS", _as_bool),
    "SMTP_SSL": ("SMTP_SSL", _as_bool),
    "SMTP_TIMEOUT_SECONDS": ("SMTP_TIMEOUT_SECONDS", float),
    "MAIL_FROM": ("MAIL_FROM", str),
    "SURVEY_OUTBOX_BATCH_SIZE": ("SURVEY_OUTBOX_BATCH_SIZE", int),
    "SURVEY_OUTBOX_LEASE_SECONDS": ("SURVEY_OUTBOX_LEASE_SECONDS", float),
    "SURVEY_OUTBOX_POLL_SECONDS": ("SURVEY_OUTBOX_POLL_SECONDS", float),
    "SURVEY_OUTBOX_RETRY_BASE_SECONDS": ("SURVEY_OUTBOX_RETRY_BASE_SECONDS", float),
    "SURVEY_OUTBOX_RETRY_MAX_SECONDS": ("SURVEY_OUTBOX_RETRY_MAX_SECONDS", float),
    "SURVEY_OUTBOX_MAX_ATTEMPTS": ("SURVEY_OUTBOX_MAX_ATTEMPTS", int),
    "SURVEY_WEBHOOKS_ALLOW_PRIVATE": ("SURVEY_WEBHOOKS_ALLOW_PRIVATE", _as_bool),
    "SURVEY_WEBHOOK_TIMEOUT_SECONDS": ("SURVEY_WEBHOOK_TIMEOUT_SECONDS", float),
    "SURVEY_RATELIMIT_STORAGE_URL": ("RATELIMIT_STORAGE_URI", str),
    "SURVEY_RATELIMIT_KEY_PREFIX": ("SURVEY_RATELIMIT_KEY_PREFIX", str),
    "SURVEY_RATELIMIT_LOGIN_ACCOUNT": ("SURVEY_RATELIMIT_LOGIN_ACCOUNT", str),
    "SURVEY_RATELIMIT_LOGIN_IP": ("SURVEY_RATELIMIT_LOGIN_IP", str),
    "SURVEY_RATELIMIT_SURVEY_TOKEN": ("SURVEY_RATELIMIT_SURVEY_TOKEN", str),
    "SURVEY_RATELIMIT_API_KEY": ("SURVEY_RATELIMIT_API_KEY", str),
    "SURVEY_SESSION_IDLE_MINUTES": ("SURVEY_SESSION_IDLE_MINUTES", int),
    "SURVEY_SESSION_MAX_HOURS": ("SURVEY_SESSION_MAX_HOURS", float),
}


def config_class(name: str | None = None) -> type[Config]:
    """Return the config class for a name, or for ``SURVEY_CONFIG``."""
    chosen = (name or os.environ.get("SURVEY_CONFIG") or "development").strip().lower()
    try:
        return CONFIGS[chosen]
    except KeyError:
        known = ", ".join(CONFIGS)
        raise RuntimeError(f"SURVEY_CONFIG={chosen!r} is not one of: {known}") from None


def environment_overrides(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Return the settings that the environment sets, parsed."""
    environ = os.environ if environ is None else environ
    overrides: dict[str, object] = {}
    for variable, (key, parse) in ENVIRONMENT.items():
        raw = environ.get(variable)
        if raw is None or raw == "":
            continue
        try:
            overrides[key] = parse(raw)
        except ValueError:
            raise RuntimeError(f"{variable}={raw!r} is not valid") from None
    return overrides
