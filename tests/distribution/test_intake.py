"""Touchpoints in, invitations scheduled by the surveys' rules (record_touchpoints)."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from survey.database import utcnow
from survey.distribution.intake import IntakeError, Result, SkipReason, record_touchpoints
from survey.distribution.models import TouchpointSource
from survey.extensions import db
from survey.models import Contact, Invitation, Survey, Team, Touchpoint
from survey.surveys.services import ensure_default_survey
from tests.touchpoint_factories import checked, event

MADRID = ZoneInfo("Europe/Madrid")
#: Ten minutes after the factory's touchpoint (15:00 in Madrid).
NOW = datetime(2026, 3, 2, 14, 10, tzinfo=UTC)


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context with the default survey (triggered by ticket_closed)."""
    with app.app_context():
        ensure_default_survey()
        yield app


def record(*raw: dict, now: datetime = NOW) -> list:
    return record_touchpoints(checked(*raw, now=now), TouchpointSource.API, now=now)


def default_survey() -> Survey:
    return db.session.scalars(select(Survey).where(Survey.slug == "after-support")).one()


def add_survey(slug: str, triggers: list[str], **rules: object) -> Survey:
    survey = Survey(slug=slug, title={"en": slug}, triggers=triggers, **rules)
    db.session.add(survey)
    db.session.commit()
    return survey


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def mark_sent(invitation_id: int, at: datetime) -> None:
    """Do what the sending worker does once the email is out."""
    invitation = db.session.get(Invitation, invitation_id)
    assert invitation is not None
    invitation.status, invitation.sent_at, invitation.token_hash = "sent", at, "f" * 64
    db.session.commit()


def test_a_ticket_closed_schedules_one_invitation_two_hours_later(ctx: Flask) -> None:
    (outcome,) = record(event(1, metadata={"channel": "chat", "priority": "high"}))
    assert outcome.created
    assert outcome.result is Result.SCHEDULED
    (scheduled,) = outcome.invitations
    assert scheduled.survey_slug == "after-support"
    assert scheduled.skip_reason is None
    invitation = db.session.get(Invitation, scheduled.invitation_id)
    assert invitation is not None
    assert invitation.status == "pending"
    assert invitation.origin == "rule"
    # 15:00 in Madrid plus the default 2 h; the link lasts 14 days from then.
    assert invitation.send_after == datetime(2026, 3, 2, 17, 0, tzinfo=MADRID)
    assert invitation.expires_at == invitation.send_after + timedelta(days=14)
    # The sending worker makes the token: none is stored, nor its hash, before the email.
    assert invitation.token_hash is None
    assert invitation.team.slug == "soporte-n1"
    touchpoint = db.session.get(Touchpoint, outcome.touchpoint_id)
    assert touchpoint is not None
    assert touchpoint.details == {"channel": "chat", "priority": "high"}
    assert touchpoint.source == "api"
    assert touchpoint.agent == "lucia"
    contact = invitation.contact
    assert (contact.email, contact.locale, contact.timezone) == (
        "customer1@example.com",
        "es",
        "Europe/Madrid",
    )


def test_the_same_touchpoint_twice_creates_one_invitation(ctx: Flask) -> None:
    (first,) = record(event(1))
    (again,) = record(event(1, agent="someone else", type="order_delivered"))
    in_batch = record(event(2), event(2))
    assert not again.created
    assert again.touchpoint_id == first.touchpoint_id
    assert again.invitations == first.invitations
    assert [o.created for o in in_batch] == [True, False]
    assert in_batch[0].invitations == in_batch[1].invitations
    assert count(Touchpoint) == 2
    assert count(Invitation) == 2
    touchpoint = db.session.get(Touchpoint, first.touchpoint_id)
    assert touchpoint is not None
    assert touchpoint.agent == "lucia"


def test_quiet_hours_move_the_email_to_the_morning_in_the_contacts_time_zone(
    ctx: Flask,
) -> None:
    late = "2026-03-02T20:30:00+01:00"  # + 2 h = 22:30 in Madrid: quiet
    now = datetime(2026, 3, 2, 19, 40, tzinfo=UTC)
    madrid, mexico = record(
        event(1, occurred_at=late),
        event(2, occurred_at=late, contact={"timezone": "America/Mexico_City"}),
        now=now,
    )
    # Madrid: moved to 09:00 the next morning. Mexico City: 15:30 there, not quiet.
    assert madrid.invitations[0].send_after == datetime(2026, 3, 3, 9, 0, tzinfo=MADRID)
    assert mexico.invitations[0].send_after == datetime(2026, 3, 2, 22, 30, tzinfo=MADRID)
    # After midnight the window ends the same morning.
    early = "2026-03-03T01:00:00+01:00"
    (night,) = record(event(3, occurred_at=early), now=datetime(2026, 3, 3, 0, 5, tzinfo=UTC))
    assert night.invitations[0].send_after == datetime(2026, 3, 3, 9, 0, tzinfo=MADRID)


def test_quiet_hours_can_be_turned_off(ctx: Flask) -> None:
    survey = default_survey()
    survey.quiet_start_hour = survey.quiet_end_hour = 0
    db.session.commit()
    late = "2026-03-02T20:30:00+01:00"
    (outcome,) = record(event(1, occurred_at=late), now=datetime(2026, 3, 2, 19, 40, tzinfo=UTC))
    assert outcome.invitations[0].send_after == datetime(2026, 3, 2, 22, 30, tzinfo=MADRID)


def test_fatigue_allows_one_invitation_per_contact_per_window_across_surveys(
    ctx: Flask,
) -> None:
    add_survey("after-delivery", ["order_delivered"])
    email = {"email": "ana@example.com"}
    (first,) = record(event(1, contact=email))
    mark_sent(first.invitations[0].invitation_id, datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    ten_days = NOW + timedelta(days=10)
    (same_survey,) = record(event(2, contact=email, occurred_at=ten_days.isoformat()), now=ten_days)
    (other_survey,) = record(
        event(3, type="order_delivered", contact=email, occurred_at=ten_days.isoformat()),
        now=ten_days,
    )
    assert same_survey.invitations[0].skip_reason == SkipReason.FATIGUE
    assert other_survey.invitations[0].skip_reason == SkipReason.FATIGUE
    later = NOW + timedelta(days=31)
    (after_window,) = record(event(4, contact=email, occurred_at=later.isoformat()), now=later)
    assert after_window.result is Result.SCHEDULED
    # Someone else is not tired by Ana's surveys.
    (other_person,) = record(event(5, occurred_at=ten_days.isoformat()), now=ten_days)
    assert other_person.result is Result.SCHEDULED
    skipped = db.session.get(Invitation, same_survey.invitations[0].invitation_id)
    assert skipped is not None
    assert (skipped.status, skipped.skip_reason, skipped.token_hash) == ("skipped", "fatigue", None)


def test_fatigue_looks_both_ways_for_touchpoints_arriving_late(ctx: Flask) -> None:
    email = {"email": "ana@example.com"}
    (today,) = record(event(1, contact=email))
    mark_sent(today.invitations[0].invitation_id, NOW + timedelta(hours=2))
    last_week = (NOW - timedelta(days=7)).isoformat()
    (late_arrival,) = record(event(2, contact=email, occurred_at=last_week))
    assert late_arrival.invitations[0].skip_reason == SkipReason.FATIGUE


def test_a_second_ticket_while_an_invitation_waits_is_a_duplicate(ctx: Flask) -> None:
    survey = default_survey()
    survey.fatigue_days = 0  # even without fatigue, one pending invitation per survey
    db.session.commit()
    email = {"email": "ana@example.com"}
    first, second = record(event(1, contact=email), event(2, contact=email))
    assert first.result is Result.SCHEDULED
    assert second.invitations[0].skip_reason == SkipReason.DUPLICATE
    mark_sent(first.invitations[0].invitation_id, NOW)
    (third,) = record(event(3, contact=email))
    assert third.result is Result.SCHEDULED


def test_unsubscribed_contacts_are_never_invited(ctx: Flask) -> None:
    db.session.add(Contact(email="gone@example.com", locale="es", unsubscribed_at=utcnow()))
    db.session.commit()
    (outcome,) = record(event(1, contact={"email": "Gone@Example.com"}))
    assert outcome.result is Result.SKIPPED
    assert outcome.invitations[0].skip_reason == SkipReason.UNSUBSCRIBED
    invitation = db.session.get(Invitation, outcome.invitations[0].invitation_id)
    assert invitation is not None
    assert (invitation.status, invitation.token_hash, invitation.expires_at) == (
        "skipped",
        None,
        None,
    )
    assert count(Contact) == 1


def test_sampling_is_a_fixed_draw_per_touchpoint_that_the_agent_cannot_steer(
    ctx: Flask,
) -> None:
    survey = default_survey()
    survey.sample_rate, survey.fatigue_days = 0.5, 0
    db.session.commit()
    first = record(*[event(n, agent="agent-a") for n in range(200)])
    chosen = {o.external_id for o in first if o.result is Result.SCHEDULED}
    dropped = {o.external_id for o in first if o.result is Result.SKIPPED}
    assert 60 < len(chosen) < 140, len(chosen)
    assert all(
        o.invitations[0].skip_reason == SkipReason.SAMPLED_OUT
        for o in first
        if o.external_id in dropped
    )
    # The same tickets handled by another agent (in another database) draw the same way:
    # the draw depends on the ticket and the secret key, never on who handled it.
    db.session.execute(Invitation.__table__.delete())
    db.session.execute(Touchpoint.__table__.delete())
    db.session.commit()
    again = record(*[event(n, agent="agent-b") for n in range(200)])
    assert {o.external_id for o in again if o.result is Result.SCHEDULED} == chosen


def test_sampling_at_zero_and_one(ctx: Flask) -> None:
    survey = default_survey()
    survey.fatigue_days = 0
    survey.sample_rate = 0.0
    db.session.commit()
    none = record(*[event(n) for n in range(20)])
    assert {o.invitations[0].skip_reason for o in none} == {SkipReason.SAMPLED_OUT}
    survey.sample_rate = 1.0
    db.session.commit()
    every = record(*[event(n) for n in range(20, 40)])
    assert {o.result for o in every} == {Result.SCHEDULED}


def test_touchpoints_too_old_to_ask_about_are_skipped_as_stale(ctx: Flask) -> None:
    month_ago = (NOW - timedelta(days=30)).isoformat()
    (outcome,) = record(event(1, occurred_at=month_ago))
    assert outcome.invitations[0].skip_reason == SkipReason.STALE


def test_a_recent_touchpoint_recorded_late_is_sent_now_not_in_the_past(ctx: Flask) -> None:
    yesterday = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    (outcome,) = record(event(1, occurred_at=yesterday.isoformat()))
    assert outcome.invitations[0].send_after == NOW


def test_types_no_survey_triggers_on_are_recorded_without_invitation(ctx: Flask) -> None:
    add_survey("archived", ["order_delivered"], status="archived")
    (outcome,) = record(event(1, type="Order_Delivered"))
    assert outcome.created
    assert outcome.result is Result.NO_SURVEY
    assert outcome.invitations == ()
    touchpoint = db.session.get(Touchpoint, outcome.touchpoint_id)
    assert touchpoint is not None
    assert touchpoint.type == "order_delivered"
    assert count(Invitation) == 0


def test_every_active_survey_triggered_is_decided_in_turn(ctx: Flask) -> None:
    add_survey("support-ces", ["ticket_closed"], fatigue_days=0)
    (outcome,) = record(event(1))
    # The default survey invites; the second survey's own rule has no fatigue window.
    assert [(i.survey_slug, i.skip_reason) for i in outcome.invitations] == [
        ("after-support", None),
        ("support-ces", None),
    ]
    add_survey("support-csat", ["ticket_closed"])
    (next_one,) = record(event(2))
    assert [i.skip_reason for i in next_one.invitations] == [None, None, SkipReason.FATIGUE]


def test_a_newer_touchpoint_updates_the_contact_and_reuses_the_team(ctx: Flask) -> None:
    record(event(1, contact={"email": "ana@example.com", "name": "Ana"}))
    record(
        event(
            2,
            team="soporte-n1",
            contact={
                "email": "ana@example.com",
                "name": "Ana García",
                "locale": "en-GB",
                "segment": "enterprise",
                "external_id": "crm-1",
            },
        )
    )
    contact = db.session.scalars(select(Contact)).one()
    assert (contact.name, contact.locale, contact.segment, contact.external_id) == (
        "Ana García",
        "en",
        "enterprise",
        "crm-1",
    )
    assert count(Team) == 1


def test_a_contact_id_of_another_email_rejects_the_whole_batch(ctx: Flask) -> None:
    record(event(1, contact={"email": "ana@example.com", "external_id": "crm-1"}))
    before = (count(Touchpoint), count(Contact), count(Invitation), count(Team))
    with pytest.raises(IntakeError) as caught:
        record(
            event(2, team="Ventas"),
            event(3, contact={"email": "bob@example.com", "external_id": "crm-1"}),
        )
    assert [(e.index, e.field) for e in caught.value.errors] == [(1, "contact.external_id")]
    assert (count(Touchpoint), count(Contact), count(Invitation), count(Team)) == before


def test_a_batch_of_1000_costs_a_few_queries_not_one_per_event(ctx: Flask, backend: str) -> None:
    statements: list[str] = []

    def count_statement(*args: object) -> None:
        statements.append(str(args[2]).lstrip().split(None, 1)[0].upper())

    events = checked(*[event(n) for n in range(1000)], now=NOW)
    sa_event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        outcomes = record_touchpoints(events, TouchpointSource.API, now=NOW)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count_statement)
    assert len(outcomes) == 1000
    assert count(Invitation) == 1000
    kinds = collections.Counter(statements)
    # Lookups are one IN query per table for the whole batch, on both backends.
    assert kinds["SELECT"] < 12, kinds
    if backend == "postgresql":
        # Inserts go in multi-row statements too (a network round trip each).
        assert sum(kinds.values()) < 40, kinds
