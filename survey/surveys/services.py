"""Looking up surveys and creating the default one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.responding.models import Response
from survey.surveys.models import Question, QuestionKind, Survey, SurveyStatus

DEFAULT_SURVEY_SLUG = "after-support"

#: The default survey, "After support / Después de la atención": key, kind, required, prompt,
#: options. Spanish uses "usted", which reads well in Spain and in Latin America.
DEFAULT_QUESTIONS: list[tuple[str, QuestionKind, bool, dict[str, str], dict[str, Any]]] = [
    (
        "nps",
        QuestionKind.NPS,
        True,
        {
            "en": "How likely are you to recommend us to a friend or colleague?",
            "es": "¿Qué probabilidad hay de que nos recomiende a un amigo o a un colega?",
        },
        {
            "low": {"en": "Not at all likely", "es": "Nada probable"},
            "high": {"en": "Extremely likely", "es": "Muy probable"},
        },
    ),
    (
        "ces",
        QuestionKind.CES,
        False,
        {
            "en": "The company made it easy for me to handle my issue.",
            "es": "La empresa me facilitó resolver mi consulta.",
        },
        {
            "low": {"en": "Strongly disagree", "es": "Totalmente en desacuerdo"},
            "high": {"en": "Strongly agree", "es": "Totalmente de acuerdo"},
        },
    ),
    (
        "heard",
        QuestionKind.HEARD,
        False,
        {"en": "Did you feel heard?", "es": "¿Sintió que le escuchamos?"},
        {
            "choices": [
                {"value": "yes", "label": {"en": "Yes", "es": "Sí"}},
                {"value": "partly", "label": {"en": "Partly", "es": "En parte"}},
                {"value": "no", "label": {"en": "No", "es": "No"}},
            ]
        },
    ),
    (
        "comment",
        QuestionKind.TEXT,
        False,
        {
            "en": "What could we have done better?",
            "es": "¿Qué podríamos haber hecho mejor?",
        },
        {},
    ),
]


def get_survey(slug: str) -> Survey | None:
    """Return the survey with this slug, creating the default survey on first use."""
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None and slug == DEFAULT_SURVEY_SLUG:
        survey = ensure_default_survey()
    return survey


def ensure_default_survey() -> Survey:
    """Return the default survey, creating and committing it when missing."""
    survey = db.session.scalar(select(Survey).where(Survey.slug == DEFAULT_SURVEY_SLUG))
    if survey is not None:
        return survey
    survey = Survey(
        slug=DEFAULT_SURVEY_SLUG,
        title={"en": "After support", "es": "Después de la atención"},
        status=SurveyStatus.ACTIVE,
        triggers=["ticket_closed"],
    )
    for position, (key, kind, required, prompt, options) in enumerate(DEFAULT_QUESTIONS):
        survey.questions.append(
            Question(
                key=key,
                kind=kind,
                required=required,
                prompt=prompt,
                options=options,
                position=position,
            )
        )
    db.session.add(survey)
    try:
        db.session.commit()
    except IntegrityError:
        # Another process created it first (two first requests at once): use theirs.
        db.session.rollback()
        return db.session.scalars(select(Survey).where(Survey.slug == DEFAULT_SURVEY_SLUG)).one()
    return survey


def surveys_with_response_counts() -> list[tuple[Survey, int, int]]:
    """Return every survey with its completed and partial response counts."""
    completed = func.count(Response.completed_at)
    started = func.count(Response.id)
    rows = db.session.execute(
        select(Survey, completed, started - completed)
        .outerjoin(Response, Response.survey_id == Survey.id)
        .group_by(Survey.id)
        .order_by(Survey.created_at, Survey.id)
    ).all()
    return [(survey, int(done), int(partial)) for survey, done, partial in rows]
