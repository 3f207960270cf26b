"""A survey's sending rules: parsing them, applying them to a touchpoint, editing them.

The rules live on :class:`~survey.surveys.models.Survey` (triggers, delay, fatigue window,
sampling rate, quiet hours, link expiry, reminder). The functions at the top are pure; the
fatigue query and :func:`update_survey_rules` talk to the database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, or_, select

from survey.distribution.models import Invitation, InvitationStatus, Touchpoint
from survey.extensions import db
from survey.surveys.models import Survey


class RuleError(ValueError):
    """A rule value that cannot be used; the message names the rule and the accepted forms."""


class SkipReason(StrEnum):
    """Why a triggered survey sent no invitation, in the order the rules are checked."""

    UNSUBSCRIBED = "unsubscribed"  # the contact asked for no more surveys
    STALE = "stale"  # the email would go out after its link had expired: too late to ask
    DUPLICATE = "duplicate"  # an invitation to this survey is already waiting to be sent
    FATIGUE = "fatigue"  # another invitation goes out within the survey's fatigue window
    SAMPLED_OUT = "sampled_out"  # not drawn by the sampling rate


#: Touchpoint types, as sent by the API, the CSV and the triggers: ticket_closed, order.delivered.
TYPE_SHAPE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_DURATION = re.compile(r"^\s*(\d{1,6})\s*([mhd]?)\s*$", re.IGNORECASE)
_MINUTES_PER_UNIT = {"m": 1, "h": 60, "d": 24 * 60}
_QUIET_HOURS = re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")
_OFF = {"off", "none", "no", ""}
#: The longest delay accepted (a year): past it a survey asks about something long forgotten.
MAX_DELAY_MINUTES = 366 * 24 * 60


@dataclass(frozen=True)
class SentInvitation:
    """An invitation that counts for fatigue and duplicates: when it goes out, and its state."""

    survey_id: int
    status: InvitationStatus
    at: datetime


# Parsing: what the CLI accepts, with messages that say what would have been accepted.


def parse_duration(text: str) -> int:
    """Return the minutes in a duration such as 0, 90m, 2h or 1d; a unit is required."""
    match = _DURATION.match(text)
    if not match:
        raise RuleError(f"duration {text!r}: use minutes, hours or days, such as 0, 90m, 2h or 1d")
    number, unit = int(match.group(1)), match.group(2).lower()
    if not unit and number:
        # "2" meant two hours to some and two minutes to others: refuse to guess.
        raise RuleError(
            f"duration {text!r}: add a unit: {number}m (minutes), {number}h (hours) "
            f"or {number}d (days)"
        )
    minutes = number * _MINUTES_PER_UNIT.get(unit, 1)
    if minutes > MAX_DELAY_MINUTES:
        raise RuleError(f"duration {text!r}: at most 366d")
    return minutes


def format_duration(minutes: int) -> str:
    """Return minutes in the shortest unit that states them exactly (0, 90m, 2h, 1d)."""
    if minutes and minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return "0" if minutes == 0 else f"{minutes}m"


def parse_triggers(text: str) -> list[str]:
    """Return the touchpoint types in a comma-separated list, lower-cased, without repeats."""
    types: list[str] = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if not TYPE_SHAPE.match(name):
            raise RuleError(
                f"trigger {raw.strip()!r}: use letters, digits, '_', '.' or '-' "
                "(at most 64), such as ticket_closed"
            )
        if name not in types:
            types.append(name)
    return types


def parse_quiet_hours(text: str) -> tuple[int, int]:
    """Return (start, end) hours from "21-9"; "off" gives (0, 0), which means no quiet hours."""
    if text.strip().lower() in _OFF:
        return (0, 0)
    match = _QUIET_HOURS.match(text)
    if not match:
        raise RuleError(f"quiet hours {text!r}: use START-END in whole hours, such as 21-9, or off")
    start, end = int(match.group(1)), int(match.group(2))
    for hour in (start, end):
        if not 0 <= hour <= 23:
            raise RuleError(f"quiet hours {text!r}: hours go from 0 to 23, not {hour}")
    if start == end:
        # An empty window (9-9) silently means "never quiet"; whoever typed it meant something.
        raise RuleError(
            f"quiet hours {text!r}: start and end are the same hour, which would mean no quiet "
            "hours; give two different hours, such as 21-9, or off"
        )
    return (start, end)


def parse_sample_rate(text: str) -> float:
    """Return a sampling rate between 0 and 1 (accepts 0.25 or 25%)."""
    raw = text.strip()
    try:
        rate = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise RuleError(f"sample {text!r}: use a number from 0 to 1, such as 0.25") from None
    if not 0.0 <= rate <= 1.0:  # also refuses nan
        raise RuleError(f"sample {text!r}: the rate must be from 0 to 1")
    return rate


def parse_days(text: str, rule: str, *, minimum: int, allow_off: bool = False) -> int | None:
    """Return a whole number of days for a rule, or None for "off" when the rule allows it."""
    raw = text.strip().lower()
    if allow_off and raw in _OFF:
        return None
    if not raw.isdigit():
        hint = " or off" if allow_off else ""
        raise RuleError(f"{rule} {text!r}: use a whole number of days{hint}")
    days = int(raw)
    if days < minimum or days > 3660:
        raise RuleError(f"{rule} {text!r}: use {minimum} to 3660 days")
    return days


def recorded_touchpoint_types() -> list[str]:
    """Return every touchpoint type recorded so far, sorted (to spot typos in triggers)."""
    # One pass over the table, grouped in SQL: run by hand when rules change, never per event.
    return list(
        db.session.scalars(
            select(Touchpoint.type).group_by(Touchpoint.type).order_by(Touchpoint.type)
        )
    )


# Applying the rules to one touchpoint.


def contact_zone(timezone: str | None, fallback: str) -> ZoneInfo:
    """Return the contact's time zone, or the fallback when unknown or unset."""
    for name in (timezone, fallback):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def in_quiet_hours(hour: int, start: int, end: int) -> bool:
    """Return whether a local hour falls in [start, end), a window that may wrap midnight."""
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def shift_out_of_quiet_hours(moment: datetime, zone: ZoneInfo, start: int, end: int) -> datetime:
    """Return the moment, or the end of the quiet hours it falls in, in the contact's zone."""
    local = moment.astimezone(zone)
    if not in_quiet_hours(local.hour, start, end):
        return moment
    day: date = local.date()
    # 23:30 in a 21-9 window ends tomorrow at 9; 02:00 ends today at 9.
    if start > end and local.hour >= start:
        day += timedelta(days=1)
    quiet_end = datetime.combine(day, time(hour=end), tzinfo=zone)
    return quiet_end.astimezone(moment.tzinfo)


def sample_draw(secret: str, survey_id: int, external_id: str) -> float:
    """Return a number in [0, 1) fixed by the touchpoint, the survey and the app's secret.

    A keyed hash rather than a random draw: replaying a touchpoint gives the same decision, and
    nobody without the secret key (an agent being judged, say) can tell or steer which tickets
    are surveyed.
    """
    message = f"{survey_id}:{external_id}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_sampled_in(rate: float, draw: float) -> bool:
    """Return whether a draw falls within the sampling rate."""
    return draw < rate


def conflicts_within(
    history: Iterable[SentInvitation], moment: datetime, fatigue_days: int
) -> bool:
    """Return whether any invitation goes out less than fatigue_days before or after a moment.

    The window looks both ways because touchpoints may arrive out of order (a CSV of last
    week's tickets after today's API calls): at most one invitation per window either way.
    """
    if fatigue_days <= 0:
        return False
    window = timedelta(days=fatigue_days)
    return any(abs(item.at - moment) < window for item in history)


def has_pending(history: Iterable[SentInvitation], survey_id: int) -> bool:
    """Return whether an invitation to this survey is still waiting to be sent."""
    return any(
        item.survey_id == survey_id and item.status == InvitationStatus.PENDING for item in history
    )


def send_time(occurred_at: datetime, survey: Survey, zone: ZoneInfo, now: datetime) -> datetime:
    """Return when to send: after the survey's delay, never in the past, never in quiet hours."""
    due = occurred_at + timedelta(minutes=survey.delay_minutes)
    earliest = max(due, now)
    return shift_out_of_quiet_hours(earliest, zone, survey.quiet_start_hour, survey.quiet_end_hour)


def skip_reason(
    survey: Survey,
    *,
    unsubscribed: bool,
    occurred_at: datetime,
    send_after: datetime,
    history: Iterable[SentInvitation],
    draw: float,
    now: datetime,
) -> SkipReason | None:
    """Return why a touchpoint gets no invitation to this survey, or None to invite.

    ``history`` is the contact's invitations that count (see :func:`invitation_history`);
    ``draw`` is the touchpoint's :func:`sample_draw` for this survey.
    """
    history = list(history)
    if unsubscribed:
        return SkipReason.UNSUBSCRIBED
    due = occurred_at + timedelta(minutes=survey.delay_minutes)
    if now - due >= timedelta(days=survey.expiry_days):
        return SkipReason.STALE
    if has_pending(history, survey.id):
        return SkipReason.DUPLICATE
    if conflicts_within(history, send_after, survey.fatigue_days):
        return SkipReason.FATIGUE
    if not is_sampled_in(survey.sample_rate, draw):
        return SkipReason.SAMPLED_OUT
    return None


def invitation_history(
    contact_ids: Iterable[int], since: datetime
) -> dict[int, list[SentInvitation]]:
    """Return, per contact, the invitations that count for fatigue or duplicates.

    Those are every invitation not skipped and not failed (an email that never arrived does
    not tire anyone) going out since ``since``, plus every pending one whatever its date.
    One query for the whole batch.
    """
    ids = sorted(set(contact_ids))
    history: dict[int, list[SentInvitation]] = defaultdict(list)
    if not ids:
        return history
    going_out = func.coalesce(Invitation.sent_at, Invitation.send_after)
    rows = db.session.execute(
        select(Invitation.contact_id, Invitation.survey_id, Invitation.status, going_out).where(
            Invitation.contact_id.in_(ids),
            Invitation.status.not_in([InvitationStatus.SKIPPED, InvitationStatus.FAILED]),
            or_(going_out >= since, Invitation.status == InvitationStatus.PENDING),
        )
    ).all()
    for contact_id, survey_id, status, at in rows:
        history[contact_id].append(SentInvitation(survey_id, InvitationStatus(status), at))
    return history


# Editing the rules (``survey surveys set``).


@dataclass(frozen=True)
class RuleChanges:
    """New values for some of a survey's rules; None leaves a rule as it is."""

    triggers: list[str] | None = None
    delay_minutes: int | None = None
    fatigue_days: int | None = None
    sample_rate: float | None = None
    quiet_hours: tuple[int, int] | None = None
    expiry_days: int | None = None
    #: 0 turns the reminder off (None means "unchanged").
    reminder_days: int | None = None


def update_survey_rules(slug: str, changes: RuleChanges) -> Survey:
    """Apply rule changes to a survey and commit them, refusing an inconsistent result."""
    survey: Survey | None = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise RuleError(f"no survey with slug {slug!r}")
    if changes.triggers is not None:
        survey.triggers = list(changes.triggers)
    if changes.delay_minutes is not None:
        survey.delay_minutes = changes.delay_minutes
    if changes.fatigue_days is not None:
        survey.fatigue_days = changes.fatigue_days
    if changes.sample_rate is not None:
        survey.sample_rate = changes.sample_rate
    if changes.quiet_hours is not None:
        survey.quiet_start_hour, survey.quiet_end_hour = changes.quiet_hours
    if changes.expiry_days is not None:
        survey.expiry_days = changes.expiry_days
    if changes.reminder_days is not None:
        survey.reminder_days = changes.reminder_days or None
    reminder, expiry = survey.reminder_days, survey.expiry_days
    if reminder is not None and reminder >= expiry:
        db.session.rollback()
        raise RuleError(
            f"reminder after {reminder} days would reach an expired link "
            f"(links expire after {expiry} days): use fewer reminder days"
        )
    db.session.commit()
    return survey


def describe_rules(survey: Survey) -> list[tuple[str, str]]:
    """Return the survey's rules as (label, value) lines for people to read."""
    quiet = (
        "off"
        if survey.quiet_start_hour == survey.quiet_end_hour
        else f"{survey.quiet_start_hour:02d}:00-{survey.quiet_end_hour:02d}:00 contact's local time"
    )
    reminder = (
        f"{survey.reminder_days} days after sending, if unanswered"
        if survey.reminder_days
        else "none"
    )
    fatigue = (
        f"at most one invitation per contact in {survey.fatigue_days} days, across surveys"
        if survey.fatigue_days
        else "off"
    )
    return [
        ("survey", f"{survey.slug} ({survey.status.value})"),
        ("triggers", ", ".join(survey.triggers) or "none (no touchpoint invites to it)"),
        ("delay", f"{format_duration(survey.delay_minutes)} after the touchpoint"),
        ("fatigue", fatigue),
        ("sample", f"{survey.sample_rate:g} of eligible touchpoints"),
        ("quiet hours", quiet),
        ("link expiry", f"{survey.expiry_days} days after sending"),
        ("reminder", reminder),
    ]
