"""What every dashboard page shares: the one filter of the request, its form, drill-down links,
and numbers written in the reader's locale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import abort, current_app, g, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from survey.auth.services import allowed_team_ids
from survey.dashboards.blueprint import bp
from survey.database import utcnow
from survey.i18n import supported_locale
from survey.insights.filters import DashboardFilter, FilterError
from survey.insights.pages import filter_options
from survey.insights.rollups import InsightSettings


@bp.before_request
def choose_page_language() -> None:
    """Take the page language from the shell's switch or the browser, never from ?lang=.

    On dashboards ``lang`` is a filter (the language customers were asked in), so it must not
    also switch the page's language.
    """
    kept = supported_locale(session.get("locale"))
    if kept is None:
        locales = list(current_app.config["SURVEY_LOCALES"])
        kept = request.accept_languages.best_match(locales)
    g.locale = kept or current_app.config["SURVEY_DEFAULT_LOCALE"]


def local_today() -> date:
    """Return today in SURVEY_TIMEZONE (the day the rollups call today)."""
    return InsightSettings.from_config(current_app.config).day_of(utcnow())


def allowed_teams() -> frozenset[int] | None:
    """Return the teams the signed-in user may see (None: every team), once per request."""
    if "allowed_team_ids" not in g:
        g.allowed_team_ids = allowed_team_ids(current_user._get_current_object())
    teams: frozenset[int] | None = g.allowed_team_ids
    return teams


def request_filter() -> DashboardFilter:
    """Build the request's one filter from the URL, limited to the user's teams.

    Every dashboard page, chart, comment list, search and drill-down builds its filter here,
    so a team-scoped user's limit is applied in this one place. A team named in the URL that
    the user may not see answers 404, as if it did not exist (raises FilterError naming a
    bad field).
    """
    allowed = allowed_teams()
    f = DashboardFilter.from_args(request.args, today=local_today())
    if allowed is not None and f.team_ids is not None and not f.team_ids <= allowed:
        abort(404)
    return f.scoped(allowed)


def filter_error_page(error: FilterError) -> ResponseReturnValue:
    """Answer a bad filter value with a 400 page naming the parameter."""
    return render_template("dashboards/filter_error.html", error=error), 400


def filter_query(f: DashboardFilter, **extra: Any) -> MultiDict[str, str]:
    """Return the filter's URL parameters plus drill-down ones, as a MultiDict for url_for."""
    args: MultiDict[str, str] = MultiDict()
    for name, value in f.to_args().items():
        for one in value if isinstance(value, list) else [value]:
            args.add(name, one)
    for name, value in extra.items():
        if value is not None:
            args.setlist(name, [str(value)])
    return args


def page_url(endpoint: str, f: DashboardFilter, **extra: Any) -> str:
    """Return a link to a dashboard page under the same filter."""
    values: dict[str, Any] = filter_query(f, **extra).to_dict(flat=False)
    return url_for(endpoint, **values)


def page_context(f: DashboardFilter) -> dict[str, Any]:
    """Return what the shared filter form and links need."""
    from survey.dashboards.assets import plotly_filename
    from survey.dashboards.links import comments_url  # links builds on page_url above

    locale = get_locale()
    language = locale.language if locale else "en"
    return {
        "plotly_url": url_for("dashboards.vendor_script", name=plotly_filename()),
        "filter": f,
        "options": filter_options(language, allowed_teams()),
        "comments_url": lambda **drill: comments_url(f, **drill),  # every number's drill-down
        "page_url": lambda endpoint, **extra: page_url(endpoint, f, **extra),
    }


# --- Numbers in the reader's locale ------------------------------------------------------------


@bp.app_template_filter("num")
def number(value: float | None, digits: int = 0) -> str:
    """Write a number with the locale's separators ("–" when there is none)."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern))


@bp.app_template_filter("signed")
def signed(value: float | None, digits: int = 0) -> str:
    """Write a change with its sign (+3, −2)."""
    if value is None:
        return "–"
    text = number(abs(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


@bp.app_template_filter("pct")
def percent(share: float | None, digits: int = 0) -> str:
    """Write a share (0..1) as a percentage in the locale."""
    if share is None:
        return "–"
    if not digits:
        return str(format_percent(share))  # the locale's own pattern: "25 %" in Spanish
    return str(format_percent(share, format="#,##0." + "0" * digits + "%"))


@bp.app_template_filter("day")
def day(value: date | None, style: str = "medium") -> str:
    """Write a date in the locale."""
    return "–" if value is None else str(format_date(value, format=style))


@bp.app_template_filter("as_choices")
def as_choices(values: Sequence[str]) -> list[tuple[str, str]]:
    """Return plain values as (value, label) choices for a select."""
    return [(value, value) for value in values]
