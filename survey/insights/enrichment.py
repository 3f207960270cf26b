"""Enrichment: language, sentiment, intents and themes of each completed free-text answer.

Runs in the worker (``survey.insights.channel``) and in ``survey insights rebuild``, never in
the customer's request. Each answer's rows are replaced as a whole, so enriching twice gives
the same rows; ``ANALYZER_VERSION`` tells which answers an improved analysis has not seen.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import and_, delete, func, insert, select, text
from sqlalchemy.orm import aliased

from analysis import intents, sentiment, themes
from analysis.intents import Intent
from survey.database import utcnow
from survey.extensions import db
from survey.insights.models import AnswerEnrichment, AnswerPhrase
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, QuestionKind

logger = logging.getLogger(__name__)

#: Bump when analysis/ changes what it finds: `survey insights rebuild` re-enriches every
#: answer stored with another version.
ANALYZER_VERSION: Final = "2026.11.29-1"
#: Languages the theme finder knows; other answers get sentiment and intents only.
THEME_LANGUAGES: Final = ("en", "es")
#: Longest phrase or theme key stored (the columns' length).
_MAX_PHRASE: Final = 200

_INTENT_COLUMNS: Final = {
    Intent.CHURN: "churn",
    Intent.NOT_HEARD: "not_heard",
    Intent.REPEAT_CONTACT: "repeat_contact",
    Intent.PRAISE_PERSON: "praise_person",
}


@dataclass(frozen=True, slots=True)
class TextAnswer:
    """A free-text answer to enrich, with what its analysis needs."""

    answer_id: int
    response_id: int
    text: str
    locale: str
    nps_score: int | None
    started_at: datetime


def text_answers_of(response_ids: Sequence[int]) -> list[TextAnswer]:
    """Return the non-blank text answers of these responses that are completed."""
    if not response_ids:
        return []
    return _text_answers(Answer.response_id.in_(response_ids))


def _text_answers(*conditions: Any, limit: int | None = None) -> list[TextAnswer]:
    score = nps_score_of(Answer.response_id)
    rows = db.session.execute(
        select(
            Answer.id,
            Answer.response_id,
            Answer.text_value,
            Response.locale,
            score,
            Response.started_at,
        )
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .where(*_enrichable(), *conditions)
        .order_by(Answer.id)
        .limit(limit)
    ).all()
    return [
        TextAnswer(answer_id, response_id, text_value, locale, _score(score), started_at)
        for answer_id, response_id, text_value, locale, score, started_at in rows
    ]


def nps_scores(*conditions: Any) -> Any:
    """Return SELECT response_id, score: each response's NPS answer (the lowest if several).

    ``conditions`` narrow the answers read (say, to one day's responses): without them the
    whole answer table is grouped.
    """
    return (
        select(
            Answer.response_id.label("response_id"), func.min(Answer.number_value).label("score")
        )
        .join(Question, Question.id == Answer.question_id)
        .where(Question.kind == QuestionKind.NPS, Answer.number_value.is_not(None), *conditions)
        .group_by(Answer.response_id)
    )


def nps_score_of(response_id: Any) -> Any:
    """Return the NPS answer of the response a column names, as a correlated subquery.

    Looked up per row through the answer's (response, question) index: for pages of rows.
    """
    scored = aliased(Answer)
    question = aliased(Question)
    return (
        select(func.min(scored.number_value))
        .join(question, question.id == scored.question_id)
        .where(scored.response_id == response_id, question.kind == QuestionKind.NPS)
        .scalar_subquery()
    )


def _score(value: Decimal | float | None) -> int | None:
    return None if value is None else int(value)


def enrich_responses(response_ids: Sequence[int]) -> int:
    """Replace the enrichment of these responses' text answers; return answers enriched.

    Answers that are gone or blank (erased) lose their enrichment. The caller commits.
    """
    if not response_ids:
        return 0
    answers = text_answers_of(response_ids)
    enriched = select(AnswerEnrichment.answer_id).where(
        AnswerEnrichment.response_id.in_(response_ids)
    )
    db.session.execute(delete(AnswerPhrase).where(AnswerPhrase.answer_id.in_(enriched)))
    db.session.execute(
        delete(AnswerEnrichment).where(AnswerEnrichment.response_id.in_(response_ids))
    )
    store_enrichment(answers, processes=1)
    return len(answers)


def forget_answers(answer_ids: Sequence[int]) -> None:
    """Delete the enrichment and phrases of these answers (before enriching them again)."""
    if answer_ids:
        db.session.execute(delete(AnswerPhrase).where(AnswerPhrase.answer_id.in_(answer_ids)))
        db.session.execute(
            delete(AnswerEnrichment).where(AnswerEnrichment.answer_id.in_(answer_ids))
        )


def store_enrichment(answers: Sequence[TextAnswer], *, processes: int | None = None) -> None:
    """Analyse the answers and insert their enrichment and phrases (none may exist yet).

    ``processes``: worker processes for sentiment (None: one per core, for big batches).
    """
    if not answers:
        return
    texts = [answer.text for answer in answers]
    fallbacks = [_supported(answer.locale) for answer in answers]
    # analyze_many takes one fallback for the batch: group by the customers' languages.
    found: dict[int, sentiment.Sentiment] = {}
    for fallback in sorted(set(fallbacks), key=str):
        indexes = [i for i, code in enumerate(fallbacks) if code == fallback]
        scored = sentiment.analyze_many(
            [texts[i] for i in indexes], fallback=fallback, processes=processes
        )
        found.update(zip(indexes, scored, strict=True))
    feelings = [found[i] for i in range(len(answers))]
    languages = [
        _theme_language(s.language, answer.locale)
        for s, answer in zip(feelings, answers, strict=True)
    ]
    statements = intents.detect_many(texts, languages)
    now = utcnow()
    enrichment_rows = []
    phrase_rows = []
    for answer, feeling, language, said in zip(
        answers, feelings, languages, statements, strict=True
    ):
        enrichment_rows.append(_enrichment_row(answer, feeling, said, now))
        if language is not None:
            phrase_rows.extend(_phrase_rows(answer, language, feeling.polarity))
    db.session.execute(insert(AnswerEnrichment), enrichment_rows)
    if phrase_rows:
        db.session.execute(insert(AnswerPhrase), phrase_rows)
    _index_for_search([answer.answer_id for answer in answers])


def _enrichment_row(
    answer: TextAnswer, feeling: sentiment.Sentiment, said: frozenset[Intent], now: Any
) -> dict[str, Any]:
    mismatch = answer.nps_score is not None and sentiment.contradicts(answer.nps_score, feeling)
    row: dict[str, Any] = {
        "answer_id": answer.answer_id,
        "response_id": answer.response_id,
        "started_at": answer.started_at,
        "language": feeling.language,
        "polarity": float(feeling.polarity),
        "label": feeling.label,
        "confident": feeling.confident,
        "mismatch": mismatch,
        "analyzer_version": ANALYZER_VERSION,
        "enriched_at": now,
        "search_vector": None,
    }
    for intent, column in _INTENT_COLUMNS.items():
        row[column] = intent in said
    return row


def _phrase_rows(answer: TextAnswer, language: str, polarity: float) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for mention in themes.mentions(answer.text, language, polarity=polarity):
        theme = mention.theme[:_MAX_PHRASE]
        # Keys are cut to the column's length: two long keys may meet; keep the first.
        rows.setdefault(
            theme,
            {
                "answer_id": answer.answer_id,
                "theme": theme,
                "phrase": mention.phrase[:_MAX_PHRASE],
                "polarity": float(mention.polarity),
            },
        )
    return list(rows.values())


def _supported(locale: str | None) -> str | None:
    return locale if locale in THEME_LANGUAGES else None


def _theme_language(detected: str, locale: str) -> str | None:
    if detected in THEME_LANGUAGES:
        return detected
    return _supported(locale)


#: PostgreSQL: Spanish and English stems both, so a search finds an answer whatever language
#: the detector chose (and a query in either language).
_PG_SEARCH_VECTOR = text(
    """
    UPDATE answer_enrichment AS e
    SET search_vector = to_tsvector('spanish', a.text_value) || to_tsvector('english', a.text_value)
    FROM answer AS a
    WHERE a.id = e.answer_id AND e.answer_id = ANY(:ids)
    """
)


def _index_for_search(answer_ids: list[int]) -> None:
    """Make the answers findable: a tsvector on PostgreSQL (SQLite's FTS5 has a trigger)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(_PG_SEARCH_VECTOR, {"ids": answer_ids})


def _enrichable() -> list[Any]:
    """Conditions on Answer, Question and Response: a non-blank text answer, completed."""
    return [
        Question.kind == QuestionKind.TEXT,
        Response.completed_at.is_not(None),
        func.length(func.trim(Answer.text_value)) > 0,
    ]


def _stale(since: datetime | None) -> list[Any]:
    """Conditions choosing answers whose enrichment is missing or of another version."""
    current = and_(
        AnswerEnrichment.answer_id == Answer.id,
        AnswerEnrichment.analyzer_version == ANALYZER_VERSION,
    )
    conditions: list[Any] = [~select(AnswerEnrichment.answer_id).where(current).exists()]
    if since is not None:
        conditions.append(Response.started_at >= since)
    return conditions


def stale_text_answers(
    after_id: int, limit: int, since: datetime | None = None, survey_id: int | None = None
) -> list[TextAnswer]:
    """Return up to ``limit`` stale text answers with ids above ``after_id`` (keyset order)."""
    conditions = [Answer.id > after_id, *_stale(since)]
    if survey_id is not None:
        conditions.append(Response.survey_id == survey_id)
    return _text_answers(*conditions, limit=limit)


def not_text_enrichment(survey_id: int) -> Any:
    """Return SELECT answer_id: enriched answers of a survey whose question is no longer text."""
    return (
        select(AnswerEnrichment.answer_id)
        .join(Answer, Answer.id == AnswerEnrichment.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.survey_id == survey_id, Question.kind != QuestionKind.TEXT)
    )


def count_stale_text_answers(since: datetime | None = None) -> int:
    """Count the text answers `survey insights rebuild` has to enrich."""
    return int(
        db.session.scalar(
            select(func.count(Answer.id))
            .join(Question, Question.id == Answer.question_id)
            .join(Response, Response.id == Answer.response_id)
            .where(*_enrichable(), *_stale(since))
        )
        or 0
    )
