"""The outbox counts and the invitation funnel, computed in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from survey.distribution.intake import record_touchpoints
from survey.distribution.models import TouchpointSource
from survey.distribution.services import invite_by_email
from survey.extensions import db
from survey.insights.funnel import Funnel, invitation_funnel, outbox_counts
from survey.models import Invitation, Response, Survey, Team
from survey.surveys.services import ensure_default_survey
from tests.touchpoint_factories import checked, event

NOW = datetime(2026, 3, 2, 14, 10, tzinfo=UTC)


@pytest.fixture
def scenario(app: Flask) -> Iterator[dict[str, int]]:
    """Ten support touchpoints (two teams) and what became of their invitations."""
    with app.app_context():
        survey = ensure_default_survey()
        survey.fatigue_days = 30
        db.session.add(Survey(slug="delivery", title={"en": "Delivery"}, triggers=["delivered"]))
        db.session.commit()
        raw = [event(n) for n in range(8)]
        # Customer 0 again, for another survey within the fatigue window.
        raw += [event(8, type="delivered", contact={"email": "customer0@example.com"})]
        raw += [event(9, team="Ventas", type="delivered")]
        raw += [event(10, type="callback")]  # triggers nothing
        outcomes = record_touchpoints(checked(*raw, now=NOW), TouchpointSource.API, now=NOW)
        ids = [o.invitations[0].invitation_id for o in outcomes[:8]]
        # What the worker and the respondents did afterwards.
        sent_at = NOW + timedelta(hours=2)
        for invitation_id in ids[:6]:
            db.session.get(Invitation, invitation_id).status = "sent"  # type: ignore[union-attr]
            db.session.get(Invitation, invitation_id).sent_at = sent_at  # type: ignore[union-attr]
        db.session.get(Invitation, ids[6]).status = "failed"  # type: ignore[union-attr]
        for invitation_id, completed, scanner in (
            (ids[0], True, False),  # answered
            (ids[1], False, False),  # score saved from the email: opened
            (ids[2], False, True),  # a mail scanner's click: not opened
        ):
            invitation = db.session.get(Invitation, invitation_id)
            assert invitation is not None
            db.session.add(
                Response(
                    invitation_id=invitation_id,
                    survey_id=invitation.survey_id,
                    team_id=invitation.team_id,
                    locale="es",
                    completed_at=sent_at if completed else None,
                    suspected_scanner=scanner,
                )
            )
        db.session.commit()
        yield {
            "support": survey.id,
            "soporte": db.session.scalars(select(Team.id).where(Team.slug == "soporte-n1")).one(),
        }


def test_the_funnel_follows_touchpoints_to_answers(app: Flask, scenario: dict[str, int]) -> None:
    with app.app_context():
        invite_by_email("walkin@example.com")  # hand-made: counted apart
        funnel = invitation_funnel()
    assert funnel == Funnel(
        touchpoints=11,
        invited=9,
        skipped_by_reason={"fatigue": 1},
        pending=2,  # customer 7 (support) and customer 9 (delivery)
        sent=6,
        failed=1,
        opened=2,
        answered=1,
        manual=1,
    )
    assert funnel.skipped == 1


def test_the_funnel_filters_by_survey_team_and_period(app: Flask, scenario: dict[str, int]) -> None:
    with app.app_context():
        support = invitation_funnel(survey_id=scenario["support"])
        team = invitation_funnel(team_id=scenario["soporte"])
        later = invitation_funnel(since=NOW + timedelta(days=1))
        window = invitation_funnel(since=NOW - timedelta(days=1), until=NOW + timedelta(days=1))
    # Only the touchpoints that triggered the support survey (not delivery, not callback).
    assert (support.touchpoints, support.invited, support.skipped) == (8, 8, 0)
    assert (team.touchpoints, team.invited) == (10, 8)
    assert later == Funnel()
    assert window.touchpoints == 11


def test_outbox_counts_split_pending_by_due_time(app: Flask, scenario: dict[str, int]) -> None:
    with app.app_context():
        before = outbox_counts(now=NOW)
        after = outbox_counts(now=NOW + timedelta(days=1))
    assert (before.pending_due, before.pending_later) == (0, 2)
    assert (after.pending_due, after.pending_later) == (2, 0)
    assert (after.sent, after.failed, after.answered) == (6, 1, 0)
    assert dict(after.skipped_by_reason) == {"fatigue": 1}


def test_survey_outbox_prints_the_counts(runner: FlaskCliRunner, scenario: dict[str, int]) -> None:
    result = runner.invoke(args=["outbox"])
    assert result.exit_code == 0, result.output
    assert "pending, due now:   2" in result.output  # their time (March 2026) has come
    assert "sent:               6" in result.output
    assert "  fatigue:          1" in result.output
