"""Drawing six months of touchpoints, and the invitations the survey's real rules give them.

Each touchpoint goes through :func:`survey.distribution.rules.send_time` and
:func:`~survey.distribution.rules.skip_reason` with the survey's own settings, at the moment it
was recorded, against the contact's invitations so far: the skips (fatigue, unsubscribed,
duplicate, sampled out) are the ones the app would have recorded. Rows only take the states
the app writes: pending without a token, sent by the worker (token hash, Message-ID, one
attempt), failed on a permanent refusal, skipped with a reason, or handed out by an agent.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from survey.demo.plan import DemoPlan, Event, Invite, Person
from survey.demo.profiles import BOUNCE_ERROR, DEMO_EXTERNAL_PREFIX, SMALL_TEAM, SOURCES, TEAMS
from survey.distribution.models import InvitationOrigin, InvitationStatus
from survey.distribution.rules import SentInvitation, sample_draw, send_time, skip_reason
from survey.distribution.tokens import hash_token
from survey.surveys.models import Survey


def draw_touchpoints(plan: DemoPlan) -> None:
    """Draw every person's touchpoints, in time order, numbered as demo external ids."""
    for index, person in enumerate(plan.people):
        _events_of(plan, index, person)
    plan.events.sort(key=lambda event: (event.occurred_at, event.person))
    for number, event in enumerate(plan.events, start=1):
        event.row["external_id"] = f"{DEMO_EXTERNAL_PREFIX}tp-{number:06d}"


def _events_of(plan: DemoPlan, index: int, person: Person) -> None:
    rng = plan.rng
    first = max(plan.start, person.row["created_at"])
    if person.declining:
        # Over a month apart, so the fatigue rule lets each one be invited; starting at
        # a random date, so the declines do not all line up in the same months.
        count = rng.choice((3, 4))
        gaps = [timedelta(days=rng.uniform(34, 46)) for _ in range(count - 1)]
        room = max(plan.end - first - sum(gaps, timedelta()) - timedelta(days=3), timedelta())
        times = [first + room * rng.random()]
        for gap in gaps:
            times.append(times[-1] + gap)
    else:
        count = rng.choices((0, 1, 2, 3, 4, 5), weights=(10, 33, 27, 16, 8, 6))[0]
        if person.team == SMALL_TEAM:
            count = max(count, 1)  # every new customer gets the onboarding call
        times = sorted(first + (plan.end - first) * rng.random() for _ in range(count))
    for step, moment in enumerate(times):
        _add_event(plan, index, person, _event_team(plan, person, step), moment)


def _event_team(plan: DemoPlan, person: Person, step: int) -> int:
    if person.team == SMALL_TEAM:
        # The onboarding call comes first; later contacts go to general support.
        return SMALL_TEAM if step == 0 else 0
    if person.declining or plan.rng.random() < 0.85:
        return person.team
    return plan.rng.choice((0, 1, 2))


def _add_event(plan: DemoPlan, index: int, person: Person, team: int, moment: datetime) -> None:
    profile = TEAMS[team]
    occurred = working_hours(plan, moment, person.zone)
    kind = profile.touchpoint_type
    row = {
        "type": kind,
        "agent": plan.rng.choice(profile.agents),
        "occurred_at": occurred,
        "source": SOURCES[kind],
        "details": _details(plan, kind),
        "created_at": occurred + timedelta(seconds=plan.rng.randint(5, 600)),
    }
    plan.events.append(Event(index, team, kind, occurred, row))


def working_hours(plan: DemoPlan, moment: datetime, zone: ZoneInfo) -> datetime:
    """Move a moment to a weekday between 9:00 and 19:00 in the contact's time zone."""
    local = moment.astimezone(zone)
    while local.weekday() >= 5:
        local -= timedelta(days=1)
    minute = plan.rng.randint(9 * 60, 19 * 60 - 1)
    local = local.replace(hour=minute // 60, minute=minute % 60, second=plan.rng.randint(0, 59))
    occurred = local.astimezone(UTC)
    while occurred >= plan.end - timedelta(hours=1):
        occurred -= timedelta(days=1)
    return occurred


def _details(plan: DemoPlan, kind: str) -> dict[str, Any]:
    rng = plan.rng
    if kind == "order_delivered":
        carrier = rng.choice(("SEUR", "Correos Express", "DHL", "MRW"))
        return {"order": f"PED-{rng.randint(100000, 999999)}", "carrier": carrier}
    if kind == "onboarding_call":
        return {"duration_minutes": rng.choice((30, 45, 60))}
    channel = rng.choices(("email", "phone", "chat"), weights=(40, 35, 25))[0]
    return {"ticket": f"TCK-{rng.randint(10000, 99999)}", "channel": channel}


def apply_rules(plan: DemoPlan, survey: Survey, secret: str) -> None:
    """Decide every touchpoint's invitation with the survey's rules, as intake would have."""
    # Per person: (survey id, when it goes out) of every invitation that counts.
    counted: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for index, event in enumerate(plan.events):
        person = plan.people[event.person]
        recorded = event.row["created_at"]
        # What invitation_history would return at that moment: sent ones, and pending ones.
        history = [
            SentInvitation(
                survey_id,
                InvitationStatus.SENT if at <= recorded else InvitationStatus.PENDING,
                at,
            )
            for survey_id, at in counted[event.person]
        ]
        send_after = send_time(event.occurred_at, survey, person.zone, recorded)
        unsubscribed = person.unsubscribed_at is not None and person.unsubscribed_at <= recorded
        reason = skip_reason(
            survey,
            unsubscribed=unsubscribed,
            occurred_at=event.occurred_at,
            send_after=send_after,
            history=history,
            draw=sample_draw(secret, survey.id, event.row["external_id"]),
            now=recorded,
        )
        row = _rule_row(plan, person, survey, send_after, recorded, reason)
        # invitation_history leaves out skipped and failed ones: they tire nobody.
        if row["status"] not in (InvitationStatus.SKIPPED, InvitationStatus.FAILED):
            counted[event.person].append((survey.id, row["sent_at"] or send_after))
        plan.invites.append(Invite(event.person, event.team, index, row))


def _rule_row(
    plan: DemoPlan,
    person: Person,
    survey: Survey,
    send_after: datetime,
    recorded: datetime,
    reason: str | None,
) -> dict[str, Any]:
    """Return the invitation row as intake, then the sending worker, would have left it."""
    row: dict[str, Any] = {
        "status": InvitationStatus.SKIPPED if reason else InvitationStatus.PENDING,
        "origin": InvitationOrigin.RULE,
        "locale": person.locale,
        "send_after": send_after,
        "expires_at": None if reason else send_after + timedelta(days=survey.expiry_days),
        "skip_reason": reason,
        "token_hash": None,
        "sent_at": None,
        "attempts": 0,
        "created_at": recorded,
    }
    if reason:
        return row
    sent_at = send_after + timedelta(seconds=plan.rng.randint(1, 90))
    if sent_at >= plan.end:
        return row  # the worker has not reached it yet: pending, no token
    if plan.rng.random() < 0.01:
        # A permanent refusal (5xx): failed at the first attempt, no link was ever valid.
        row.update(status=InvitationStatus.FAILED, attempts=1, last_error=BOUNCE_ERROR)
        return row
    row.update(
        status=InvitationStatus.SENT, sent_at=sent_at, attempts=1, token_hash=_token_hash(plan)
    )
    return row


def _token_hash(plan: DemoPlan) -> str:
    """Return the hash of a token nobody knows: the email that carried it is long gone."""
    return hash_token(base64.urlsafe_b64encode(plan.rng.randbytes(32)).decode())


def draw_manual_invitations(plan: DemoPlan, expiry_days: int) -> None:
    """Add the links agents handed out by hand (``survey invite``): few, except in one team."""
    for team, profile in enumerate(TEAMS):
        if not profile.manual_share:
            continue
        members = [
            index
            for index, person in enumerate(plan.people)
            if person.team == team and person.unsubscribed_at is None
        ]
        rule_count = sum(1 for invite in plan.invites if invite.team == team)
        count = round(rule_count * profile.manual_share / (1 - profile.manual_share))
        for _ in range(count if members else 0):
            index = plan.rng.choice(members)
            person = plan.people[index]
            moment = plan.start + (plan.end - plan.start) * plan.rng.random()
            created = working_hours(plan, moment, person.zone)
            # As invite_by_email leaves it: "sent" by hand, so no sent_at and no Message-ID.
            row = {
                "status": InvitationStatus.SENT,
                "origin": InvitationOrigin.MANUAL,
                "locale": person.locale,
                "send_after": created,
                "expires_at": created + timedelta(days=expiry_days),
                "skip_reason": None,
                "token_hash": _token_hash(plan),
                "sent_at": None,
                "attempts": 0,
                "created_at": created,
            }
            plan.invites.append(Invite(index, team, None, row))
