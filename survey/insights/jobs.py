"""Queueing insight work: what to enrich and which rollup days to recount.

Jobs are added to the caller's session and committed with the change they follow, or not at
all (the signal contract in survey.signals). Besides the signals, a flush listener notices
ORM changes that alter figures (an erased response or answer, a question deleted or given
another kind, a contact moved to another segment) so no editing service has to remember.
Bulk statements bypass the ORM: code erasing with them calls :func:`queue_responses` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from survey import signals
from survey.contacts.models import Contact
from survey.distribution.models import Invitation
from survey.extensions import db
from survey.insights.models import InsightJob
from survey.insights.rollups import InsightSettings
from survey.responding.models import Answer, Response
from survey.surveys.models import Question


def _settings() -> InsightSettings:
    return InsightSettings.from_config(current_app.config)


def _job(response_id: int | None, survey_id: int | None, day: date | None) -> InsightJob:
    return InsightJob(response_id=response_id, survey_id=survey_id, day=day)


def queue_responses(response_ids: Iterable[int], session: Session | None = None) -> int:
    """Queue enrichment and a recount for each response (before erasing it, or after a change)."""
    current: Any = session or db.session
    wanted = sorted(set(response_ids))
    if not wanted:
        return 0
    settings = _settings()
    rows = current.execute(
        select(Response.id, Response.survey_id, Response.started_at).where(Response.id.in_(wanted))
    ).all()
    current.add_all(
        _job(response_id, survey_id, settings.day_of(started_at))
        for response_id, survey_id, started_at in rows
    )
    return len(rows)


def queue_day(survey_id: int, day: date, session: Session | None = None) -> None:
    """Queue a recount of one survey's local day."""
    (session or db.session).add(_job(None, survey_id, day))


def queue_survey(survey_id: int, session: Session | None = None) -> None:
    """Queue enrichment of a survey's answers and a recount of all its days."""
    (session or db.session).add(_job(None, survey_id, None))


def on_response_changed(_sender: Any, *, response_id: int, **_details: Any) -> None:
    """Queue work for a completed response (or a saved score) in the saving transaction."""
    queue_responses([response_id])


def _response_of(session: Session, answer: Answer) -> tuple[int, int, datetime] | None:
    if answer.response_id is None:
        return None
    row = session.execute(
        select(Response.id, Response.survey_id, Response.started_at).where(
            Response.id == answer.response_id
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def _jobs_for_flush(session: Session) -> list[InsightJob]:
    settings = _settings()
    jobs: list[InsightJob] = []
    for obj in session.deleted:
        jobs.extend(_jobs_for_deleted(session, obj, settings))
    for obj in session.dirty:
        if session.is_modified(obj):
            jobs.extend(_jobs_for_changed(session, obj, settings))
    return jobs


def _jobs_for_deleted(session: Session, obj: object, settings: InsightSettings) -> list[InsightJob]:
    if isinstance(obj, Response) and obj.started_at is not None:
        return [_job(obj.id, obj.survey_id, settings.day_of(obj.started_at))]
    if isinstance(obj, Answer):
        return _answer_jobs(session, obj, settings)
    if isinstance(obj, Question) and obj.survey_id is not None:
        return [_job(None, obj.survey_id, None)]
    if isinstance(obj, Contact):
        return _contact_jobs(session, obj.id, settings)
    return []


def _jobs_for_changed(session: Session, obj: object, settings: InsightSettings) -> list[InsightJob]:
    if isinstance(obj, Answer) and _changed(obj, "text_value", "number_value", "question_id"):
        return _answer_jobs(session, obj, settings)
    if isinstance(obj, Question) and _changed(obj, "kind"):
        return [_job(None, obj.survey_id, None)]
    if isinstance(obj, Contact) and _changed(obj, "segment", "lifecycle_stage"):
        return _contact_jobs(session, obj.id, settings)
    if isinstance(obj, Response) and _changed(obj, "suspected_scanner", "team_id"):
        return [_job(obj.id, obj.survey_id, settings.day_of(obj.started_at))]
    return []


def _answer_jobs(session: Session, answer: Answer, settings: InsightSettings) -> list[InsightJob]:
    found = _response_of(session, answer)
    if found is None:
        return []
    return [_job(found[0], found[1], settings.day_of(found[2]))]


def _changed(obj: Any, *names: str) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _contact_jobs(session: Session, contact_id: int, settings: InsightSettings) -> list[InsightJob]:
    """A contact's responses and the days their invitations were sent."""
    jobs = [
        _job(response_id, survey_id, settings.day_of(started_at))
        for response_id, survey_id, started_at in session.execute(
            select(Response.id, Response.survey_id, Response.started_at)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .where(Invitation.contact_id == contact_id)
        )
    ]
    sends: list[Any] = list(
        session.execute(
            select(Invitation.survey_id, Invitation.sent_at).where(
                Invitation.contact_id == contact_id, Invitation.sent_at.is_not(None)
            )
        )
    )
    jobs.extend(_job(None, survey_id, settings.day_of(sent_at)) for survey_id, sent_at in sends)
    return jobs


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Queue insight jobs for ORM changes that alter stored figures."""
    if not (session.deleted or session.dirty):
        return
    # Outside an app (a bare script's session) nothing is queued: there is no worker.
    if not current_app:
        return
    with session.no_autoflush:
        session.add_all(_jobs_for_flush(session))


def register(app: Flask) -> None:
    """Subscribe insights to the domain signals and to ORM changes (idempotent)."""
    del app  # receivers act in whichever app sends; connecting twice changes nothing
    signals.response_completed.connect(on_response_changed, weak=False)
    signals.score_saved.connect(on_response_changed, weak=False)
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
