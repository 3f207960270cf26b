"""Drawing the demo's responses: who answers, when, with which scores and comments.

Responses take only the states the responding service writes: a score chosen in the email
and the form left unfinished (partial), a completed and confirmed answer, or a mail scanner's
click seconds after delivery (suspected, never confirmed).
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from survey.demo.comments import compose_comment
from survey.demo.plan import DemoPlan, Invite, Reply
from survey.demo.profiles import (
    BROWSERS,
    COMMENT_RATE,
    DESK_BROWSER,
    NPS_BY_MOOD,
    SCANNERS,
    TEAMS,
)
from survey.distribution.models import InvitationOrigin, InvitationStatus


def draw_answers(plan: DemoPlan) -> None:
    """Draw the replies to every delivered invitation, in the order they were created."""
    plan.invites.sort(key=lambda invite: (invite.row["created_at"], invite.person))
    for index, invite in enumerate(plan.invites):
        _reply_to(plan, index, invite)


def _reply_to(plan: DemoPlan, index: int, invite: Invite) -> None:
    if invite.row["status"] is not InvitationStatus.SENT:
        return
    manual = invite.row["origin"] is InvitationOrigin.MANUAL
    if not manual and plan.rng.random() < 0.005:
        _scanner_click(plan, index, invite)
        return
    started = _answer_time(plan, invite, manual)
    if started is None:
        return
    if plan.rng.random() < 0.08:
        _partial(plan, index, invite, started)
    else:
        _completed(plan, index, invite, started, manual)


def _answer_time(plan: DemoPlan, invite: Invite, manual: bool) -> datetime | None:
    """Return when the customer starts answering, or None when they never do."""
    rng = plan.rng
    person = plan.people[invite.person]
    profile = TEAMS[invite.team]
    rate = 0.7 if manual else (0.65 if person.declining else profile.response_rate)
    if rng.random() >= rate:
        return None
    delivered = invite.delivered_at
    quick = profile.manual_quick_share if manual else profile.gamed_share * 0.2
    if rng.random() < quick:
        # Filled in on the spot, while the agent is still there.
        return delivered + timedelta(seconds=rng.uniform(3, 8))
    minutes = min(rng.lognormvariate(math.log(150), 1.4), 13 * 24 * 60)
    started = delivered + timedelta(minutes=minutes)
    return started if started < min(plan.end, invite.row["expires_at"]) else None


def _scanner_click(plan: DemoPlan, index: int, invite: Invite) -> None:
    """A mail scanner followed the score link seconds after delivery."""
    started = invite.delivered_at + timedelta(seconds=plan.rng.uniform(0.5, 4))
    row = _response_row(plan, invite, started, None)
    row.update(
        suspected_scanner=True,
        ip_address=f"192.0.2.{plan.rng.randint(10, 40)}",
        user_agent=plan.rng.choice(SCANNERS),
    )
    reply = Reply(index, row)
    reply.answers.append(("nps", Decimal(plan.rng.choice((0, 10))), None))
    plan.replies.append(reply)


def _partial(plan: DemoPlan, index: int, invite: Invite, started: datetime) -> None:
    """A score chosen in the email, then the form left unfinished."""
    mood = _mood(plan, invite)
    reply = Reply(index, _response_row(plan, invite, started, None))
    reply.answers.append(("nps", Decimal(_nps(plan, invite, mood, manual=False)), None))
    plan.replies.append(reply)


def _completed(plan: DemoPlan, index: int, invite: Invite, started: datetime, manual: bool) -> None:
    rng = plan.rng
    person = plan.people[invite.person]
    mood = _mood(plan, invite)
    person.answers += 1
    score = _nps(plan, invite, mood, manual=manual)
    took = rng.uniform(8, 40) if started - invite.delivered_at < timedelta(minutes=1) else 0
    completed = started + timedelta(seconds=took or rng.uniform(25, 300))
    reply = Reply(index, _response_row(plan, invite, started, completed))
    reply.answers.append(("nps", Decimal(score), None))
    if rng.random() < 0.9:
        reply.answers.append(("ces", Decimal(_ces(rng, mood)), None))
    if rng.random() < 0.88:
        reply.answers.append(("heard", None, _heard(rng, mood)))
    profile = TEAMS[invite.team]
    at_desk = manual and started - invite.delivered_at < timedelta(minutes=1)
    # A 10 tapped at the agent's desk comes without a word; a polite 9 still says what hurt.
    gamed = score >= 9 and mood != "good" and not profile.lenient_share
    if at_desk and profile.gamed_share:
        comment_rate = 0.02
    else:
        comment_rate = 0.35 if gamed else COMMENT_RATE[mood]
    if rng.random() < comment_rate:
        kind = plan.events[invite.event].type if invite.event is not None else "ticket_closed"
        text = compose_comment(
            rng,
            locale=person.locale,
            region=person.region,
            mood=mood,
            touchpoint_type=kind,
            pressured=gamed and rng.random() < 0.25,
        )
        reply.answers.append(("comment", None, text))
    invite.row["status"] = InvitationStatus.ANSWERED
    plan.replies.append(reply)


def _mood(plan: DemoPlan, invite: Invite) -> str:
    person = plan.people[invite.person]
    if person.declining:
        good = max(0.75 - 0.35 * person.answers, 0.03)
        bad = min(0.05 + 0.35 * person.answers, 0.9)
        draw = plan.rng.random()
        return "good" if draw < good else ("bad" if draw < good + bad else "mixed")
    progress = (invite.delivered_at - plan.start) / (plan.end - plan.start)
    return TEAMS[invite.team].mood(plan.rng, progress)


def _nps(plan: DemoPlan, invite: Invite, mood: str, *, manual: bool) -> int:
    profile = TEAMS[invite.team]
    gamed = profile.manual_gamed_share if manual else profile.gamed_share
    if not plan.people[invite.person].declining and plan.rng.random() < gamed:
        return 10 if plan.rng.random() < 0.75 else 9
    if mood != "good" and plan.rng.random() < profile.lenient_share:
        return 9 if plan.rng.random() < 0.6 else 10
    return plan.rng.choices(*NPS_BY_MOOD[mood])[0]


def _ces(rng: random.Random, mood: str) -> int:
    if mood == "good":
        return rng.choices((5, 6, 7), weights=(12, 38, 50))[0]
    if mood == "mixed":
        return rng.choices((3, 4, 5, 6), weights=(15, 35, 35, 15))[0]
    return rng.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0]


def _heard(rng: random.Random, mood: str) -> str:
    weights = {"good": (88, 10, 2), "mixed": (25, 55, 20), "bad": (5, 30, 65)}[mood]
    return rng.choices(("yes", "partly", "no"), weights=weights)[0]


def _response_row(
    plan: DemoPlan, invite: Invite, started: datetime, completed: datetime | None
) -> dict[str, Any]:
    rng = plan.rng
    office = invite.row["origin"] is InvitationOrigin.MANUAL and TEAMS[invite.team].gamed_share
    browser = rng.choice(BROWSERS)
    if office and started - invite.delivered_at < timedelta(minutes=1):
        # Answered at the agent's desk: the same office computer over and over.
        address = f"203.0.113.{rng.randint(20, 21)}"
        browser = DESK_BROWSER
    elif rng.random() < 0.3:
        groups = [f"{rng.randrange(1 << 16):x}" for _ in range(3)]
        address = f"2001:db8:{groups[0]}:{groups[1]}::{groups[2]}"
    else:
        address = f"100.{rng.randint(64, 127)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return {
        "locale": invite.row["locale"],
        "started_at": started,
        "completed_at": completed,
        "confirmed_at": completed,
        "suspected_scanner": False,
        "ip_address": address,
        "user_agent": browser,
        "updated_at": completed or started,
    }
