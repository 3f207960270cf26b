"""Small reads the dashboard pages need beside survey.insights.queries: the filter form's
choices, candidate quotes per theme, and each theme's weekly mentions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from analysis import nps
from analysis.themes import Quote
from analysis.trend import PeriodUnit, period_start
from survey.contacts.models import Contact, Team
from survey.distribution.models import Invitation, Touchpoint
from survey.extensions import db
from survey.insights.comments import comment_conditions
from survey.insights.enrichment import nps_scores
from survey.insights.filters import DashboardFilter
from survey.insights.models import AnswerEnrichment, AnswerPhrase, DailyRollup, PhraseRollup
from survey.insights.queries import rollup_conditions
from survey.insights.rollups import InsightSettings
from survey.responding.models import Answer, Response
from survey.surveys.models import Survey


@dataclass(frozen=True)
class FilterOptions:
    """Choices of each filter field, as (value, label) pairs, in a stable order."""

    surveys: tuple[tuple[int, str], ...]
    teams: tuple[tuple[int, str], ...]
    touchpoint_types: tuple[str, ...]
    segments: tuple[str, ...]
    lifecycle_stages: tuple[str, ...]


def _distinct(column: Any) -> tuple[str, ...]:
    rows = db.session.scalars(select(column).where(column.is_not(None)).distinct().order_by(column))
    return tuple(str(value) for value in rows)


def filter_options(language: str, team_ids: frozenset[int] | None = None) -> FilterOptions:
    """Return the surveys, teams and dimension values a filter may pick (a few small queries).

    ``team_ids``: the teams a scoped user may see (None: every team); no other team is named.
    """
    surveys = db.session.scalars(select(Survey).order_by(Survey.created_at, Survey.id)).all()
    team_query = select(Team.id, Team.name).order_by(Team.name, Team.id)
    if team_ids is not None:
        team_query = team_query.where(Team.id.in_(sorted(team_ids)))
    teams = db.session.execute(team_query).all()
    return FilterOptions(
        surveys=tuple((survey.id, survey.title_in(language)) for survey in surveys),
        teams=tuple((team_id, name) for team_id, name in teams),
        touchpoint_types=_distinct(DailyRollup.touchpoint_type),
        segments=_distinct(DailyRollup.segment),
        lifecycle_stages=_distinct(DailyRollup.lifecycle_stage),
    )


#: Candidate quotes fetched per theme, most recent first (analysis.themes picks among them).
QUOTE_CANDIDATES_PER_THEME = 12


def theme_quotes(
    f: DashboardFilter, settings: InsightSettings, language: str, keys: Sequence[str]
) -> dict[str, list[Quote]]:
    """Return candidate quotes per theme key: the latest answers mentioning it (one query)."""
    if not keys:
        return {}
    scores = nps_scores().subquery("scores")
    recent = (
        func.row_number()
        .over(
            partition_by=AnswerPhrase.theme, order_by=(Response.started_at.desc(), Answer.id.desc())
        )
        .label("recent")
    )
    ranked = (
        select(AnswerPhrase.theme, Answer.text_value, scores.c.score, AnswerPhrase.polarity, recent)
        .select_from(AnswerPhrase)
        .join(Answer, Answer.id == AnswerPhrase.answer_id)
        .join(AnswerEnrichment, AnswerEnrichment.answer_id == Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(Contact, Contact.id == Invitation.contact_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
        .outerjoin(scores, scores.c.response_id == Response.id)
        .where(
            AnswerPhrase.theme.in_(sorted(set(keys))),
            AnswerEnrichment.language == language,
            *comment_conditions(f, settings),
        )
        .subquery("ranked")
    )
    rows = db.session.execute(
        select(ranked.c.theme, ranked.c.text_value, ranked.c.score, ranked.c.polarity)
        .where(ranked.c.recent <= QUOTE_CANDIDATES_PER_THEME)
        .order_by(ranked.c.theme, ranked.c.recent)
    ).all()
    found: dict[str, list[Quote]] = defaultdict(list)
    for theme, text, score, polarity in rows:
        category = None if score is None else nps.categorize(int(score))
        found[theme].append(Quote(text or "", category, float(polarity)))
    return dict(found)


def theme_weeks(
    f: DashboardFilter, language: str, keys: Sequence[str]
) -> dict[str, dict[date, int]]:
    """Return answers mentioning each theme per week (Monday) of the period (one query)."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(PhraseRollup.theme, PhraseRollup.day, func.sum(PhraseRollup.answers))
        .where(
            *rollup_conditions(PhraseRollup, f),
            PhraseRollup.language == language,
            PhraseRollup.theme.in_(sorted(set(keys))),
        )
        .group_by(PhraseRollup.theme, PhraseRollup.day)
    ).all()
    weeks: dict[str, dict[date, int]] = {key: {} for key in keys}
    for theme, day, answers in rows:
        week = period_start(day, PeriodUnit.WEEK)
        weeks[theme][week] = weeks[theme].get(week, 0) + int(answers or 0)
    return weeks
