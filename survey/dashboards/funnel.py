"""/dashboard/funnel: touchpoints to answers per team and type, by stage and segment."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from survey.auth.policies import DASHBOARD_ROLES, role_required
from survey.dashboards.blueprint import bp
from survey.dashboards.common import filter_error_page, page_context, request_filter
from survey.insights.filters import FilterError
from survey.insights.funnel_pages import funnel_report
from survey.insights.rollups import InsightSettings

#: Why an invitation was not sent, as the page says it (unknown reasons show as stored).
SKIP_REASONS = {
    "unsubscribed": _l("Unsubscribed"),
    "stale": _l("Too late to ask"),
    "duplicate": _l("Already invited"),
    "fatigue": _l("Asked recently (fatigue window)"),
    "sampled_out": _l("Not drawn by sampling"),
    "unknown": _l("Unknown reason"),
}


@bp.get("/funnel")
@role_required(*DASHBOARD_ROLES)
def funnel() -> ResponseReturnValue:
    """Show who was eligible, asked, skipped, sent and answered, under the filter."""
    try:
        f = request_filter()
    except FilterError as error:
        return filter_error_page(error)
    report = funnel_report(f, InsightSettings.from_config(current_app.config))
    return render_template(
        "dashboards/funnel.html",
        report=report,
        skip_reasons=SKIP_REASONS,
        **page_context(f),
    )
