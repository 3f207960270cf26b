"""Response headers, log redaction, production guards and failure counters for every request.

Registered once by ``create_app`` (:func:`register`); nothing here runs at import time.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, abort, current_app, request
from limits import RateLimitItem, parse_many

from survey.extensions import limiter

#: Every page: own scripts and styles only, never framed. No inline script or style attribute
#: anywhere in templates/ (static/js and static/css hold them), so nothing here is relaxed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
#: The dev mail preview shows an email in a sandboxed srcdoc frame, which inherits this
#: page's policy. Email HTML must carry inline styles (mail clients drop stylesheets), so this
#: one page allows them; the frame is sandboxed without scripts, so no script is relaxed.
DEV_MAIL_PREVIEW_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
#: Dashboard pages draw Plotly charts, and plotly.js injects a <style> element and writes style
#: attributes as it lays a chart out; without 'unsafe-inline' for styles the charts break. Only
#: styles are relaxed, only on /dashboard responses: scripts stay 'self' (no inline script).
DASHBOARD_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Survey and unsubscribe tokens are in URLs: no Referer may carry them to another site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    """Add the policy headers to a response (error pages and static files included)."""
    policy = CONTENT_SECURITY_POLICY
    if request.path.startswith("/dev/mail/"):
        policy = DEV_MAIL_PREVIEW_POLICY
    elif request.path == "/dashboard" or request.path.startswith("/dashboard/"):
        policy = DASHBOARD_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("ENV_NAME") == "production":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def refuse_dev_pages_in_production() -> None:
    """Answer 404 for /dev/ pages in production: they show customers' mail."""
    if current_app.config.get("ENV_NAME") == "production" and (
        request.path == "/dev" or request.path.startswith("/dev/")
    ):
        abort(404)


# --- Logs -------------------------------------------------------------------------------------

#: Path segments after these prefixes are secrets (survey and unsubscribe links).
_TOKEN_PATH = re.compile(r"(/(?:r|u)/)[^/\s?\"']+")
_QUERY = re.compile(r"(/(?:r|u)/<token>[^\s?\"']*)\?[^\s\"']*")
_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def redact(text: str) -> str:
    """Return text with survey tokens, their query strings and email addresses masked."""
    text = _TOKEN_PATH.sub(r"\1<token>", text)
    text = _QUERY.sub(r"\1", text)
    return _EMAIL.sub("<email>", text)


def _redacting_factory(previous: Callable[..., logging.LogRecord]) -> Callable[..., Any]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    factory.heard_redacting = True  # type: ignore[attr-defined]
    return factory


def install_log_redaction() -> None:
    """Mask tokens and emails in every log record of the process (access logs included).

    A record factory sees every record before any handler, including werkzeug's and
    gunicorn's access lines, which log the raw request path.
    """
    current = logging.getLogRecordFactory()
    if not getattr(current, "heard_redacting", False):
        logging.setLogRecordFactory(_redacting_factory(current))


# --- Failure counters (brute force) ------------------------------------------------------------


@dataclass(frozen=True)
class FailureLimit:
    """Counters of failed attempts, one per key, under one or more limits (a backoff ladder).

    Only failures are counted, so a valid link or a right password costs nothing; each
    namespace is its own counter, so a survey link never touches the staff login's.
    """

    namespace: str
    limits: tuple[RateLimitItem, ...]

    @classmethod
    def parse(cls, namespace: str, spec: str) -> FailureLimit:
        """Build from a spec such as ``"5 per minute; 20 per hour"``."""
        return cls(namespace, tuple(parse_many(spec)))

    def blocked(self, key: str) -> int | None:
        """Return seconds until the key may try again, or None when it may try now."""
        if not limiter.enabled:
            return None
        strategy = limiter.limiter
        waits = [
            max(
                1,
                math.ceil(
                    strategy.get_window_stats(item, self.namespace, key).reset_time - time.time()
                ),
            )
            for item in self.limits
            if not strategy.test(item, self.namespace, key)
        ]
        return max(waits) if waits else None

    def fail(self, key: str) -> None:
        """Count one failure for the key."""
        if limiter.enabled:
            for item in self.limits:
                limiter.limiter.hit(item, self.namespace, key)


def failure_limit(name: str) -> FailureLimit:
    """Return the app's failure limit named in its settings (``SURVEY_RATELIMIT_<NAME>``)."""
    cache: dict[str, FailureLimit] = current_app.extensions.setdefault("heard_failure_limits", {})
    if name not in cache:
        config = current_app.config
        # The prefix keeps apps (and test runs) sharing one Redis from sharing counters.
        namespace = f"{config['SURVEY_RATELIMIT_KEY_PREFIX']}{name}"
        cache[name] = FailureLimit.parse(namespace, str(config[f"SURVEY_RATELIMIT_{name.upper()}"]))
    return cache[name]


def client_address() -> str:
    """Return the client's address as the app sees it (after the trusted proxies)."""
    return request.remote_addr or "unknown"


def too_many_attempts(wait_seconds: int) -> Response:
    """Return a 429 with Retry-After, in the caller's format (JSON for the API)."""
    from survey.errors import render_error

    if request.path.startswith("/api/"):
        from flask import jsonify

        response = jsonify(
            error="too_many_failures",
            message=f"too many failed attempts from this address; retry in {wait_seconds} s",
        )
        response.status_code = 429
    else:
        page, status = render_error(429)
        response = current_app.make_response((page, status))
    response.headers["Retry-After"] = str(wait_seconds)
    return response


def refuse_repeated_failures(name: str) -> Response | None:
    """Return a 429 when the client's address has failed too often under a limit, else None."""
    wait = failure_limit(name).blocked(client_address())
    return None if wait is None else too_many_attempts(wait)


def count_failure(name: str) -> None:
    """Count one failure of the client's address under a limit (e.g. ``"api_key"``)."""
    failure_limit(name).fail(client_address())


def register(app: Flask) -> None:
    """Attach the headers, the production guard and the log redaction to the app."""
    app.before_request(refuse_dev_pages_in_production)
    app.after_request(add_security_headers)
    install_log_redaction()
