"""/dashboard: the headline figures, the weekly trend, the themes and the comments to read."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from survey.auth.policies import DASHBOARD_ROLES, role_required
from survey.dashboards.blueprint import bp
from survey.dashboards.common import filter_error_page, page_context, request_filter
from survey.dashboards.glance import team_glance
from survey.dashboards.present import driver_rows, trend_view
from survey.insights import queries
from survey.insights.comments import CommentQuery, comments
from survey.insights.filters import LANGUAGES, FilterError
from survey.insights.rollups import InsightSettings

#: Drivers shown on each side, and comments needing attention.
TOP_DRIVERS = 5
ATTENTION_COMMENTS = 5


@bp.get("")
@role_required(*DASHBOARD_ROLES)
def overview() -> ResponseReturnValue:
    """Show the overview of everything the filter selects."""
    try:
        f = request_filter()
    except FilterError as error:
        return filter_error_page(error)
    data = queries.overview(f)
    reports = [queries.theme_report(f, language) for language in LANGUAGES]
    drivers = driver_rows([(v.report, v.drivers.ranked) for v in reports if v.drivers])
    settings = InsightSettings.from_config(current_app.config)
    attention = comments(f, settings, CommentQuery(sentiment="negative", limit=ATTENTION_COMMENTS))
    organisation, glances = team_glance(f, settings)
    return render_template(
        "dashboards/overview.html",
        overview=data,
        trend=trend_view(data.weekly),
        dragging=[row for row in drivers if row.driver.impact < 0][:TOP_DRIVERS],
        lifting=[row for row in drivers if row.driver.impact > 0][:TOP_DRIVERS],
        attention=attention.comments,
        organisation=organisation,
        glances=glances,
        locale=str(get_locale()),
        **page_context(f),
    )
