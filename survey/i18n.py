"""Choosing the language of a page."""

from __future__ import annotations

from flask import current_app, g, request, session


def supported_locale(value: str | None) -> str | None:
    """Return the value when it is a locale Heard speaks, else None."""
    return value if value in current_app.config["SURVEY_LOCALES"] else None


def select_locale() -> str:
    """Pick the page language: the view's choice, ?lang=, the staff shell's, the browser's."""
    chosen = g.get("locale")
    if chosen:
        return str(chosen)
    requested = supported_locale(request.args.get("lang"))
    if requested:
        return requested
    # Staff pick a language with the shell's switch (survey.dashboards.shell).
    kept = supported_locale(session.get("locale"))
    if kept:
        return kept
    locales = list(current_app.config["SURVEY_LOCALES"])
    best = request.accept_languages.best_match(locales)
    return best or current_app.config["SURVEY_DEFAULT_LOCALE"]
