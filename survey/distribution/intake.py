"""Recording touchpoints and scheduling the invitations that the surveys' rules call for.

The API, the CSV import and the tests all go through :func:`record_touchpoints`, so every rule
lives here and in :mod:`survey.distribution.rules`.

Contract with the sending worker (the outbox):

* A scheduled invitation is an ``Invitation`` row with ``status=pending``, ``origin=rule``,
  ``token_hash=NULL``, ``send_after`` (UTC, already moved out of the contact's quiet hours) and
  ``expires_at = send_after + survey.expiry_days``. Intake makes no token: nothing could use it
  before the email is written, and a stored token would be a live link in the database.
* The worker claims due pending rows, makes the token while it builds the email, stores only
  its hash in ``token_hash`` (``issue_invitation`` and ``distribution.tokens`` do the hashing),
  then sets ``status=sent`` and ``sent_at``. How it makes the token is its business (random,
  or derived from the row with a keyed HMAC so that the reminder can repeat the same link);
  a token is never stored. It should check ``contact.unsubscribed_at`` again before sending.
* The reminder rule is stored, not applied, here: ``survey.reminder_days`` after ``sent_at``,
  once, when unanswered, recorded in ``reminder_sent_at``.
* A skipped touchpoint is an ``Invitation`` row with ``status=skipped``, ``skip_reason`` (one of
  :class:`SkipReason`), ``token_hash=NULL`` and ``expires_at=NULL``: the funnel counts it and
  the worker never selects it. Its ``send_after`` is when it would have gone out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from survey.contacts.models import Contact, Team
from survey.contacts.services import slugify
from survey.database import utcnow
from survey.distribution.models import (
    Invitation,
    InvitationOrigin,
    InvitationStatus,
    Touchpoint,
    TouchpointSource,
)
from survey.distribution.rules import (
    SentInvitation,
    SkipReason,
    contact_zone,
    invitation_history,
    sample_draw,
    send_time,
    skip_reason,
)
from survey.distribution.schema import ContactData, FieldError, TouchpointEvent
from survey.extensions import db
from survey.surveys.models import Survey, SurveyStatus

#: Concurrent requests may insert the same touchpoint, contact or team between our lookup
#: and our insert; the unique constraints refuse the second, which then looks again.
ATTEMPTS = 3


class Result(StrEnum):
    """What a touchpoint led to, all surveys together."""

    SCHEDULED = "scheduled"  # at least one invitation waits to be sent
    SKIPPED = "skipped"  # surveys were triggered, every one skipped
    NO_SURVEY = "no_survey_triggered"  # no active survey triggers on this type


class IntakeError(ValueError):
    """Events that are well-formed but contradict what is stored (index = event position)."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.index}: {e.field} {e.message}" for e in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class InvitationOutcome:
    """One triggered survey: the invitation scheduled, or skipped and why."""

    survey_slug: str
    invitation_id: int
    skip_reason: str | None
    send_after: datetime
    expires_at: datetime | None

    @property
    def scheduled(self) -> bool:
        return self.skip_reason is None


@dataclass(frozen=True)
class Outcome:
    """What recording one event did: the touchpoint, whether it was new, its invitations."""

    external_id: str
    touchpoint_id: int
    created: bool
    invitations: tuple[InvitationOutcome, ...]

    @property
    def result(self) -> Result:
        if not self.invitations:
            return Result.NO_SURVEY
        if any(item.scheduled for item in self.invitations):
            return Result.SCHEDULED
        return Result.SKIPPED


def record_touchpoints(
    events: Sequence[TouchpointEvent], source: TouchpointSource, *, now: datetime | None = None
) -> list[Outcome]:
    """Record checked events and their invitations in one transaction; one outcome per event.

    Idempotent on ``external_id``: an event already recorded (before, or earlier in the same
    batch) creates nothing and returns the first outcome with ``created=False``; its new
    payload is ignored. Raises :class:`IntakeError` and writes nothing when an event
    contradicts a stored contact.
    """
    if not events:
        return []
    now = now or utcnow()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            outcomes = _record(events, source, now)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if attempt == ATTEMPTS:
                raise
            continue
        except BaseException:
            db.session.rollback()
            raise
        return outcomes
    raise AssertionError("unreachable")  # pragma: no cover


def _record(
    events: Sequence[TouchpointEvent], source: TouchpointSource, now: datetime
) -> list[Outcome]:
    _plan_each_query()
    _take_sqlite_write_lock()
    first_index: dict[str, int] = {}
    for index, event in enumerate(events):
        first_index.setdefault(event.external_id, index)
    known = _recorded_outcomes(list(first_index))
    fresh = [(i, events[i]) for ext, i in first_index.items() if ext not in known]
    created = _record_new(fresh, source, now) if fresh else {}
    outcomes: list[Outcome] = []
    for index, event in enumerate(events):
        if event.external_id in created and first_index[event.external_id] == index:
            outcomes.append(created[event.external_id])
        else:
            first = created.get(event.external_id) or known[event.external_id]
            outcomes.append(replace(first, created=False))
    return outcomes


def _plan_each_query() -> None:
    """Have PostgreSQL plan this transaction's queries for their actual parameters.

    psycopg prepares a statement run five times, and PostgreSQL then may keep one generic
    plan made while the tables were still small: a sequential scan for the IN lookups by
    external id, email or touchpoint, which grew with the table until a large import spent
    most of its time there. Planning a lookup each time costs well under a millisecond.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _take_sqlite_write_lock() -> None:
    """On SQLite, hold the write lock before reading any contact's history.

    The fatigue and duplicate rules read a contact's invitations, then insert one: two
    requests reading before either writes would both invite (twenty parallel touchpoints
    scheduled four). The driver starts its transaction only at the first write, so the
    reads ran unlocked; BEGIN IMMEDIATE makes the next request wait (busy_timeout) until this
    one commits, and then read what it wrote. PostgreSQL locks the contact rows instead
    (see :func:`_contacts_for`).
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    # Already in a transaction means a write was made, so the write lock is already held.
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _recorded_outcomes(external_ids: Sequence[str]) -> dict[str, Outcome]:
    """Return the outcome of each touchpoint already recorded, rebuilt from its rows."""
    touchpoints = dict(
        db.session.execute(
            select(Touchpoint.external_id, Touchpoint.id).where(
                Touchpoint.external_id.in_(external_ids)
            )
        ).all()
    )
    if not touchpoints:
        return {}
    rows = db.session.execute(
        select(
            Invitation.touchpoint_id,
            Survey.slug,
            Invitation.id,
            Invitation.status,
            Invitation.skip_reason,
            Invitation.send_after,
            Invitation.expires_at,
        )
        .join(Survey, Survey.id == Invitation.survey_id)
        .where(Invitation.touchpoint_id.in_(list(touchpoints.values())))
        .order_by(Invitation.id)
    ).all()
    by_touchpoint: dict[int | None, list[InvitationOutcome]] = defaultdict(list)
    for touchpoint_id, slug, invitation_id, status, reason, send_after, expires_at in rows:
        skipped = status == InvitationStatus.SKIPPED
        by_touchpoint[touchpoint_id].append(
            InvitationOutcome(
                survey_slug=slug,
                invitation_id=invitation_id,
                skip_reason=(reason or "skipped") if skipped else None,
                send_after=send_after,
                expires_at=expires_at,
            )
        )
    return {
        str(ext): Outcome(str(ext), tp_id, False, tuple(by_touchpoint.get(tp_id, ())))
        for ext, tp_id in touchpoints.items()
    }


@dataclass
class _Pending:
    """A new touchpoint's row and its invitations' rows, before they have ids."""

    touchpoint: dict[str, Any]
    invitations: list[tuple[Survey, dict[str, Any]]]


def _record_new(
    items: Sequence[tuple[int, TouchpointEvent]], source: TouchpointSource, now: datetime
) -> dict[str, Outcome]:
    teams = _teams_for(event.team for _, event in items)
    contacts = _contacts_for(items)
    db.session.flush()  # new teams and contacts get their ids, in one INSERT per table
    triggered = _surveys_by_trigger()
    history = _history_for(contacts.values(), items, triggered, now)
    secret = str(current_app.config["SECRET_KEY"])
    fallback_zone = str(current_app.config["SURVEY_TIMEZONE"])
    pending: dict[str, _Pending] = {}
    for _, event in items:
        contact = contacts[event.contact.email]
        team = teams[slugify(event.team)]
        record = _Pending(_touchpoint_row(event, contact, team, source, now), [])
        zone = contact_zone(contact.timezone, fallback_zone)
        for survey in triggered.get(event.type, ()):
            contact_history = history[contact.email]
            send_after = send_time(event.occurred_at, survey, zone, now)
            reason = skip_reason(
                survey,
                unsubscribed=contact.unsubscribed_at is not None,
                occurred_at=event.occurred_at,
                send_after=send_after,
                history=contact_history,
                draw=sample_draw(secret, survey.id, event.external_id),
                now=now,
            )
            if reason is None:
                contact_history.append(
                    SentInvitation(survey.id, InvitationStatus.PENDING, send_after)
                )
            record.invitations.append(
                (survey, _invitation_row(contact, team, survey, send_after, reason, now))
            )
        pending[event.external_id] = record
    _insert_rows(pending)
    return {ext: _outcome(ext, record) for ext, record in pending.items()}


def _insert_rows(pending: dict[str, _Pending]) -> None:
    """Insert the touchpoints, then their invitations, and fill in the ids of both.

    Plain multi-row INSERTs without RETURNING, then one lookup by unique key per table: with
    RETURNING, SQLAlchemy sends very long statements that psycopg parses again for every
    batch, which made large imports several times slower. A touchpoint inserted meanwhile by
    a concurrent request still violates the unique external_id, as before.
    """
    db.session.execute(insert(Touchpoint), [record.touchpoint for record in pending.values()])
    ids = dict(
        db.session.execute(
            select(Touchpoint.external_id, Touchpoint.id).where(
                Touchpoint.external_id.in_(list(pending))
            )
        ).all()
    )
    invitations: list[dict[str, Any]] = []
    for external_id, record in pending.items():
        record.touchpoint["id"] = ids[external_id]
        for _, row in record.invitations:
            row["touchpoint_id"] = ids[external_id]
            invitations.append(row)
    if not invitations:
        return
    db.session.execute(insert(Invitation), invitations)
    # A touchpoint has at most one invitation per survey: (touchpoint, survey) is a key.
    invitation_ids = {
        (touchpoint_id, survey_id): invitation_id
        for touchpoint_id, survey_id, invitation_id in db.session.execute(
            select(Invitation.touchpoint_id, Invitation.survey_id, Invitation.id).where(
                Invitation.touchpoint_id.in_(list(ids.values()))
            )
        )
    }
    for row in invitations:
        row["id"] = invitation_ids[(row["touchpoint_id"], row["survey_id"])]


def _touchpoint_row(
    event: TouchpointEvent,
    contact: Contact,
    team: Team,
    source: TouchpointSource,
    now: datetime,
) -> dict[str, Any]:
    return {
        "type": event.type,
        "team_id": team.id,
        "contact_id": contact.id,
        "agent": event.agent,
        "occurred_at": event.occurred_at,
        "external_id": event.external_id,
        "source": source,
        "details": event.metadata,
        "created_at": now,
    }


def _invitation_row(
    contact: Contact,
    team: Team,
    survey: Survey,
    send_after: datetime,
    reason: SkipReason | None,
    now: datetime,
) -> dict[str, Any]:
    """Return the row of a scheduled invitation (no token: see the module) or a skipped one."""
    return {
        "survey_id": survey.id,
        "contact_id": contact.id,
        "team_id": team.id,
        "touchpoint_id": None,
        "token_hash": None,
        "status": InvitationStatus.PENDING if reason is None else InvitationStatus.SKIPPED,
        "origin": InvitationOrigin.RULE,
        "skip_reason": None if reason is None else reason.value,
        "locale": contact.locale,
        "send_after": send_after,
        "expires_at": (send_after + timedelta(days=survey.expiry_days) if reason is None else None),
        "created_at": now,
    }


def _outcome(external_id: str, record: _Pending) -> Outcome:
    return Outcome(
        external_id=external_id,
        touchpoint_id=record.touchpoint["id"],
        created=True,
        invitations=tuple(
            InvitationOutcome(
                survey.slug,
                row["id"],
                row["skip_reason"],
                row["send_after"],
                row["expires_at"],
            )
            for survey, row in record.invitations
        ),
    )


def _teams_for(names: Iterable[str]) -> dict[str, Team]:
    """Return the batch's teams by slug, creating the new ones (one query)."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(slugify(name), name.strip())
    teams = {
        team.slug: team
        for team in db.session.scalars(select(Team).where(Team.slug.in_(list(wanted))))
    }
    for slug, name in wanted.items():
        if slug not in teams:
            teams[slug] = Team(slug=slug, name=name[:200])
            db.session.add(teams[slug])
    return teams


def _contacts_for(items: Sequence[tuple[int, TouchpointEvent]]) -> dict[str, Contact]:
    """Return the batch's contacts by email, creating new ones and updating known ones."""
    emails = {event.contact.email for _, event in items}
    # FOR UPDATE: a concurrent batch for the same contact waits here until this one commits,
    # then reads the invitation it scheduled (fatigue, duplicates). Locked in id order so two
    # batches sharing contacts cannot deadlock. SQLite ignores it: it has one writer anyway.
    by_email = {
        c.email: c
        for c in db.session.scalars(
            select(Contact)
            .where(Contact.email.in_(emails))
            .order_by(Contact.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    external_ids = {e.contact.external_id for _, e in items if e.contact.external_id}
    by_external_id = {
        c.external_id: c
        for c in db.session.scalars(
            select(Contact).where(Contact.external_id.in_(list(external_ids)))
        )
    }
    default_locale = str(current_app.config["SURVEY_DEFAULT_LOCALE"])
    errors: list[FieldError] = []
    for index, event in items:
        data = event.contact
        contact = by_email.get(data.email)
        problem = _external_id_conflict(contact, by_external_id.get(data.external_id or ""), data)
        if problem:
            errors.append(FieldError(index, "contact.external_id", problem))
            continue
        if contact is None:
            contact = Contact(email=data.email, locale=data.locale or default_locale)
            db.session.add(contact)
            by_email[data.email] = contact
        # The newest touchpoint knows the contact best: it updates what it states.
        for name in ("name", "locale", "timezone", "segment", "lifecycle_stage", "external_id"):
            value = getattr(data, name)
            if value is not None:
                setattr(contact, name, value)
        if data.external_id:
            by_external_id[data.external_id] = contact
    if errors:
        raise IntakeError(errors)
    return by_email


def _external_id_conflict(
    contact: Contact | None, owner: Contact | None, data: ContactData
) -> str | None:
    """Return why a contact external id cannot go with this email, or None."""
    external_id = data.external_id
    if not external_id:
        return None
    if owner is not None and owner is not contact:
        return "already belongs to a contact with another email"
    if contact is not None and contact.external_id and contact.external_id != external_id:
        return "differs from the external id already stored for this email"
    return None


def _surveys_by_trigger() -> dict[str, list[Survey]]:
    """Return the active surveys each touchpoint type triggers."""
    surveys = db.session.scalars(
        select(Survey).where(Survey.status == SurveyStatus.ACTIVE).order_by(Survey.id)
    )
    by_type: dict[str, list[Survey]] = defaultdict(list)
    for survey in surveys:
        for kind in survey.triggers or ():
            by_type[kind].append(survey)
    return by_type


def _history_for(
    contacts: Iterable[Contact],
    items: Sequence[tuple[int, TouchpointEvent]],
    triggered: dict[str, list[Survey]],
    now: datetime,
) -> dict[str, list[SentInvitation]]:
    """Return, by email, the invitations that the batch's decisions must respect."""
    history: dict[str, list[SentInvitation]] = defaultdict(list)
    known = {c.id: c.email for c in contacts if c.id is not None}
    surveys = [s for _, e in items for s in triggered.get(e.type, ())]
    if not known or not surveys:
        return history
    widest = max(s.fatigue_days for s in surveys)
    earliest = min(min(e.occurred_at for _, e in items), now)
    for contact_id, rows in invitation_history(known, earliest - timedelta(days=widest)).items():
        history[known[contact_id]].extend(rows)
    return history
