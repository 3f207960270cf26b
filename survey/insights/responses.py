"""Counting responses per survey, for the staff home."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, false, func, select

from survey.extensions import db
from survey.responding.models import Response
from survey.surveys.models import Survey


def surveys_with_response_counts(
    team_ids: frozenset[int] | None = None,
) -> list[tuple[Survey, int, int]]:
    """Return every survey with its completed and partial response counts.

    A partial response saved by a suspected mail scanner is no one's answer until a person
    confirms it, so it is not counted. ``team_ids``: count only these teams' responses (a
    team-scoped user's); None counts every response.
    """
    completed = func.count(Response.completed_at)
    partial = func.sum(
        case(
            (and_(Response.completed_at.is_(None), Response.suspected_scanner.is_(False)), 1),
            else_=0,
        )
    )
    rows = db.session.execute(
        select(Survey, completed, partial)
        .outerjoin(Response, and_(Response.survey_id == Survey.id, *_in_teams(team_ids)))
        .group_by(Survey.id)
        .order_by(Survey.created_at, Survey.id)
    ).all()
    return [(survey, int(done), int(waiting or 0)) for survey, done, waiting in rows]


def _in_teams(team_ids: frozenset[int] | None) -> list[ColumnElement[bool]]:
    if team_ids is None:
        return []
    return [Response.team_id.in_(sorted(team_ids)) if team_ids else false()]
