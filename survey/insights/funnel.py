"""Counting invitations: the outbox by status, and the funnel from touchpoint to answer.

Aggregate SQL only (GROUP BY, COUNT, SUM of CASE): the few grouped rows are folded into frozen
dataclasses, never the invitations themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal_column, or_, select

from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationOrigin, InvitationStatus, Touchpoint
from survey.extensions import db
from survey.responding.models import Response


def _no_counts() -> Mapping[str, int]:
    return MappingProxyType({})


@dataclass(frozen=True)
class OutboxCounts:
    """Invitations by status now: what the sending worker has to do and has done."""

    pending_due: int = 0
    pending_later: int = 0
    sent: int = 0
    failed: int = 0
    answered: int = 0
    #: Sent, never answered, and the link has lapsed (the worker marks them).
    expired: int = 0
    skipped_by_reason: Mapping[str, int] = field(default_factory=_no_counts)
    #: Touchpoints whose type no active survey triggered: no invitation row, no survey to
    #: hang one on, so they are counted from the touchpoints (docs/intake.md).
    not_triggered: int = 0

    @property
    def skipped(self) -> int:
        return sum(self.skipped_by_reason.values())


@dataclass(frozen=True)
class Funnel:
    """From touchpoints to answers, for a cohort of touchpoints (see invitation_funnel)."""

    touchpoints: int = 0
    #: Invitations scheduled: every status except skipped.
    invited: int = 0
    skipped_by_reason: Mapping[str, int] = field(default_factory=_no_counts)
    #: Scheduled, not sent yet.
    pending: int = 0
    sent: int = 0
    failed: int = 0
    opened: int = 0
    answered: int = 0
    #: Hand-made invitations (``survey invite``) created in the period: outside the funnel.
    manual: int = 0

    @property
    def skipped(self) -> int:
        return sum(self.skipped_by_reason.values())


def outbox_counts(now: datetime | None = None) -> OutboxCounts:
    """Count every invitation by status, pending ones split by whether they are due."""
    now = now or utcnow()
    # Both counts read indexes only, never the wide table: (status, skip_reason) for the
    # totals, and the due pending rows as a range of (status, send_after).
    rows = db.session.execute(
        select(Invitation.status, Invitation.skip_reason, func.count()).group_by(
            Invitation.status, Invitation.skip_reason
        )
    ).all()
    pending_due = db.session.scalar(
        select(func.count()).where(
            Invitation.status == InvitationStatus.PENDING, Invitation.send_after <= now
        )
    )
    counts: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for status, reason, number in rows:
        status = InvitationStatus(status)
        if status == InvitationStatus.SKIPPED:
            skipped[reason or "unknown"] = skipped.get(reason or "unknown", 0) + number
        else:
            counts[status.value] = counts.get(status.value, 0) + number
    pending_due = min(int(pending_due or 0), counts.get("pending", 0))
    return OutboxCounts(
        pending_due=pending_due,
        pending_later=counts.get("pending", 0) - pending_due,
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        answered=counts.get("answered", 0),
        expired=counts.get("expired", 0),
        skipped_by_reason=MappingProxyType(dict(sorted(skipped.items()))),
        not_triggered=_untriggered_touchpoints(),
    )


def _untriggered_touchpoints() -> int:
    """Count touchpoints that led to no invitation at all (an anti-join on its index)."""
    has_invitation = exists().where(Invitation.touchpoint_id == Touchpoint.id)
    return int(db.session.scalar(select(func.count(Touchpoint.id)).where(~has_invitation)) or 0)


def invitation_funnel(
    survey_id: int | None = None,
    team_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Funnel:
    """Return the funnel of the touchpoints that occurred in [since, until).

    It follows a cohort: the touchpoints whose ``occurred_at`` falls in the period (of the
    team, when given), and the invitations made for them, whatever became of them later.

    * touchpoints: those touchpoints; with a survey, only those that triggered it (they have an
      invitation row for it, scheduled or skipped).
    * invited: their invitations with any status but skipped; ``skipped_by_reason`` the rest.
    * sent: invitations with ``sent_at`` set, or in status sent or answered.
    * failed: invitations the worker gave up on (status failed).
    * opened: invitations with a Response row, partial or complete, that is not a suspected
      scanner click. Opening a link writes nothing (mail scanners pre-open links), so an open
      is only seen when a person saves something: a score from the email or the form.
    * answered: invitations whose response is completed.
    * manual: hand-made invitations created in the period, which have no touchpoint.
    """
    period_touchpoints = _touchpoints_in(team_id, since, until)
    touchpoints = select(func.count()).select_from(period_touchpoints.subquery())
    if survey_id is not None:
        triggered = exists().where(
            Invitation.touchpoint_id == Touchpoint.id, Invitation.survey_id == survey_id
        )
        touchpoints = select(func.count()).select_from(
            period_touchpoints.where(triggered).subquery()
        )
    stages = _stage_counts(period_touchpoints, survey_id)
    return Funnel(
        touchpoints=int(db.session.scalar(touchpoints) or 0),
        manual=_manual_count(survey_id, team_id, since, until),
        **stages,
    )


def _touchpoints_in(
    team_id: int | None, since: datetime | None, until: datetime | None
) -> Select[Any]:
    query = select(Touchpoint.id)
    if team_id is not None:
        query = query.where(Touchpoint.team_id == team_id)
    return _in_period(query, Touchpoint.occurred_at, since, until)


def _in_period(
    query: Select[Any], column: Any, since: datetime | None, until: datetime | None
) -> Select[Any]:
    """Keep the rows whose column falls in [since, until); an end not given is open."""
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


def _stage_counts(period_touchpoints: Select[Any], survey_id: int | None) -> dict[str, Any]:
    sent = or_(
        Invitation.sent_at.is_not(None),
        Invitation.status.in_(
            [InvitationStatus.SENT, InvitationStatus.ANSWERED, InvitationStatus.EXPIRED]
        ),
    )
    opened = and_(Response.id.is_not(None), Response.suspected_scanner.is_(False))
    answered = Response.completed_at.is_not(None)
    query = (
        select(
            Invitation.status,
            Invitation.skip_reason,
            func.count(Invitation.id),
            func.sum(case((sent, 1), else_=0)),
            func.sum(case((opened, 1), else_=0)),
            func.sum(case((answered, 1), else_=0)),
        )
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.touchpoint_id.in_(period_touchpoints.scalar_subquery()))
        .group_by(Invitation.status, Invitation.skip_reason)
    )
    if survey_id is not None:
        query = query.where(Invitation.survey_id == survey_id)
    totals = {"invited": 0, "pending": 0, "sent": 0, "failed": 0, "opened": 0, "answered": 0}
    skipped: dict[str, int] = {}
    for status, reason, number, sent_n, opened_n, answered_n in db.session.execute(query):
        status = InvitationStatus(status)
        if status == InvitationStatus.SKIPPED:
            skipped[reason or "unknown"] = skipped.get(reason or "unknown", 0) + number
            continue
        totals["invited"] += number
        totals["pending"] += number if status == InvitationStatus.PENDING else 0
        totals["failed"] += number if status == InvitationStatus.FAILED else 0
        totals["sent"] += int(sent_n or 0)
        totals["opened"] += int(opened_n or 0)
        totals["answered"] += int(answered_n or 0)
    return {**totals, "skipped_by_reason": MappingProxyType(dict(sorted(skipped.items())))}


def _manual_count(
    survey_id: int | None, team_id: int | None, since: datetime | None, until: datetime | None
) -> int:
    # The value spelled out, so that ix_invitation_manual_created (origin = 'manual') applies.
    manual: Any = literal_column(f"'{InvitationOrigin.MANUAL.value}'")
    query = select(func.count(Invitation.id)).where(Invitation.origin == manual)
    if survey_id is not None:
        query = query.where(Invitation.survey_id == survey_id)
    if team_id is not None:
        query = query.where(Invitation.team_id == team_id)
    query = _in_period(query, Invitation.created_at, since, until)
    return int(db.session.scalar(query) or 0)
