"""Response and Answer models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.database import UTCDateTime, utcnow
from survey.extensions import Model

if TYPE_CHECKING:
    from survey.distribution.models import Invitation
    from survey.surveys.models import Question


class Response(Model):
    """The one answer sheet of an invitation; partial until completed."""

    __tablename__ = "response"
    __table_args__ = (
        Index("ix_response_survey_completed", "survey_id", "completed_at"),
        Index("ix_response_team_completed", "team_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique: this is what makes double taps and concurrent posts create one response.
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), unique=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    #: Copied from the invitation so dashboards group by team without a join.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A score saved within seconds of delivery or by a known link scanner: kept out of the
    #: statistics until a later action (the full form, a second save) confirms a person.
    suspected_scanner: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Kept for integrity checks (several contacts answering from one device).
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    invitation: Mapped[Invitation] = relationship()


class Answer(Model):
    """One question's answer: a number for scales, text for the rest."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="uq_answer_response_question"),
        Index("ix_answer_question_number", "question_id", "number_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    number_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    text_value: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
