"""What insights store: each text answer's enrichment, the work queue, and the daily rollups.

Enrichment rows belong to one answer (deleted with it). Rollups are derived data: every row
can be recomputed from the raw tables (``survey insights rebuild``), so they carry no foreign
keys; a (survey, day) is always rewritten as a whole, which keeps its rows free of duplicates
without a unique key over nullable columns.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from survey.database import UTCDateTime, utcnow
from survey.distribution.models import Invitation
from survey.enums import enum_column
from survey.extensions import Model
from survey.responding.models import Response

#: PostgreSQL's full-text vector; SQLite keeps the column empty and searches with FTS5.
SearchVector = Text().with_variant(postgresql.TSVECTOR(), "postgresql")


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class InsightJob(Model):
    """Work for the insights channel: enrich a response, then recount its survey's day.

    ``survey_id`` and ``day`` are copied when the job is queued, so a job still knows which
    rollups to repair after its response was erased. No ``day`` means every day of the survey.
    """

    __tablename__ = "insight_job"
    __table_args__ = (Index("ix_insight_job_status_send_after", "status", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int | None] = mapped_column()
    survey_id: Mapped[int | None] = mapped_column()
    day: Mapped[date | None] = mapped_column(Date)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.PENDING)
    #: A failed job waits (backing off) until then.
    send_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    leased_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InsightMark(Model):
    """A named high-water mark (the last invitation send the rollups have counted)."""

    __tablename__ = "insight_mark"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[datetime] = mapped_column(UTCDateTime())


class AnswerEnrichment(Model):
    """What the analyzers found in one free-text answer."""

    __tablename__ = "answer_enrichment"
    __table_args__ = (
        Index("ix_answer_enrichment_response", "response_id"),
        Index("ix_answer_enrichment_version", "analyzer_version"),
        Index("ix_answer_enrichment_search", "search_vector", postgresql_using="gin"),
        Index("ix_answer_enrichment_started", "started_at", "answer_id"),
    )

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    #: The response's start (never changes): the comments page's order, through an index.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: "en", "es" or "und" (detected, the response's locale breaking ties)
    language: Mapped[str] = mapped_column(String(8))
    polarity: Mapped[float] = mapped_column(Float)
    #: negative / neutral / positive
    label: Mapped[str] = mapped_column(String(8))
    #: Whether the words are clear enough to contradict a score (analysis.sentiment).
    confident: Mapped[bool] = mapped_column(default=False)
    #: The words contradict the response's NPS answer (analysis.sentiment.contradicts).
    mismatch: Mapped[bool] = mapped_column(default=False)
    churn: Mapped[bool] = mapped_column(default=False)
    not_heard: Mapped[bool] = mapped_column(default=False)
    repeat_contact: Mapped[bool] = mapped_column(default=False)
    praise_person: Mapped[bool] = mapped_column(default=False)
    analyzer_version: Mapped[str] = mapped_column(String(32))
    enriched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Spanish and English stems of the answer (PostgreSQL); SQLite indexes it in FTS5.
    search_vector: Mapped[str | None] = mapped_column(SearchVector)


class AnswerPhrase(Model):
    """One theme an answer mentions (analysis.themes.mentions), for SQL aggregation."""

    __tablename__ = "answer_phrase"
    __table_args__ = (Index("ix_answer_phrase_theme", "theme"),)

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    #: the theme's key (stems), e.g. "cancel flight"
    theme: Mapped[str] = mapped_column(String(200), primary_key=True)
    #: as written in this answer
    phrase: Mapped[str] = mapped_column(String(200))
    polarity: Mapped[float] = mapped_column(Float)


class _RollupKey:
    """The dimensions every rollup is keyed by (the dashboard filter's fields)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The local day (SURVEY_TIMEZONE) the response started, or the invitation was sent.
    day: Mapped[date] = mapped_column(Date)
    survey_id: Mapped[int] = mapped_column()
    team_id: Mapped[int | None] = mapped_column()
    touchpoint_type: Mapped[str | None] = mapped_column(String(64))
    segment: Mapped[str | None] = mapped_column(String(64))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(64))
    #: The language the customer was asked in (the response's or invitation's locale).
    language: Mapped[str] = mapped_column(String(8))


class DailyRollup(_RollupKey, Model):
    """One day's counts for one combination of the filter's dimensions."""

    __tablename__ = "rollup_daily"
    __table_args__ = (
        Index("ix_rollup_daily_survey_day", "survey_id", "day"),
        Index("ix_rollup_daily_day", "day"),
    )

    #: Invitations sent that day (the response rate's denominator).
    invited: Mapped[int] = mapped_column(default=0)
    #: Responses counted: completed, or a score a person saved (never a suspected scanner).
    responses: Mapped[int] = mapped_column(default=0)
    promoters: Mapped[int] = mapped_column(default=0)
    passives: Mapped[int] = mapped_column(default=0)
    detractors: Mapped[int] = mapped_column(default=0)
    ces_1: Mapped[int] = mapped_column(default=0)
    ces_2: Mapped[int] = mapped_column(default=0)
    ces_3: Mapped[int] = mapped_column(default=0)
    ces_4: Mapped[int] = mapped_column(default=0)
    ces_5: Mapped[int] = mapped_column(default=0)
    ces_6: Mapped[int] = mapped_column(default=0)
    ces_7: Mapped[int] = mapped_column(default=0)
    csat_1: Mapped[int] = mapped_column(default=0)
    csat_2: Mapped[int] = mapped_column(default=0)
    csat_3: Mapped[int] = mapped_column(default=0)
    csat_4: Mapped[int] = mapped_column(default=0)
    csat_5: Mapped[int] = mapped_column(default=0)
    heard_yes: Mapped[int] = mapped_column(default=0)
    heard_partly: Mapped[int] = mapped_column(default=0)
    heard_no: Mapped[int] = mapped_column(default=0)
    #: Enriched free-text answers, and what the analyzers found in them.
    texts: Mapped[int] = mapped_column(default=0)
    polarity_sum: Mapped[float] = mapped_column(Float, default=0.0)
    negatives: Mapped[int] = mapped_column(default=0)
    mismatches: Mapped[int] = mapped_column(default=0)
    churn: Mapped[int] = mapped_column(default=0)
    not_heard: Mapped[int] = mapped_column(default=0)
    repeat_contact: Mapped[int] = mapped_column(default=0)
    praise_person: Mapped[int] = mapped_column(default=0)
    #: NPS categories of the responses behind the enriched texts (themes' and drivers' base).
    text_promoters: Mapped[int] = mapped_column(default=0)
    text_passives: Mapped[int] = mapped_column(default=0)
    text_detractors: Mapped[int] = mapped_column(default=0)


class PhraseRollup(_RollupKey, Model):
    """Answers mentioning a theme, per day, dimensions and NPS category (themes, drivers)."""

    __tablename__ = "rollup_phrase"
    __table_args__ = (Index("ix_rollup_phrase_survey_day", "survey_id", "day"),)

    #: promoter / passive / detractor, or "none" for an answer without an NPS score
    category: Mapped[str] = mapped_column(String(10))
    theme: Mapped[str] = mapped_column(String(200))
    phrase: Mapped[str] = mapped_column(String(200))
    answers: Mapped[int] = mapped_column(default=0)
    polarity_sum: Mapped[float] = mapped_column(Float, default=0.0)


class AgentRollup(_RollupKey, Model):
    """One agent's NPS categories per day and dimensions (analysis.agents.shrink)."""

    __tablename__ = "rollup_agent"
    __table_args__ = (Index("ix_rollup_agent_survey_day", "survey_id", "day"),)

    agent: Mapped[str] = mapped_column(String(200))
    promoters: Mapped[int] = mapped_column(default=0)
    passives: Mapped[int] = mapped_column(default=0)
    detractors: Mapped[int] = mapped_column(default=0)


#: Counted columns of DailyRollup, in table order (the recount and the tests share it).
DAILY_COUNTS = (
    "invited",
    "responses",
    "promoters",
    "passives",
    "detractors",
    *(f"ces_{value}" for value in range(1, 8)),
    *(f"csat_{value}" for value in range(1, 6)),
    "heard_yes",
    "heard_partly",
    "heard_no",
    "texts",
    "polarity_sum",
    "negatives",
    "mismatches",
    "churn",
    "not_heard",
    "repeat_contact",
    "praise_person",
    "text_promoters",
    "text_passives",
    "text_detractors",
)
ROLLUP_KEYS = (
    "day",
    "survey_id",
    "team_id",
    "touchpoint_type",
    "segment",
    "lifecycle_stage",
    "language",
)


# Indexes on other features' tables that only insights' reads need: the sends the rollups
# catch up on, and the comments' newest-first order.
Index("ix_invitation_sent_at", Invitation.sent_at)
Index("ix_response_started_at", Response.started_at)
