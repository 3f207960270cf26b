"""Integrity: each team's activity under a dashboard filter, counted from the raw rows.

The anti-gaming signals (analysis.integrity) need what rollups do not keep: how an invitation
was made, how soon after delivery it was answered, whether a 10 came with words, which device
answered, and the mail-scanner clicks. One grouped query over the invitations sent in the
filter's period (local days, as the rollups count them; an invitation handed over without
mail counts from its creation) gives every team's counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, or_, select

from analysis import integrity
from analysis.integrity import FAST_ANSWER_SECONDS, IntegritySignal, ScoreShift, TeamActivity
from survey.contacts.models import Contact, Team
from survey.distribution.models import Invitation, InvitationOrigin, Touchpoint
from survey.extensions import db
from survey.insights.conditions import raw_conditions
from survey.insights.enrichment import nps_scores
from survey.insights.filters import DashboardFilter
from survey.insights.queries import team_table
from survey.insights.rollups import InsightSettings
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, QuestionKind


@dataclass(frozen=True)
class TeamActivityRow:
    """One team's integrity counts (team None: invitations without a team)."""

    team_id: int | None
    name: str | None
    activity: TeamActivity


def _seconds_between(later: Any, earlier: Any) -> Any:
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _delivered() -> Any:
    """When the customer got the invitation: sent by mail, or handed over when created."""
    # Invitations made at a desk or on paper are never mailed (no sent_at): they reach the
    # customer when created, and they are exactly what the manual-invitation signal watches.
    return func.coalesce(Invitation.sent_at, Invitation.created_at)


def _filter_conditions(f: DashboardFilter, settings: InsightSettings) -> list[Any]:
    return raw_conditions(
        f,
        settings,
        moment=_delivered(),
        survey=Invitation.survey_id,
        team=Invitation.team_id,
        language=Invitation.locale,
    )


def team_activity(f: DashboardFilter, settings: InsightSettings) -> list[TeamActivityRow]:
    """Return every team's integrity counts for invitations that reached customers in the period."""
    scores = nps_scores().subquery("scores")
    counted = and_(Response.id.is_not(None), Response.suspected_scanner.is_(False))
    # The answering address stands for the device: a desk's computer keeps its address while
    # its browser's version (the user agent) changes. A device is shared when more than one
    # contact answered from it in the period.
    device = Response.ip_address
    shared = (
        select(device.label("device"))
        .join(Invitation, Invitation.id == Response.invitation_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
        .join(Contact, Contact.id == Invitation.contact_id)
        .where(
            *_filter_conditions(f, settings),
            Response.suspected_scanner.is_(False),
            Response.ip_address.is_not(None),
        )
        .group_by(device)
        .having(func.count(func.distinct(Invitation.contact_id)) > 1)
        .subquery("shared")
    )
    # Words: a free-text answer (a heard answer's "yes" is stored as text too).
    has_text = (
        select(Answer.id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Answer.response_id == Response.id,
            Question.kind == QuestionKind.TEXT,
            func.length(func.trim(Answer.text_value)) > 0,
        )
        .exists()
    )
    is_ten = and_(counted, scores.c.score == 10)

    def total(condition: Any) -> Any:
        return cast(func.coalesce(func.sum(case((condition, 1), else_=0)), 0), Integer)

    rows = db.session.execute(
        select(
            Invitation.team_id,
            Team.name,
            func.count(Invitation.id),
            total(Invitation.origin == InvitationOrigin.MANUAL),
            total(counted),
            total(
                and_(
                    counted,
                    _seconds_between(Response.started_at, _delivered()) < FAST_ANSWER_SECONDS,
                )
            ),
            total(is_ten),
            total(and_(is_ten, ~has_text)),
            total(and_(counted, shared.c.device.is_not(None))),
            total(Response.id.is_not(None)),
            total(and_(Response.id.is_not(None), Response.suspected_scanner.is_(True))),
        )
        .select_from(Invitation)
        .join(Contact, Contact.id == Invitation.contact_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
        .outerjoin(Team, Team.id == Invitation.team_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .outerjoin(scores, scores.c.response_id == Response.id)
        .outerjoin(shared, shared.c.device == device)
        .where(
            *_filter_conditions(f, settings),
            # Reached the customer: mailed, or answered (handed over); not queued or skipped.
            or_(Invitation.sent_at.is_not(None), Response.id.is_not(None)),
        )
        .group_by(Invitation.team_id, Team.name)
        .order_by(Team.name, Invitation.team_id)
    ).all()
    # The columns above are TeamActivity's fields, in order.
    return [
        TeamActivityRow(row[0], row[1], TeamActivity(*(int(value) for value in row[2:])))
        for row in rows
    ]


@dataclass(frozen=True)
class TeamSignals:
    """One team's counts and every integrity signal with its evidence."""

    team_id: int | None
    name: str | None
    activity: TeamActivity
    signals: tuple[IntegritySignal, ...]

    @property
    def triggered(self) -> tuple[IntegritySignal, ...]:
        """The signals that fired."""
        return tuple(signal for signal in self.signals if signal.triggered)


def _shifts(f: DashboardFilter) -> dict[int | None, ScoreShift]:
    """Return each team's NPS and sentiment now and in the previous period (from rollups)."""
    now = {row.team_id: row.figures for row in team_table(f).teams}
    before = {row.team_id: row.figures for row in team_table(f.previous()).teams}
    shifts = {}
    for team_id, current in now.items():
        previous = before.get(team_id)
        if previous is None or current.mean_sentiment is None or previous.mean_sentiment is None:
            continue
        shifts[team_id] = ScoreShift(
            previous.totals.nps_counts,
            current.totals.nps_counts,
            previous.mean_sentiment,
            current.mean_sentiment,
        )
    return shifts


def team_signals(f: DashboardFilter, settings: InsightSettings) -> list[TeamSignals]:
    """Run every integrity signal for each team against the rest of the filtered organisation."""
    rows = team_activity(f, settings)
    organisation = TeamActivity(
        **{
            name: sum(getattr(row.activity, name) for row in rows)
            for name in TeamActivity.__dataclass_fields__
        }
    )
    shifts = _shifts(f)
    return [
        TeamSignals(
            row.team_id,
            row.name,
            row.activity,
            integrity.check_team(row.activity, organisation, shifts.get(row.team_id)),
        )
        for row in rows
    ]
