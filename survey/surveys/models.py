"""Survey and Question models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import uuid4

from sqlalchemy import ForeignKey, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column, relationship

from survey.database import JsonDocument, UTCDateTime, utcnow
from survey.enums import enum_column
from survey.extensions import Model


class QuestionKind(StrEnum):
    NPS = "nps"  # 0-10, how likely to recommend
    CES = "ces"  # 1-7, the company made it easy
    CSAT = "csat"  # 1-5, satisfaction
    HEARD = "heard"  # yes / partly / no
    TEXT = "text"  # free text
    CHOICE = "choice"  # one of the question's choices


#: Inclusive numeric range of each scale question.
SCALES: dict[QuestionKind, tuple[int, int]] = {
    QuestionKind.NPS: (0, 10),
    QuestionKind.CES: (1, 7),
    QuestionKind.CSAT: (1, 5),
}

HEARD_CHOICES = ("yes", "partly", "no")


class SurveyStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class Survey(Model):
    """A short questionnaire sent after a touchpoint."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier for the CLI and the API ("after-support").
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: Title per locale: {"es": "...", "en": "..."}.
    title: Mapped[dict[str, str]] = mapped_column(JsonDocument)
    status: Mapped[SurveyStatus] = mapped_column(
        enum_column(SurveyStatus), default=SurveyStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: A new random value whenever the title or the questions change: per-process caches of
    #: the survey's definition (survey.surveys.definitions) key on it, so they never go stale.
    version: Mapped[str] = mapped_column(String(32), default=lambda: uuid4().hex)

    # Sending rules (see survey.distribution). Touchpoint types that trigger this survey.
    triggers: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    #: Minutes between the touchpoint and the email.
    delay_minutes: Mapped[int] = mapped_column(default=120)
    #: At most one invitation per contact within this many days, across surveys.
    fatigue_days: Mapped[int] = mapped_column(default=30)
    #: Share of eligible touchpoints invited, drawn at random (never chosen by the agent).
    sample_rate: Mapped[float] = mapped_column(default=1.0)
    #: No email between these hours of the contact's local time (21 -> 9 wraps midnight).
    quiet_start_hour: Mapped[int] = mapped_column(default=21)
    quiet_end_hour: Mapped[int] = mapped_column(default=9)
    expiry_days: Mapped[int] = mapped_column(default=14)
    #: One reminder this many days after sending when unanswered; None for no reminder.
    reminder_days: Mapped[int | None] = mapped_column()

    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )

    def title_in(self, locale: str) -> str:
        """Return the title in a locale, falling back to any other one."""
        return _in_locale(self.title, locale)

    def mark_changed(self) -> None:
        """Give the survey a new version (the flush listener below does it for ORM edits)."""
        self.version = uuid4().hex

    def __repr__(self) -> str:
        return f"<Survey {self.slug}>"


class Question(Model):
    """One question of a survey, with its prompt in each language."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("survey_id", "key", name="uq_question_survey_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    #: Form field name, unique within the survey ("nps", "ces", "heard", "comment").
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    #: Prompt per locale: {"es": "...", "en": "..."}.
    prompt: Mapped[dict[str, str]] = mapped_column(JsonDocument)
    #: For scales, the labels of both ends; for choice, the options. Per locale.
    options: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=False)

    survey: Mapped[Survey] = relationship(back_populates="questions")

    def prompt_in(self, locale: str) -> str:
        """Return the prompt in a locale, falling back to any other one."""
        return _in_locale(self.prompt, locale)

    def __repr__(self) -> str:
        return f"<Question {self.key} ({self.kind})>"


def in_locale(texts: Mapping[str, str], locale: str) -> str:
    """Return the text for a locale from a {locale: text} mapping, falling back to any."""
    return _in_locale(texts, locale)


def _in_locale(texts: Mapping[str, str], locale: str) -> str:
    if locale in texts:
        return texts[locale]
    return next(iter(texts.values()), "")


@event.listens_for(Session, "before_flush")
def _bump_changed_survey_versions(
    session: Session, _context: UOWTransaction, _instances: object
) -> None:
    """Give a new version to every survey whose columns or questions this flush changes.

    Respondent pages cache a survey's definition per process, keyed by its version: bumping
    it here, rather than in each editing service, means no edit can leave a stale page behind.
    Bulk UPDATE statements bypass the ORM and this listener; editing services use the ORM.
    """
    with session.no_autoflush:
        for survey in _changed_surveys(session):
            survey.mark_changed()


def _changed_surveys(session: Session) -> set[Survey]:
    touched: set[Survey | None] = set()
    for obj in session.dirty:
        if isinstance(obj, Survey) and session.is_modified(obj):
            touched.add(obj)
        elif isinstance(obj, Question) and session.is_modified(obj):
            touched.add(_survey_of(session, obj))
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Question):
            touched.add(_survey_of(session, obj))
    # A new survey already has a fresh version; a deleted one needs none; one whose version
    # this flush already changes (mark_changed) needs no second one.
    surveys = {survey for survey in touched if survey is not None}
    return {
        survey
        for survey in surveys
        if survey not in session.new
        and survey not in session.deleted
        and not inspect(survey).attrs.version.history.has_changes()
    }


def _survey_of(session: Session, question: Question) -> Survey | None:
    # A question added by survey_id alone has no survey loaded yet.
    if question.survey is not None:
        return question.survey
    return session.get(Survey, question.survey_id) if question.survey_id is not None else None
