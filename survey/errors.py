"""Friendly error pages: never a stack trace, never a hint about what exists."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from survey.extensions import db
from survey.i18n import supported_locale

#: Status code -> (title, explanation), translated when shown.
MESSAGES: dict[int, tuple[LazyString, LazyString]] = {
    400: (_l("Something went wrong with that request"), _l("Please go back and try again.")),
    403: (_l("You can't open this page"), _l("Your account does not have access to it.")),
    404: (_l("Page not found"), _l("Check the address, or ask whoever sent it for a new link.")),
    405: (_l("Not allowed"), _l("This page can't be used that way.")),
    410: (
        _l("This survey has closed"),
        _l("The link is no longer valid. Thank you for your time."),
    ),
    413: (_l("That was too much to send"), _l("Please shorten your answer and try again.")),
    422: (_l("Some answers need a look"), _l("Please check the highlighted answers.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (_l("Something went wrong on our side"), _l("We have been told. Please try again later.")),
    503: (_l("Temporarily unavailable"), _l("Please try again in a few minutes.")),
}


#: Where the app keeps the error renderers features register for their URL prefixes.
RENDERERS_KEY = "survey.error_renderers"

ErrorRenderer = Callable[[HTTPException], ResponseReturnValue]


def render_errors_as(app: Flask, prefix: str, renderer: ErrorRenderer) -> None:
    """Render HTTP errors under a URL prefix with a feature's renderer (the API's JSON)."""
    app.extensions.setdefault(RENDERERS_KEY, {})[prefix] = renderer


def _renderer_for(app: Flask, path: str) -> ErrorRenderer | None:
    renderers: dict[str, ErrorRenderer] = app.extensions.get(RENDERERS_KEY, {})
    return next((r for prefix, r in renderers.items() if path.startswith(prefix)), None)


def _ensure_locale() -> None:
    if not g.get("locale"):
        g.locale = supported_locale(request.args.get("lang"))


def _inside_staff_layout(code: int) -> bool:
    """Return whether a signed-in staff member gets the page inside the staff shell."""
    # Not on a 500: the database may be what failed, and the shell reads the user's role.
    return code < 500 and bool(current_user and current_user.is_authenticated)


def render_error(code: int, description: str | None = None) -> tuple[str, int]:
    """Render the friendly page for an HTTP status code."""
    _ensure_locale()
    title, explanation = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    if description == "survey_link_unknown":
        title = _l("We couldn't find this survey")
        explanation = _l("The link may be incomplete. Please open it again from the email.")
    page = render_template(
        "errors/error.html",
        code=code,
        title=str(title),
        explanation=str(explanation),
        staff_error_page=_inside_staff_layout(code),
    )
    return page, code


def register(app: Flask) -> None:
    """Attach the handlers to the app."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        _ensure_locale()
        page = render_template(
            "errors/error.html",
            code=400,
            title=_("This page has expired"),
            explanation=_("For your security, please reload the page and send it again."),
        )
        return page, 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        renderer = _renderer_for(app, request.path)
        if renderer is not None:
            # A feature that answers in another format (the API's JSON) registered its own.
            return renderer(error)  # type: ignore[return-value]
        return render_error(error.code, error.description)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError) -> tuple[str, int]:
        db.session.rollback()
        return render_error(500)
