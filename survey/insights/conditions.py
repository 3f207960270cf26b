"""The dashboard filter as SQL conditions on raw rows, for pages that cannot read rollups.

Rollups answer most figures; the funnel and the integrity page count invitations and
touchpoints, so they filter the raw tables. Both go through ``raw_conditions`` so that one
filter means the same rows on every page; each page names the columns its rows hang on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false

from survey.contacts.models import Contact
from survey.distribution.models import Touchpoint
from survey.insights.filters import DashboardFilter
from survey.insights.rollups import InsightSettings


def raw_conditions(
    f: DashboardFilter,
    settings: InsightSettings,
    *,
    moment: Any,
    survey: Any,
    team: Any,
    language: Any,
) -> list[Any]:
    """Return the filter's conditions: local days on ``moment``, then survey, teams, dimensions."""
    start, end = settings.bounds(f.date_from)[0], settings.bounds(f.date_to)[1]
    conditions: list[Any] = [moment >= start, moment < end]
    if f.survey_id is not None:
        conditions.append(survey == f.survey_id)
    if f.team_ids is not None:
        # An empty set (a scoped user whose teams the filter excluded) matches nothing.
        conditions.append(team.in_(sorted(f.team_ids)) if f.team_ids else false())
    for column, value in (
        (Touchpoint.type, f.touchpoint_type),
        (Contact.segment, f.segment),
        (Contact.lifecycle_stage, f.lifecycle_stage),
        (language, f.language),
    ):
        if value is not None:
            conditions.append(column == value)
    return conditions
