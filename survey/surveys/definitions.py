"""Read-only snapshots of a survey's title and questions, cached per process.

Every survey page view and submission needs the questions; they change rarely, and any ORM
edit of a survey or of its questions gives the survey a new ``version`` (a flush listener in
``survey.surveys.models``), so each process keeps the snapshot keyed by ``(survey id,
version)`` instead of loading and re-mapping them on every request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from survey.extensions import db
from survey.surveys.models import Question, QuestionKind, Survey, in_locale

#: Snapshots kept per process; surveys are few, so this only guards against pathological growth.
MAX_CACHED = 512


@dataclass(frozen=True, slots=True)
class QuestionDefinition:
    """One question as the respondent pages need it."""

    id: int
    key: str
    kind: QuestionKind
    prompt: Mapping[str, str]
    options: Mapping[str, Any]
    required: bool
    position: int

    def prompt_in(self, locale: str) -> str:
        """Return the prompt in a locale, falling back to any other one."""
        return in_locale(self.prompt, locale)


@dataclass(frozen=True, slots=True)
class SurveyDefinition:
    """A survey's identity, title and ordered questions."""

    id: int
    slug: str
    version: str
    title: Mapping[str, str]
    questions: tuple[QuestionDefinition, ...]

    def title_in(self, locale: str) -> str:
        """Return the title in a locale, falling back to any other one."""
        return in_locale(self.title, locale)

    def question_of_kind(self, kind: QuestionKind) -> QuestionDefinition | None:
        """Return the first question of a kind, or None."""
        return next((q for q in self.questions if q.kind is kind), None)


_cache: dict[tuple[int, str], SurveyDefinition] = {}


def survey_definition(survey_id: int, version: str) -> SurveyDefinition:
    """Return the snapshot of a survey at a version, loading it once per process."""
    cached = _cache.get((survey_id, version))
    if cached is not None:
        return cached
    definition = load_definition(survey_id)
    if len(_cache) >= MAX_CACHED:
        _cache.clear()
    _cache[(definition.id, definition.version)] = definition
    return definition


def load_definition(survey_id: int) -> SurveyDefinition:
    """Load a survey's snapshot from the database."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise LookupError(f"no survey with id {survey_id}")
    questions = db.session.scalars(
        select(Question).where(Question.survey_id == survey_id).order_by(Question.position)
    )
    return SurveyDefinition(
        id=survey.id,
        slug=survey.slug,
        version=survey.version,
        title=dict(survey.title),
        questions=tuple(
            QuestionDefinition(
                id=q.id,
                key=q.key,
                kind=q.kind,
                prompt=dict(q.prompt),
                options=dict(q.options or {}),
                required=q.required,
                position=q.position,
            )
            for q in questions
        ),
    )
