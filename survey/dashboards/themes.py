"""/dashboard/themes: themes per language with count, sentiment, trend and quotes; drivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from analysis.themes import Theme
from analysis.trend import PeriodUnit, period_start
from survey.auth.policies import DASHBOARD_ROLES, role_required
from survey.dashboards import charts
from survey.dashboards.blueprint import bp
from survey.dashboards.common import filter_error_page, page_context, request_filter
from survey.insights import queries
from survey.insights.filters import LANGUAGES, DashboardFilter, FilterError
from survey.insights.pages import theme_quotes, theme_weeks
from survey.insights.queries import ThemesView
from survey.insights.rollups import InsightSettings

#: Themes listed per language.
THEMES_SHOWN = 15


@dataclass(frozen=True)
class LanguageThemes:
    """One language's themes, drivers, charts and weekly mentions per theme."""

    language: str
    view: ThemesView
    weeks: tuple[date, ...]
    mentions: dict[str, dict[date, int]]
    count_chart: dict[str, Any] | None
    driver_chart: dict[str, Any] | None


def _weeks(f: DashboardFilter) -> tuple[date, ...]:
    start = period_start(f.date_from, PeriodUnit.WEEK)
    weeks = []
    while start <= f.date_to:
        weeks.append(start)
        start += timedelta(days=7)
    return tuple(weeks)


def _count_chart(listed: tuple[Theme, ...]) -> dict[str, Any] | None:
    if not listed:
        return None
    return charts.bars(
        [theme.phrase for theme in listed],
        [theme.count for theme in listed],
        [charts.polarity_colour(theme.mean_polarity) for theme in listed],
        title=_("Answers mentioning each theme (colour: its sentiment)"),
        x_title=_("Answers"),
    )


def _driver_chart(view: ThemesView) -> dict[str, Any] | None:
    if view.drivers is None or not view.drivers.ranked:
        return None
    rows = [
        charts.Estimate(
            driver.theme,
            driver.difference.change,
            driver.difference.low,
            driver.difference.high,
            driver.mentioned.n,
            faint=not driver.significant,
        )
        for driver in view.drivers.ranked[:THEMES_SHOWN]
    ]
    return charts.dot_whisker(
        rows,
        title=_("NPS of answers mentioning a theme minus the others', with its 95 % interval"),
        x_title=_("NPS points"),
        x_range=(-200, 200),
    )


def language_themes(f: DashboardFilter, settings: InsightSettings, language: str) -> LanguageThemes:
    """Return one language's themes with quotes chosen from the latest answers."""
    first = queries.theme_report(f, language, limit=THEMES_SHOWN)
    report = first.report
    keys = [
        theme.key or theme.phrase
        for theme in (*report.themes, *report.detractor_themes, *report.promoter_themes)
    ]
    quotes = theme_quotes(f, settings, language, keys)
    view = queries.theme_report(f, language, quotes=quotes, limit=THEMES_SHOWN) if quotes else first
    listed = view.report.themes
    return LanguageThemes(
        language,
        view,
        _weeks(f),
        theme_weeks(f, language, [theme.key or theme.phrase for theme in listed]),
        _count_chart(listed),
        _driver_chart(view),
    )


@bp.get("/themes")
@role_required(*DASHBOARD_ROLES)
def themes() -> ResponseReturnValue:
    """Show the themes of each language, their drivers of NPS, trends and quotes."""
    try:
        f = request_filter()
    except FilterError as error:
        return filter_error_page(error)
    settings = InsightSettings.from_config(current_app.config)
    languages = [f.language] if f.language else list(LANGUAGES)
    return render_template(
        "dashboards/themes.html",
        languages=[language_themes(f, settings, language) for language in languages],
        **page_context(f),
    )
