"""Looking up surveys, setting up the default one, and editing questions."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.surveys.defaults import (
    DEFAULT_QUESTIONS,
    DEFAULT_SURVEY_SLUG,
    DEFAULT_SURVEY_TITLE,
    DEFAULT_SURVEY_TRIGGERS,
)
from survey.surveys.models import Question, QuestionKind, Survey, SurveyStatus

__all__ = [
    "DEFAULT_SURVEY_SLUG",
    "SurveyError",
    "ensure_default_survey",
    "get_survey",
    "reword_question",
]

log = logging.getLogger(__name__)


class SurveyError(ValueError):
    """A survey edit that cannot be made; the message says why."""


def get_survey(slug: str) -> Survey | None:
    """Return the survey with this slug, or None. Reads only: it never creates a survey."""
    return db.session.scalar(select(Survey).where(Survey.slug == slug))


def ensure_default_survey() -> Survey:
    """Return the default survey, creating and committing it when missing (setup only).

    ``survey db upgrade`` already creates it; this is for setups that start from an empty
    schema (tests, benchmarks, the demo on a database whose survey was deleted).
    """
    survey = get_survey(DEFAULT_SURVEY_SLUG)
    if survey is not None:
        return survey
    survey = _default_survey()
    try:
        # A savepoint: losing the race undoes this insert only, never the caller's work.
        with db.session.begin_nested():
            db.session.add(survey)
    except IntegrityError:
        # Another process created it first (two setups at once): use theirs.
        return db.session.scalars(select(Survey).where(Survey.slug == DEFAULT_SURVEY_SLUG)).one()
    db.session.commit()
    log.info("created the default survey %s", DEFAULT_SURVEY_SLUG)
    return survey


def _default_survey() -> Survey:
    survey = Survey(
        slug=DEFAULT_SURVEY_SLUG,
        title=dict(DEFAULT_SURVEY_TITLE),
        status=SurveyStatus.ACTIVE,
        triggers=list(DEFAULT_SURVEY_TRIGGERS),
    )
    for position, (key, kind, required, prompt, options) in enumerate(DEFAULT_QUESTIONS):
        survey.questions.append(
            Question(
                key=key,
                kind=QuestionKind(kind),
                required=required,
                prompt=prompt,
                options=options,
                position=position,
            )
        )
    return survey


def reword_question(slug: str, key: str, prompt: Mapping[str, str]) -> Question:
    """Replace a question's prompt in the given locales and commit; other locales stay."""
    question: Question | None = db.session.scalar(
        select(Question).join(Question.survey).where(Survey.slug == slug, Question.key == key)
    )
    if question is None:
        raise SurveyError(f"survey {slug!r} has no question {key!r}")
    blank = sorted(locale for locale, text in prompt.items() if not text.strip())
    if blank:
        raise SurveyError(f"the prompt cannot be empty (locale {', '.join(blank)})")
    # A new dict, not an in-place edit: JSON columns only see a changed value as a change.
    question.prompt = {**question.prompt, **{k: v.strip() for k, v in prompt.items()}}
    db.session.commit()
    log.info("reworded question %s of survey %s (%s)", key, slug, ", ".join(sorted(prompt)))
    return question
