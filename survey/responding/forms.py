"""The survey form, built from a survey's questions."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from survey.surveys.models import HEARD_CHOICES, SCALES, Question, QuestionKind


class ScoreForm(FlaskForm):
    """The one-score save that the page posts as soon as it shows a pre-selected score."""

    score = IntegerField(
        _l("Score"),
        validators=[
            InputRequired(message=_l("Choose a score from 0 to 10.")),
            NumberRange(0, 10, message=_l("Choose a score from 0 to 10.")),
        ],
    )


class SurveyForm(FlaskForm):
    """Base class; :func:`build_survey_form` adds one field per question."""


def _choices_for(question: Question, locale: str) -> list[SelectChoice]:
    if question.kind in SCALES:
        low, high = SCALES[question.kind]
        return [SelectChoice(str(value)) for value in range(low, high + 1)]
    if question.kind is QuestionKind.HEARD:
        labels = {c["value"]: c["label"] for c in question.options.get("choices", [])}
        return [
            SelectChoice(value, labels.get(value, {}).get(locale, value)) for value in HEARD_CHOICES
        ]
    return [
        SelectChoice(str(c["value"]), c["label"].get(locale) or str(c["value"]))
        for c in question.options.get("choices", [])
    ]


def _field_for(question: Question, locale: str, max_text: int) -> Field:
    label = question.prompt_in(locale)
    presence: Any = (
        InputRequired(message=_l("Please answer this question."))
        if question.required
        else Optional()
    )
    if question.kind is QuestionKind.TEXT:
        too_long = _l("Please keep your answer under %(max)d characters.", max=max_text)
        return TextAreaField(label, validators=[presence, Length(max=max_text, message=too_long)])
    return RadioField(
        label,
        choices=_choices_for(question, locale),
        validators=[presence],
        validate_choice=True,
    )


def build_survey_form(
    questions: list[Question], locale: str, max_text: int, **kwargs: Any
) -> SurveyForm:
    """Return a form instance with one field per question, labelled in the locale."""

    class _Form(SurveyForm):
        pass

    for question in questions:
        setattr(_Form, question.key, _field_for(question, locale, max_text))
    return _Form(**kwargs)
