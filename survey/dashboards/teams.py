"""/dashboard/teams: every team's figures with intervals and verdicts, and its agents."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.auth.policies import DASHBOARD_ROLES, role_required
from survey.dashboards import charts
from survey.dashboards.blueprint import bp
from survey.dashboards.common import filter_error_page, page_context, request_filter
from survey.insights import queries
from survey.insights.filters import FilterError
from survey.insights.integrity import team_signals
from survey.insights.queries import TeamRow
from survey.insights.rollups import InsightSettings

#: Teams whose agents are listed (one small query each).
MAX_AGENT_TEAMS = 30


def _label(row: TeamRow) -> str:
    return row.name or _("No team")


def team_charts(rows: tuple[TeamRow, ...]) -> dict[str, dict[str, object]]:
    """Return the dot-and-whisker figures of NPS, CES and heard per team, in name order."""
    nps = [
        charts.Estimate(
            _label(r),
            r.figures.nps.score,
            r.figures.nps.low,
            r.figures.nps.high,
            r.figures.nps.n,
            faint=r.experience.verdict == "not_enough_answers",
        )
        for r in rows
        if r.figures.nps.n
    ]
    ces = [
        charts.Estimate(
            _label(r),
            r.figures.ces.mean.mean,
            r.figures.ces.mean.low,
            r.figures.ces.mean.high,
            r.figures.ces.n,
        )
        for r in rows
        if r.figures.ces.n
    ]
    heard = [
        charts.Estimate(
            _label(r),
            r.figures.heard.question.index,
            r.figures.heard.question.low,
            r.figures.heard.question.high,
            r.figures.heard.question.n,
        )
        for r in rows
        if r.figures.heard.question.n
    ]
    return {
        "nps": charts.dot_whisker(
            nps,
            title=_("NPS per team, with its 95 % interval"),
            x_title=_("NPS"),
            x_range=(-100, 100),
        ),
        "ces": charts.dot_whisker(
            ces,
            title=_("CES per team, with its 95 % interval"),
            x_title=_("CES (1–7)"),
            x_range=(1, 7),
        ),
        "heard": charts.dot_whisker(
            heard,
            title=_("Heard index per team, with its 95 % interval"),
            x_title=_("Heard index"),
            x_range=(0, 100),
        ),
    }


@bp.get("/teams")
@role_required(*DASHBOARD_ROLES)
def teams() -> ResponseReturnValue:
    """Show each team's figures, verdict, integrity flags and agents under the filter."""
    try:
        f = request_filter()
    except FilterError as error:
        return filter_error_page(error)
    table = queries.team_table(f)
    settings = InsightSettings.from_config(current_app.config)
    flags = {row.team_id: row.triggered for row in team_signals(f, settings)}
    agents = {
        row.team_id: queries.agent_report(f, row.team_id)
        for row in table.teams[:MAX_AGENT_TEAMS]
        if row.team_id is not None
    }
    return render_template(
        "dashboards/teams.html",
        table=table,
        team_charts=team_charts(table.teams),
        flags=flags,
        agents=agents,
        locale=str(get_locale()),
        **page_context(f),
    )
