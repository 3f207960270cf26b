"""The funnel page's read: touchpoints to answers under a dashboard filter, per dimension.

One grouped query over the touchpoints of the period (team × touchpoint type × segment ×
lifecycle stage × invitation status × skip reason) is folded into frozen dataclasses: the
totals, and the same counts per team, touchpoint type, lifecycle stage and segment. Each group
carries its answers' NPS categories and satisfaction, so "satisfied but not loyal" shows in
the stage or segment where it lives: satisfied is a CSAT of 4–5 where the survey asks it, else
an NPS of 7 or more (the passives' "satisfied but unenthusiastic"); not loyal is an NPS below 9.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from analysis import nps
from survey.contacts.models import Contact, Team
from survey.distribution.models import Invitation, InvitationStatus, Touchpoint
from survey.extensions import db
from survey.insights.conditions import raw_conditions
from survey.insights.filters import DashboardFilter
from survey.insights.rollups import InsightSettings
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, QuestionKind

#: CSAT answers from this value up count as satisfied; NPS answers from this value up as loyal.
SATISFIED_FROM = 4
LOYAL_FROM = 9
#: Without a CSAT answer, an NPS from this value up counts as satisfied (passives and promoters).
SATISFIED_NPS_FROM = 7


def _no_reasons() -> Mapping[str, int]:
    return MappingProxyType({})


@dataclass(frozen=True)
class FunnelCounts:
    """One group's way from touchpoints to answers, and its answers' scores."""

    touchpoints: int = 0
    #: Invitations scheduled (every status but skipped).
    invited: int = 0
    skipped_by_reason: Mapping[str, int] = field(default_factory=_no_reasons)
    sent: int = 0
    #: Completed responses that are not a suspected scanner's click.
    answered: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    #: Answers with a satisfaction reading (CSAT, else NPS), and the satisfied among them.
    rated: int = 0
    satisfied: int = 0
    #: Satisfied (CSAT) answers whose NPS is below LOYAL_FROM.
    satisfied_not_loyal: int = 0

    @property
    def skipped(self) -> int:
        """Touchpoint invitations not sent on purpose (quiet hours, opt-outs, ...)."""
        return sum(self.skipped_by_reason.values())

    @property
    def nps(self) -> nps.NpsSummary:
        """The NPS of the answers, with its interval."""
        return nps.from_counts(self.promoters, self.passives, self.detractors)

    @property
    def coverage(self) -> float | None:
        """Surveyed ÷ eligible: sent invitations per touchpoint (None without touchpoints)."""
        return min(1.0, self.sent / self.touchpoints) if self.touchpoints else None

    @property
    def invite_rate(self) -> float | None:
        """Invited ÷ touchpoints."""
        return _share(self.invited, self.touchpoints)

    @property
    def send_rate(self) -> float | None:
        """Sent ÷ invited."""
        return _share(self.sent, self.invited)

    @property
    def answer_rate(self) -> float | None:
        """Answered ÷ sent."""
        return _share(self.answered, self.sent)

    @property
    def satisfied_share(self) -> float | None:
        """Satisfied ÷ answers with a satisfaction reading."""
        return _share(self.satisfied, self.rated)

    @property
    def not_loyal_share(self) -> float | None:
        """Of the satisfied, the share that would not recommend (NPS below LOYAL_FROM)."""
        return _share(self.satisfied_not_loyal, self.satisfied)

    def __add__(self, other: FunnelCounts) -> FunnelCounts:
        reasons: dict[str, int] = dict(self.skipped_by_reason)
        for reason, number in other.skipped_by_reason.items():
            reasons[reason] = reasons.get(reason, 0) + number
        summed = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name != "skipped_by_reason"
        }
        return FunnelCounts(
            **summed, skipped_by_reason=MappingProxyType(dict(sorted(reasons.items())))
        )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class FunnelGroup:
    """One value of a dimension (a team, a stage, ...) and its counts; value None: not set."""

    value: str | int | None
    label: str | None
    counts: FunnelCounts


@dataclass(frozen=True)
class FunnelReport:
    """The funnel under a filter: totals and the same counts per dimension."""

    totals: FunnelCounts
    by_team: tuple[FunnelGroup, ...]
    by_touchpoint_type: tuple[FunnelGroup, ...]
    by_lifecycle_stage: tuple[FunnelGroup, ...]
    by_segment: tuple[FunnelGroup, ...]


def _kind_score(kind: QuestionKind) -> Any:
    """Return the response's answer to a question kind, as a correlated subquery."""
    scored = aliased(Answer)
    question = aliased(Question)
    return (
        select(func.min(scored.number_value))
        .join(question, question.id == scored.question_id)
        .where(scored.response_id == Response.id, question.kind == kind)
        .scalar_subquery()
    )


def _first_invitation(survey_id: int | None) -> Any:
    """Return whether the joined invitation is its touchpoint's first (or there is none)."""
    other = aliased(Invitation)
    first = select(func.min(other.id)).where(other.touchpoint_id == Touchpoint.id)
    if survey_id is not None:
        first = first.where(other.survey_id == survey_id)
    return or_(Invitation.id.is_(None), Invitation.id == first.scalar_subquery())


def _conditions(f: DashboardFilter, settings: InsightSettings) -> list[Any]:
    # Touchpoints are the funnel's population: their day and team decide, not the invitation's.
    return raw_conditions(
        f,
        settings,
        moment=Touchpoint.occurred_at,
        survey=Invitation.survey_id,
        team=Touchpoint.team_id,
        language=Invitation.locale,
    )


def _grouped_statement(f: DashboardFilter, settings: InsightSettings) -> Any:
    score = _kind_score(QuestionKind.NPS)
    csat = _kind_score(QuestionKind.CSAT)
    answered = and_(Response.completed_at.is_not(None), Response.suspected_scanner.is_(False))
    sent = or_(
        Invitation.sent_at.is_not(None),
        Invitation.status.in_(
            [InvitationStatus.SENT, InvitationStatus.ANSWERED, InvitationStatus.EXPIRED]
        ),
    )
    scheduled = and_(Invitation.id.is_not(None), Invitation.status != InvitationStatus.SKIPPED)

    def total(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    satisfied = and_(
        answered,
        or_(csat >= SATISFIED_FROM, and_(csat.is_(None), score >= SATISFIED_NPS_FROM)),
    )
    invitation_join = Invitation.touchpoint_id == Touchpoint.id
    if f.survey_id is not None:
        invitation_join = and_(invitation_join, Invitation.survey_id == f.survey_id)
    dimensions = (
        Touchpoint.team_id,
        Team.name,
        Touchpoint.type,
        Contact.segment,
        Contact.lifecycle_stage,
        Invitation.status,
        Invitation.skip_reason,
    )
    return (
        select(
            *dimensions,
            total(_first_invitation(f.survey_id)),
            total(scheduled),
            total(Invitation.status == InvitationStatus.SKIPPED),
            total(and_(scheduled, sent)),
            total(answered),
            total(and_(answered, score >= LOYAL_FROM)),
            total(and_(answered, score >= 7, score < LOYAL_FROM)),
            total(and_(answered, score < 7)),
            total(and_(answered, or_(csat.is_not(None), score.is_not(None)))),
            total(satisfied),
            total(and_(satisfied, score < LOYAL_FROM)),
        )
        .select_from(Touchpoint)
        .outerjoin(Invitation, invitation_join)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .outerjoin(Contact, Contact.id == Touchpoint.contact_id)
        .outerjoin(Team, Team.id == Touchpoint.team_id)
        .where(*_conditions(f, settings))
        .group_by(*dimensions)
    )


def _counts(reason: str | None, numbers: Iterable[Any]) -> FunnelCounts:
    touchpoints, invited, skipped, sent, answered, pro, pas, det, csat_n, sat, not_loyal = (
        int(number or 0) for number in numbers
    )
    return FunnelCounts(
        touchpoints=touchpoints,
        invited=invited,
        skipped_by_reason=MappingProxyType({reason or "unknown": skipped} if skipped else {}),
        sent=sent,
        answered=answered,
        promoters=pro,
        passives=pas,
        detractors=det,
        rated=csat_n,
        satisfied=sat,
        satisfied_not_loyal=not_loyal,
    )


def funnel_report(f: DashboardFilter, settings: InsightSettings) -> FunnelReport:
    """Return the funnel of the touchpoints the filter selects (one grouped query)."""
    totals = FunnelCounts()
    groups: dict[str, dict[Any, FunnelCounts]] = defaultdict(dict)
    labels: dict[Any, str | None] = {}
    for row in db.session.execute(_grouped_statement(f, settings)):
        team_id, team_name, kind, segment, stage, _status, reason, *numbers = row
        counts = _counts(reason, numbers)
        labels[team_id] = team_name
        totals += counts
        for dimension, value in (
            ("team", team_id),
            ("type", kind),
            ("stage", stage),
            ("segment", segment),
        ):
            groups[dimension][value] = groups[dimension].get(value, FunnelCounts()) + counts

    def ordered(
        dimension: str, named: Mapping[Any, str | None] | None = None
    ) -> tuple[FunnelGroup, ...]:
        found = groups.get(dimension, {})
        rows = [
            FunnelGroup(value, (named or {}).get(value, None if value is None else str(value)), c)
            for value, c in found.items()
        ]
        rows.sort(key=lambda g: (g.label is None, str(g.label or "")))
        return tuple(rows)

    return FunnelReport(
        totals=totals,
        by_team=ordered("team", labels),
        by_touchpoint_type=ordered("type"),
        by_lifecycle_stage=ordered("stage"),
        by_segment=ordered("segment"),
    )
