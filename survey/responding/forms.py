"""The survey form, built from a survey's questions."""

from __future__ import annotations

from typing import Any

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import Field, Form, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from survey.surveys.definitions import QuestionDefinition, SurveyDefinition
from survey.surveys.models import HEARD_CHOICES, SCALES, QuestionKind
from survey.text import find_unsafe_character


class StorableText:
    """Refuse text with a NUL or a lone surrogate (see survey/text.py), naming the question."""

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and find_unsafe_character(field.data) is not None:
            raise ValidationError(
                _l("Your answer contains an invisible control character. Please remove it.")
            )


class RespondentForm(FlaskForm):
    """Base of the respondent forms: CSRFProtect already checks every POST of the app.

    Checking the token again in the form, and signing a fresh one for every form built,
    was a tenth of a submission's work for nothing.
    """

    class Meta:
        csrf = False


class ScoreForm(RespondentForm):
    """The one-score save that the page posts as soon as it shows a pre-selected score."""

    score = IntegerField(
        _l("Score"),
        validators=[
            InputRequired(message=_l("Choose a score from 0 to 10.")),
            NumberRange(0, 10, message=_l("Choose a score from 0 to 10.")),
        ],
    )


class SurveyForm(RespondentForm):
    """Base class; :func:`build_survey_form` adds one field per question."""


def _choices_for(question: QuestionDefinition, locale: str) -> list[SelectChoice]:
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


def _field_for(question: QuestionDefinition, locale: str, max_text: int) -> Field:
    label = question.prompt_in(locale)
    presence: Any = (
        InputRequired(message=_l("Please answer this question."))
        if question.required
        else Optional()
    )
    if question.kind is QuestionKind.TEXT:
        # The bound itself is accepted, and written as the reader writes numbers (5,000 / 5.000).
        too_long = _l(
            "Please keep your answer to %(max)s characters or fewer.",
            max=LazyString(lambda: format_number(max_text)),
        )
        return TextAreaField(
            label,
            validators=[presence, StorableText(), Length(max=max_text, message=too_long)],
        )
    return RadioField(
        label,
        choices=_choices_for(question, locale),
        validators=[presence],
        validate_choice=True,
    )


#: Form classes per (survey id, version, locale, text limit): building one costs more than the
#: rest of a submission's Python work, and a survey's questions change rarely.
_form_classes: dict[tuple[int, str, str, int], type[SurveyForm]] = {}


def build_survey_form(
    survey: SurveyDefinition, locale: str, max_text: int, **kwargs: Any
) -> SurveyForm:
    """Return a form instance with one field per question, labelled in the locale."""
    key = (survey.id, survey.version, locale, max_text)
    form_class = _form_classes.get(key)
    if form_class is None:
        form_class = _form_class_for(survey, locale, max_text)
        if len(_form_classes) >= 512:
            _form_classes.clear()
        _form_classes[key] = form_class
    return form_class(**kwargs)


def _form_class_for(survey: SurveyDefinition, locale: str, max_text: int) -> type[SurveyForm]:
    fields = {q.key: _field_for(q, locale, max_text) for q in survey.questions}
    return type("SurveyFormFor", (SurveyForm,), fields)
