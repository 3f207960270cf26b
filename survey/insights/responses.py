"""Counting responses per survey, for the staff home."""

from __future__ import annotations

from sqlalchemy import and_, case, func, select

from survey.extensions import db
from survey.responding.models import Response
from survey.surveys.models import Survey


def surveys_with_response_counts() -> list[tuple[Survey, int, int]]:
    """Return every survey with its completed and partial response counts.

    A partial response saved by a suspected mail scanner is no one's answer until a person
    confirms it, so it is not counted.
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
        .outerjoin(Response, Response.survey_id == Survey.id)
        .group_by(Survey.id)
        .order_by(Survey.created_at, Survey.id)
    ).all()
    return [(survey, int(done), int(waiting or 0)) for survey, done, waiting in rows]
