"""Saving answers exactly once, whatever the network, the browser or the scanners do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import Insert, Select, bindparam, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationStatus
from survey.distribution.services import opened_by_digest
from survey.distribution.tokens import hash_token, looks_like_token
from survey.extensions import db
from survey.responding.models import Answer, Response
from survey.signals import response_completed, score_saved
from survey.surveys.definitions import QuestionDefinition, SurveyDefinition, survey_definition
from survey.surveys.models import SCALES, QuestionKind, Survey

#: User agents of link scanners and HTTP libraries: a person does not open a survey with these.
SCANNER_AGENTS = re.compile(
    r"barracuda|proofpoint|mimecast|symantec|messagelabs|trend ?micro|forcepoint|sophos|"
    r"safelinks|bingpreview|microsoft office|ms-office|google-safety|googleimageproxy|"
    r"headlesschrome|phantomjs|python-requests|python-urllib|aiohttp|curl/|wget/|go-http-client|"
    r"java/|okhttp|libwww-perl|scanner|crawler|spider|bot\b",
    re.IGNORECASE,
)


class LinkState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    UNKNOWN = "unknown"  # no such token: 404
    GONE = "gone"  # expired or erased: 410


@dataclass(frozen=True)
class ClientInfo:
    """What the request tells about the device, kept for integrity checks."""

    ip_address: str | None
    user_agent: str | None

    @property
    def looks_automated(self) -> bool:
        return not self.user_agent or bool(SCANNER_AGENTS.search(self.user_agent))


@dataclass(frozen=True, slots=True)
class InvitationRef:
    """What the respondent pages need of an invitation (a plain row, not an ORM object)."""

    id: int
    survey_id: int
    team_id: int | None
    locale: str
    sent_at: datetime | None
    expires_at: datetime | None
    erased_at: datetime | None

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationRef:
        """Return the reference for a loaded invitation."""
        return cls(*(getattr(invitation, name) for name in cls.__slots__))


@dataclass(frozen=True)
class OpenedLink:
    """The result of opening a survey link."""

    state: LinkState
    invitation: InvitationRef | None = None
    survey: SurveyDefinition | None = None


class SaveOutcome(StrEnum):
    SAVED = "saved"
    ALREADY_COMPLETED = "already_completed"


def open_link(token: str, now: datetime | None = None) -> OpenedLink:
    """Return what a survey link leads to, without writing anything."""
    if not looks_like_token(token):
        return OpenedLink(LinkState.UNKNOWN)
    # One query for the invitation, whether it was answered and the survey's version; the
    # questions come from the per-process snapshot of that version. Plain columns, no ORM
    # objects: this runs on every survey page view and submission.
    row = db.session.execute(_open_link_statement(), {"digest": hash_token(token)}).first()
    if row is None:
        return OpenedLink(LinkState.UNKNOWN)
    *fields, completed_at, version = row
    invitation = InvitationRef(*fields)
    if invitation.erased_at is not None:
        return OpenedLink(LinkState.GONE)
    survey = survey_definition(invitation.survey_id, version)
    if completed_at is not None:
        state = LinkState.COMPLETED
    elif invitation.expires_at is not None and invitation.expires_at <= (now or utcnow()):
        state = LinkState.GONE
    else:
        state = LinkState.OPEN
    return OpenedLink(state, invitation, survey)


@cache
def _open_link_statement() -> Select[Any]:
    """Return the open-link query, built once: it runs on every survey page and submission."""
    return (
        select(
            *(getattr(Invitation, name) for name in InvitationRef.__slots__),
            Response.completed_at,
            Survey.version,
        )
        .join(Survey, Survey.id == Invitation.survey_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(opened_by_digest(bindparam("digest")))
    )


def is_suspected_scanner(
    invitation: InvitationRef, client: ClientInfo, now: datetime, window: int
) -> bool:
    """Return whether a save looks like a mail scanner rather than a person."""
    if client.looks_automated:
        return True
    sent_at = invitation.sent_at
    return sent_at is not None and now - sent_at <= timedelta(seconds=window)


def save_preselected_score(
    invitation: InvitationRef,
    survey: SurveyDefinition,
    score: int,
    client: ClientInfo,
    *,
    scanner_window: int,
    now: datetime | None = None,
) -> SaveOutcome:
    """Record the NPS score chosen in the email as a partial response (one transaction)."""
    now = now or utcnow()
    question = survey.question_of_kind(QuestionKind.NPS)
    if question is None:
        raise LookupError("this survey has no NPS question")
    suspect = is_suspected_scanner(invitation, client, now, scanner_window)
    response, created = _claim_response(invitation, client, now, suspected_scanner=suspect)
    if response.completed_at is not None:
        db.session.rollback()
        return SaveOutcome.ALREADY_COMPLETED
    if not created and response.suspected_scanner and not suspect:
        response.suspected_scanner = False
        response.confirmed_at = now
    response.updated_at = now
    _replace_answers(response.id, {question.id: (Decimal(score), None)}, now)
    score_saved.send(response_id=response.id, saved_at=now)
    db.session.commit()
    return SaveOutcome.SAVED


def submit_answers(
    invitation: InvitationRef,
    survey: SurveyDefinition,
    values: dict[str, str | None],
    client: ClientInfo,
    now: datetime | None = None,
) -> SaveOutcome:
    """Complete the invitation's response with the form's answers, exactly once."""
    now = now or utcnow()
    completion = {
        "completed_at": now,
        "updated_at": now,
        "suspected_scanner": False,
        "confirmed_at": now,
        "ip_address": client.ip_address,
        "user_agent": _clip(client.user_agent, 400),
    }
    stored = {
        q.id: _stored_value(q, values.get(q.key))
        for q in survey.questions
        if values.get(q.key) not in (None, "")
    }
    if db.engine.dialect.name == "postgresql":
        response_id = _store_fresh_response_postgresql(invitation, stored, now, completion)
        if response_id is not None:
            return _finish_completion(response_id, now)
    # Most forms arrive with no score saved before: one INSERT stores the completed response.
    response_id = _insert_response(invitation, now, **completion)
    created = response_id is not None
    if response_id is None:
        # The row exists: complete it only if still partial. The UPDATE's row lock (and
        # PostgreSQL's re-check of the WHERE after it) lets exactly one concurrent post win.
        response_id = db.session.execute(
            update(Response)
            .where(Response.invitation_id == invitation.id, Response.completed_at.is_(None))
            .values(**completion)
            .returning(Response.id)
            .execution_options(synchronize_session=False)
        ).scalar()
    if response_id is None:
        db.session.rollback()
        return SaveOutcome.ALREADY_COMPLETED
    if not created:
        _delete_answers(response_id, stored)
    _insert_answers(response_id, stored, now)
    invitations = Invitation.__table__
    db.session.execute(
        invitations.update()
        .where(invitations.c.id == invitation.id)
        .values(status=InvitationStatus.ANSWERED)
    )
    return _finish_completion(response_id, now)


def _finish_completion(response_id: int, now: datetime) -> SaveOutcome:
    # Subscribers (webhooks) write in this transaction: the response and what announces it
    # are committed together or not at all.
    response_completed.send(response_id=response_id, completed_at=now)
    db.session.commit()
    return SaveOutcome.SAVED


#: PostgreSQL: the completed response, its answers and the invitation's new status in one
#: statement (one round trip instead of three). Data-modifying CTEs all run even when the
#: final SELECT does not read them; when the response already exists ``r`` is empty, nothing
#: else is written, and the caller falls back to completing the partial response.
_FRESH_RESPONSE_POSTGRESQL = text(
    """
    WITH r AS (
        INSERT INTO response (invitation_id, survey_id, team_id, locale, started_at,
                              updated_at, completed_at, suspected_scanner, confirmed_at,
                              ip_address, user_agent)
        VALUES (:invitation_id, :survey_id, :team_id, :locale, :now, :now, :now, false, :now,
                :ip_address, :user_agent)
        ON CONFLICT (invitation_id) DO NOTHING
        RETURNING id
    ), a AS (
        INSERT INTO answer (response_id, question_id, number_value, text_value, created_at)
        SELECT r.id, v.question_id, v.number_value, v.text_value, :now
        FROM r, unnest(CAST(:question_ids AS integer[]), CAST(:numbers AS numeric[]),
                       CAST(:texts AS text[])) AS v(question_id, number_value, text_value)
    ), u AS (
        UPDATE invitation SET status = :answered
        WHERE id = :invitation_id AND EXISTS (SELECT 1 FROM r)
    )
    SELECT id FROM r
    """
)


def _store_fresh_response_postgresql(
    invitation: InvitationRef,
    stored: dict[int, tuple[Decimal | None, str | None]],
    now: datetime,
    completion: dict[str, object],
) -> int | None:
    """Store a completed response with its answers unless one exists; return its id or None."""
    return db.session.execute(
        _FRESH_RESPONSE_POSTGRESQL,
        {
            "invitation_id": invitation.id,
            "survey_id": invitation.survey_id,
            "team_id": invitation.team_id,
            "locale": invitation.locale,
            "now": now,
            "ip_address": completion["ip_address"],
            "user_agent": completion["user_agent"],
            "question_ids": list(stored),
            "numbers": [number for number, _ in stored.values()],
            "texts": [text_value for _, text_value in stored.values()],
            "answered": InvitationStatus.ANSWERED.value,
        },
    ).scalar()


def _insert_response(invitation: InvitationRef, now: datetime, **values: object) -> int | None:
    """INSERT the invitation's response unless one exists; return its id, or None if it did.

    The INSERT comes first on purpose: on SQLite it takes the write lock before anything is
    read, and on PostgreSQL the unique invitation_id makes concurrent inserts collapse into
    one row (the losers wait for the winner's commit, then insert nothing).
    """
    row = {
        "invitation_id": invitation.id,
        "survey_id": invitation.survey_id,
        "team_id": invitation.team_id,
        "locale": invitation.locale,
        "started_at": now,
        "updated_at": now,
        **values,
    }
    return db.session.execute(_response_upsert(db.engine.dialect.name), row).scalar()


@cache
def _response_upsert(dialect: str) -> Insert:
    """Return INSERT ... ON CONFLICT DO NOTHING RETURNING id, built once per dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Response.__table__
    return (
        insert(table).on_conflict_do_nothing(index_elements=["invitation_id"]).returning(table.c.id)
    )


def _claim_response(
    invitation: InvitationRef, client: ClientInfo, now: datetime, *, suspected_scanner: bool
) -> tuple[Response, bool]:
    """Insert the invitation's response if missing, then lock and return it.

    SELECT ... FOR UPDATE after :func:`_insert_response` serialises concurrent saves.
    """
    created = _insert_response(
        invitation,
        now,
        suspected_scanner=suspected_scanner,
        ip_address=client.ip_address,
        user_agent=_clip(client.user_agent, 400),
    )
    response = db.session.scalars(
        select(Response)
        .where(Response.invitation_id == invitation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return response, created is not None


def _replace_answers(
    response_id: int, stored: dict[int, tuple[Decimal | None, str | None]], now: datetime
) -> None:
    _delete_answers(response_id, stored)
    _insert_answers(response_id, stored, now)


def _delete_answers(response_id: int, stored: dict[int, tuple[Decimal | None, str | None]]) -> None:
    if stored:
        db.session.execute(
            delete(Answer).where(Answer.response_id == response_id, Answer.question_id.in_(stored)),
            execution_options={"synchronize_session": False},
        )


def _insert_answers(
    response_id: int, stored: dict[int, tuple[Decimal | None, str | None]], now: datetime
) -> None:
    # One multi-row statement through Core: the unit of work would flush one INSERT per answer.
    if stored:
        db.session.execute(
            Answer.__table__.insert(),
            [
                {
                    "response_id": response_id,
                    "question_id": question_id,
                    "number_value": number,
                    "text_value": text,
                    "created_at": now,
                }
                for question_id, (number, text) in stored.items()
            ],
        )


def _stored_value(
    question: QuestionDefinition, raw: str | None
) -> tuple[Decimal | None, str | None]:
    assert raw is not None
    if question.kind in SCALES:
        return Decimal(int(raw)), None
    return None, raw.strip() if question.kind is QuestionKind.TEXT else raw


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value else value
