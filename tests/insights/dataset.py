"""Seeded random customers and answers through the real services, and a recount in Python.

The recount reads the raw rows (ORM objects, no aggregate SQL) and counts them the way the
rollups are documented to: it is the independent truth the rollups and queries must equal.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey.contacts.models import Contact
from survey.distribution.intake import record_touchpoints
from survey.distribution.models import Invitation, InvitationStatus, Touchpoint, TouchpointSource
from survey.extensions import db
from survey.insights.filters import DashboardFilter
from survey.insights.models import DAILY_COUNTS, AnswerEnrichment, AnswerPhrase
from survey.responding.models import Answer, Response
from survey.responding.services import (
    ClientInfo,
    InvitationRef,
    save_preselected_score,
    submit_answers,
)
from survey.surveys.definitions import survey_definition
from survey.surveys.models import Question, QuestionKind, Survey
from survey.surveys.services import ensure_default_survey
from tests.insights.factories import BROWSER
from tests.touchpoint_factories import checked, event

NOW = datetime(2026, 3, 2, 14, 10, tzinfo=UTC)
MADRID = ZoneInfo("Europe/Madrid")
SCANNER = ClientInfo("127.0.0.1", "Mozilla/5.0 (compatible; Barracuda Sentinel)")
TEAMS = ("Soporte N1", "Ventas", "Campo")
AGENTS = ("lucia", "marco", "ana")
COMMENTS = (
    "Nadie me escuchó y es la tercera vez que llamo. Me voy a dar de baja.",
    "Lucía fue muy amable y resolvió la factura en cinco minutos.",
    "El tiempo de espera fue horrible, pero el técnico fue excelente.",
    "La factura llegó duplicada otra vez.",
    "Todo perfecto, gracias.",
    "The agent was very helpful and fixed my invoice quickly.",
    "Third time I call and the invoice is still wrong. I'm cancelling.",
    "Long wait time, nobody listened to me.",
    "Great service from Mark, thanks!",
    '<script>alert(1)</script> "><img src=x onerror=alert(1)> {{7*7}} </script> la factura',
)


def make_touchpoints(rng: random.Random, count: int, start: int = 0) -> list[int]:
    """Record ``count`` support touchpoints for new contacts; return their invitation ids."""
    raw = []
    for number in range(start, start + count):
        contact: dict[str, Any] = {
            "email": f"customer{number}@example.com",
            "locale": rng.choice(["es", "es", "en"]),
        }
        for name, choices in (
            ("segment", ["pyme", "grande"]),
            ("lifecycle_stage", ["nuevo", "fiel"]),
        ):
            value = rng.choice([None, *choices])
            if value is not None:
                contact[name] = value
        raw.append(event(number, team=rng.choice(TEAMS), agent=rng.choice(AGENTS), contact=contact))
    outcomes = record_touchpoints(checked(*raw, now=NOW), TouchpointSource.API, now=NOW)
    return [o.invitations[0].invitation_id for o in outcomes if o.invitations]


def mark_sent(invitation_id: int, sent_at: datetime) -> None:
    """Do what the mail worker does when it sends (status and time); commit."""
    invitation = db.session.get(Invitation, invitation_id)
    assert invitation is not None
    invitation.status = InvitationStatus.SENT
    invitation.sent_at = sent_at
    db.session.commit()


def _reference(invitation_id: int) -> tuple[InvitationRef, Any]:
    invitation = db.session.get(Invitation, invitation_id, populate_existing=True)
    assert invitation is not None
    survey = db.session.get(Survey, invitation.survey_id, populate_existing=True)
    assert survey is not None
    return InvitationRef.of(invitation), survey_definition(survey.id, survey.version)


def complete(invitation_id: int, values: dict[str, str | None], now: datetime) -> None:
    """Submit the whole survey for an invitation through the responding service."""
    ref, definition = _reference(invitation_id)
    submit_answers(ref, definition, values, BROWSER, now=now)


def score(invitation_id: int, value: int, now: datetime, client: ClientInfo = BROWSER) -> None:
    """Save a score from the email (a scanner when ``client`` is SCANNER)."""
    ref, definition = _reference(invitation_id)
    save_preselected_score(ref, definition, value, client, scanner_window=10, now=now)


def random_values(rng: random.Random, definition: Any) -> dict[str, str | None]:
    """Return form values for the survey's current questions (some left blank)."""
    values: dict[str, str | None] = {}
    for question in definition.questions:
        kind = question.kind
        if kind is QuestionKind.NPS:
            values[question.key] = str(rng.randint(0, 10))
        elif kind is QuestionKind.CES and rng.random() < 0.8:
            values[question.key] = str(rng.randint(1, 7))
        elif kind is QuestionKind.CSAT and rng.random() < 0.8:
            values[question.key] = str(rng.randint(1, 5))
        elif kind is QuestionKind.HEARD and rng.random() < 0.8:
            values[question.key] = rng.choice(["yes", "partly", "no"])
        elif kind is QuestionKind.TEXT and rng.random() < 0.7:
            values[question.key] = rng.choice(COMMENTS)
    return values


def answer_randomly(rng: random.Random, invitation_id: int, moment: datetime) -> None:
    """Complete, save a score, or click like a scanner, at random."""
    roll = rng.random()
    if roll < 0.6:
        _, definition = _reference(invitation_id)
        complete(invitation_id, random_values(rng, definition), moment)
    elif roll < 0.8:
        score(invitation_id, rng.randint(0, 10), moment)
    else:
        score(invitation_id, rng.randint(0, 10), moment, SCANNER)


def build(seed: int, count: int = 30) -> None:
    """Customers over three weeks: sent, answered in every way, some never."""
    rng = random.Random(seed)
    ensure_default_survey()
    for invitation_id in make_touchpoints(rng, count):
        if rng.random() < 0.15:
            continue  # never sent
        sent_at = NOW + timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
        mark_sent(invitation_id, sent_at)
        if rng.random() < 0.8:
            answer_randomly(rng, invitation_id, sent_at + timedelta(minutes=rng.randint(1, 600)))


# The recount ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """Everything the rollups are made of, as plain Python values."""

    daily: dict[tuple[Any, ...], dict[str, float]]
    phrases: dict[tuple[Any, ...], list[float]]
    agents: dict[tuple[Any, ...], list[int]]
    #: (started_at, answer id, key) of every enriched text of a counted response
    comments: list[tuple[datetime, int, tuple[Any, ...]]]


def _category(value: int | None) -> str:
    if value is None:
        return "none"
    return "promoter" if value >= 9 else "passive" if value >= 7 else "detractor"


def recount(timezone: ZoneInfo = MADRID) -> Raw:
    """Count the raw rows in Python."""
    daily: dict[tuple[Any, ...], dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(DAILY_COUNTS, 0)
    )
    phrases: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0.0])
    agents: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    comments: list[tuple[datetime, int, tuple[Any, ...]]] = []
    for invitation in db.session.scalars(select(Invitation)):
        if invitation.sent_at is None:
            continue
        key = _key(
            invitation.sent_at,
            invitation.survey_id,
            invitation.team_id,
            invitation,
            invitation.locale,
            timezone,
        )
        daily[key]["invited"] += 1
    kinds = {row[0]: row[1] for row in db.session.execute(select(Question.id, Question.kind))}
    for response in db.session.scalars(select(Response)):
        if response.suspected_scanner:
            continue
        invitation = db.session.get(Invitation, response.invitation_id)
        assert invitation is not None
        key = _key(
            response.started_at,
            response.survey_id,
            response.team_id,
            invitation,
            response.locale,
            timezone,
        )
        row = daily[key]
        row["responses"] += 1
        answers = list(db.session.scalars(select(Answer).where(Answer.response_id == response.id)))
        scores = [
            int(a.number_value)
            for a in answers
            if kinds[a.question_id] is QuestionKind.NPS and a.number_value is not None
        ]
        nps = min(scores) if scores else None
        for item in answers:
            _count_answer(row, kinds[item.question_id], item)
        _count_texts(row, response, key, nps, phrases, comments)
        touchpoint = (
            db.session.get(Touchpoint, invitation.touchpoint_id)
            if invitation.touchpoint_id
            else None
        )
        if nps is not None and touchpoint is not None and touchpoint.agent is not None:
            position = {"promoter": 0, "passive": 1, "detractor": 2}[_category(nps)]
            agents[(*key, touchpoint.agent)][position] += 1
    return Raw(dict(daily), dict(phrases), dict(agents), comments)


def _count_texts(
    row: dict[str, float],
    response: Response,
    key: tuple[Any, ...],
    nps: int | None,
    phrases: dict[tuple[Any, ...], list[float]],
    comments: list[tuple[datetime, int, tuple[Any, ...]]],
) -> None:
    """Count a response's enriched texts, their phrases, and list them as comments."""
    for enrichment in db.session.scalars(
        select(AnswerEnrichment).where(AnswerEnrichment.response_id == response.id)
    ):
        row["texts"] += 1
        row["polarity_sum"] += enrichment.polarity
        row["negatives"] += enrichment.label == "negative"
        row["mismatches"] += enrichment.mismatch
        for name in ("churn", "not_heard", "repeat_contact", "praise_person"):
            row[name] += getattr(enrichment, name)
        if nps is not None:
            row[f"text_{_category(nps)}s"] += 1
        comments.append((response.started_at, enrichment.answer_id, key))
        for phrase in db.session.scalars(
            select(AnswerPhrase).where(AnswerPhrase.answer_id == enrichment.answer_id)
        ):
            tally = phrases[(*key, _category(nps), phrase.theme, phrase.phrase)]
            tally[0] += 1
            tally[1] += phrase.polarity


def _key(
    moment: datetime,
    survey_id: int,
    team_id: int | None,
    invitation: Invitation,
    language: str,
    timezone: ZoneInfo,
) -> tuple[Any, ...]:
    contact = db.session.get(Contact, invitation.contact_id)
    assert contact is not None
    touchpoint = (
        db.session.get(Touchpoint, invitation.touchpoint_id) if invitation.touchpoint_id else None
    )
    return (
        moment.astimezone(timezone).date(),
        survey_id,
        team_id,
        None if touchpoint is None else touchpoint.type,
        contact.segment,
        contact.lifecycle_stage,
        language,
    )


def _count_answer(row: dict[str, float], kind: QuestionKind, item: Answer) -> None:
    number = None if item.number_value is None else int(item.number_value)
    if kind is QuestionKind.NPS and number is not None:
        row[
            {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}[
                _category(number)
            ]
        ] += 1
    elif kind is QuestionKind.CES and number is not None:
        row[f"ces_{number}"] += 1
    elif kind is QuestionKind.CSAT and number is not None:
        row[f"csat_{number}"] += 1
    elif kind is QuestionKind.HEARD and item.text_value in ("yes", "partly", "no"):
        row[f"heard_{item.text_value}"] += 1


def matches(key: tuple[Any, ...], f: DashboardFilter) -> bool:
    """Return whether a rollup key falls under a dashboard filter."""
    day, survey_id, team_id, touchpoint_type, segment, stage, language = key[:7]
    checks = (
        f.date_from <= day <= f.date_to,
        f.survey_id in (None, survey_id),
        f.team_ids is None or team_id in f.team_ids,
        f.touchpoint_type in (None, touchpoint_type),
        f.segment in (None, segment),
        f.lifecycle_stage in (None, stage),
        f.language in (None, language),
    )
    return all(checks)


def totals_under(
    raw: Raw, f: DashboardFilter, keys: Iterable[tuple[Any, ...]] | None = None
) -> dict[str, float]:
    """Sum the recount's daily counts under a filter."""
    summed = dict.fromkeys(DAILY_COUNTS, 0.0)
    for key, row in raw.daily.items():
        if matches(key, f) and (keys is None or key in keys):
            for name, value in row.items():
                summed[name] += value
    return summed
