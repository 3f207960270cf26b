"""/dashboard/integrity: the anti-gaming signals per team, each with its evidence."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from survey.auth.policies import DASHBOARD_ROLES, role_required
from survey.dashboards.blueprint import bp
from survey.dashboards.common import filter_error_page, page_context, request_filter
from survey.insights.filters import FilterError
from survey.insights.integrity import team_signals
from survey.insights.rollups import InsightSettings


@bp.get("/integrity")
@role_required(*DASHBOARD_ROLES)
def integrity() -> ResponseReturnValue:
    """Show every team's integrity signals, fired ones first within each team."""
    try:
        f = request_filter()
    except FilterError as error:
        return filter_error_page(error)
    settings = InsightSettings.from_config(current_app.config)
    return render_template(
        "dashboards/integrity.html",
        teams=team_signals(f, settings),
        locale=str(get_locale()),
        **page_context(f),
    )
