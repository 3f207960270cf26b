"""The overview's teams at a glance: what to read about each team before any number.

A reader of /dashboard should see in a minute which team's words are worse than its score
says, which team's score cannot be trusted and which team is too small to judge, with a quote
to back each claim. Only what passes a test is said: a share is called higher than the
organisation's when its whole 95 % interval lies above it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from analysis.experience import Experience
from analysis.integrity import IntegritySignal
from survey.insights import queries
from survey.insights.comments import Comment, CommentQuery, comments
from survey.insights.filters import DashboardFilter
from survey.insights.integrity import team_signals
from survey.insights.queries import Figures
from survey.insights.rollups import InsightSettings


@dataclass(frozen=True)
class TeamGlance:
    """One team's headline, the claims that hold about it, and a quote behind them."""

    team_id: int
    name: str | None
    figures: Figures
    experience: Experience
    #: The integrity signals that fired: this team's score cannot be taken at face value.
    signals: tuple[IntegritySignal, ...]
    #: More of its comments contradict their score than in the organisation.
    contradicted: bool
    #: More of its comments are negative than in the organisation.
    more_negative: bool
    quote: Comment | None


def team_glance(f: DashboardFilter, settings: InsightSettings) -> tuple[Figures, list[TeamGlance]]:
    """Return the organisation's figures and each team's glance under the filter."""
    table = queries.team_table(f)
    fired = {row.team_id: row.triggered for row in team_signals(f, settings)}
    organisation = table.organisation
    glances = []
    for row in table.teams:
        if row.team_id is None:
            continue
        figures = row.figures
        contradicted = figures.mismatch.n > 0 and figures.mismatch.low > organisation.mismatch.share
        more_negative = (
            figures.negative.n > 0 and figures.negative.low > organisation.negative.share
        )
        quote = None
        if contradicted or more_negative:
            # The quote shows why: a comment whose words contradict its score, else a negative one.
            query = CommentQuery(mismatch=True, limit=1) if contradicted else None
            query = query or CommentQuery(sentiment="negative", limit=1)
            page = comments(replace(f, team_ids=frozenset({row.team_id})), settings, query)
            quote = page.comments[0] if page.comments else None
        glances.append(
            TeamGlance(
                row.team_id,
                row.name,
                figures,
                row.experience,
                fired.get(row.team_id, ()),
                contradicted,
                more_negative,
                quote,
            )
        )
    return organisation, glances
