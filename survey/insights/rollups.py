"""Daily rollups: the counts every dashboard reads, recomputed per (survey, local day).

A day is a day in ``SURVEY_TIMEZONE``. Recounting one survey's day is one INSERT ... SELECT
... GROUP BY per rollup table over the raw rows of that day (found through the UTC bounds
of the local day, so both databases agree without time-zone functions), after deleting the
day's old rows, in the caller's transaction: running it twice gives the same rows.

What a day holds: responses that started that day and are not a suspected scanner click
(a completed form, or a score a person saved from the email), their answers and the
enrichment of their text; and the invitations sent that day (the response rate's
denominator).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
)

from survey.contacts.models import Contact
from survey.distribution.models import Invitation, Touchpoint
from survey.extensions import db
from survey.insights.enrichment import nps_scores
from survey.insights.models import (
    DAILY_COUNTS,
    ROLLUP_KEYS,
    AgentRollup,
    AnswerEnrichment,
    AnswerPhrase,
    DailyRollup,
    PhraseRollup,
)
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, QuestionKind


class InsightsError(Exception):
    """Insights cannot run as asked; the message says why (a clean CLI error)."""


@dataclass(frozen=True)
class InsightSettings:
    """The time zone that decides which day an answer belongs to."""

    timezone: ZoneInfo

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> InsightSettings:
        """Read SURVEY_TIMEZONE."""
        name = str(config["SURVEY_TIMEZONE"])
        try:
            return cls(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise InsightsError(f"SURVEY_TIMEZONE: unknown time zone {name!r}") from None

    def day_of(self, moment: datetime) -> date:
        """Return the local day of a moment."""
        return moment.astimezone(self.timezone).date()

    def bounds(self, day: date) -> tuple[datetime, datetime]:
        """Return the UTC start and end of a local day ([start, end))."""
        start = datetime.combine(day, time(0), self.timezone)
        end = datetime.combine(day + timedelta(days=1), time(0), self.timezone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def days_between(self, first: datetime, last: datetime) -> Iterator[date]:
        """Yield every local day from the one of ``first`` to the one of ``last``."""
        day, end = self.day_of(first), self.day_of(last)
        while day <= end:
            yield day
            day += timedelta(days=1)


def counted_response() -> Any:
    """Return the condition "this response counts": not a suspected mail scanner's click."""
    return Response.suspected_scanner.is_(False)


def _kind_value(kind: QuestionKind, value: int) -> Any:
    return case((and_(Question.kind == kind, Answer.number_value == value), 1), else_=0)


def _category(score: Any) -> Any:
    return case(
        (score >= 9, "promoter"),
        (score >= 7, "passive"),
        (score.is_not(None), "detractor"),
        else_="none",
    )


def _response_keys(day: date) -> list[Any]:
    return [
        literal(day).label("day"),
        Response.survey_id.label("survey_id"),
        Response.team_id.label("team_id"),
        Touchpoint.type.label("touchpoint_type"),
        Contact.segment.label("segment"),
        Contact.lifecycle_stage.label("lifecycle_stage"),
        Response.locale.label("language"),
    ]


def _day_scores(survey_id: int, start: datetime, end: datetime) -> Any:
    """Return the NPS answer of each response of one survey's day, as a subquery."""
    day_responses = select(Response.id).where(
        Response.survey_id == survey_id, Response.started_at >= start, Response.started_at < end
    )
    return nps_scores(Answer.response_id.in_(day_responses)).subquery("scores")


def _from_responses(query: Select[Any], survey_id: int, start: datetime, end: datetime) -> Any:
    """Join a SELECT over Response to the dimensions, limited to one survey's day."""
    return (
        query.join(Invitation, Invitation.id == Response.invitation_id)
        .join(Contact, Contact.id == Invitation.contact_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
        .where(
            Response.survey_id == survey_id,
            Response.started_at >= start,
            Response.started_at < end,
            counted_response(),
        )
    )


def _facts(values: Mapping[str, Any]) -> list[Any]:
    """Return every count column, the given ones as expressions and the rest as zero."""
    return [
        values.get(name, literal(0.0) if name == "polarity_sum" else literal(0)).label(name)
        for name in DAILY_COUNTS
    ]


def _daily_select(survey_id: int, day: date, start: datetime, end: datetime) -> Select[Any]:
    invitations = (
        select(
            literal(day).label("day"),
            Invitation.survey_id.label("survey_id"),
            Invitation.team_id.label("team_id"),
            Touchpoint.type.label("touchpoint_type"),
            Contact.segment.label("segment"),
            Contact.lifecycle_stage.label("lifecycle_stage"),
            Invitation.locale.label("language"),
            *_facts({"invited": literal(1)}),
        )
        .join(Contact, Contact.id == Invitation.contact_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
        .where(
            Invitation.survey_id == survey_id,
            Invitation.sent_at >= start,
            Invitation.sent_at < end,
        )
    )
    responses = _from_responses(
        select(*_response_keys(day), *_facts({"responses": literal(1)})),
        survey_id,
        start,
        end,
    )
    score = Answer.number_value
    nps = Question.kind == QuestionKind.NPS
    heard = Question.kind == QuestionKind.HEARD
    answer_counts: dict[str, Any] = {
        "promoters": case((and_(nps, score >= 9), 1), else_=0),
        "passives": case((and_(nps, score >= 7, score < 9), 1), else_=0),
        "detractors": case((and_(nps, score < 7), 1), else_=0),
        "heard_yes": case((and_(heard, Answer.text_value == "yes"), 1), else_=0),
        "heard_partly": case((and_(heard, Answer.text_value == "partly"), 1), else_=0),
        "heard_no": case((and_(heard, Answer.text_value == "no"), 1), else_=0),
    }
    answer_counts.update(
        {f"ces_{v}": _kind_value(QuestionKind.CES, v) for v in range(1, 8)},
    )
    answer_counts.update(
        {f"csat_{v}": _kind_value(QuestionKind.CSAT, v) for v in range(1, 6)},
    )
    answers = _from_responses(
        select(*_response_keys(day), *_facts(answer_counts))
        .select_from(Response)
        .join(Answer, Answer.response_id == Response.id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Question.kind.in_(
                [QuestionKind.NPS, QuestionKind.CES, QuestionKind.CSAT, QuestionKind.HEARD]
            )
        ),
        survey_id,
        start,
        end,
    )

    def flag(column: Any) -> Any:
        return case((column.is_(True), 1), else_=0)

    scores = _day_scores(survey_id, start, end)
    text_score = scores.c.score

    enriched = _from_responses(
        select(
            *_response_keys(day),
            *_facts(
                {
                    "texts": literal(1),
                    "polarity_sum": cast(AnswerEnrichment.polarity, Float),
                    "negatives": case((AnswerEnrichment.label == "negative", 1), else_=0),
                    "mismatches": flag(AnswerEnrichment.mismatch),
                    "churn": flag(AnswerEnrichment.churn),
                    "not_heard": flag(AnswerEnrichment.not_heard),
                    "repeat_contact": flag(AnswerEnrichment.repeat_contact),
                    "praise_person": flag(AnswerEnrichment.praise_person),
                    "text_promoters": case((text_score >= 9, 1), else_=0),
                    "text_passives": case((and_(text_score >= 7, text_score < 9), 1), else_=0),
                    "text_detractors": case((text_score < 7, 1), else_=0),
                }
            ),
        )
        .select_from(Response)
        .join(AnswerEnrichment, AnswerEnrichment.response_id == Response.id)
        .outerjoin(scores, scores.c.response_id == Response.id),
        survey_id,
        start,
        end,
    )
    facts = union_all(invitations, responses, answers, enriched).subquery("facts")
    keys = [facts.c[name] for name in ROLLUP_KEYS]
    sums = [
        func.sum(facts.c[name]).label(name)
        if name == "polarity_sum"
        else cast(func.sum(facts.c[name]), Integer).label(name)
        for name in DAILY_COUNTS
    ]
    return select(*keys, *sums).group_by(*keys)


def _phrase_select(survey_id: int, day: date, start: datetime, end: datetime) -> Select[Any]:
    scores = _day_scores(survey_id, start, end)
    category = _category(scores.c.score).label("category")
    keys = _response_keys(day)
    query = _from_responses(
        select(
            *keys,
            category,
            AnswerPhrase.theme,
            AnswerPhrase.phrase,
            func.count().label("answers"),
            func.sum(cast(AnswerPhrase.polarity, Float)).label("polarity_sum"),
        )
        .select_from(Response)
        .join(Answer, Answer.response_id == Response.id)
        .join(AnswerPhrase, AnswerPhrase.answer_id == Answer.id)
        .outerjoin(scores, scores.c.response_id == Response.id),
        survey_id,
        start,
        end,
    )
    grouped: Select[Any] = query.group_by(
        *keys[1:], category, AnswerPhrase.theme, AnswerPhrase.phrase
    )
    return grouped


def _agent_select(survey_id: int, day: date, start: datetime, end: datetime) -> Select[Any]:
    scores = _day_scores(survey_id, start, end)
    keys = _response_keys(day)
    score = scores.c.score
    query = _from_responses(
        select(
            *keys,
            Touchpoint.agent,
            cast(func.sum(case((score >= 9, 1), else_=0)), Integer).label("promoters"),
            cast(func.sum(case((and_(score >= 7, score < 9), 1), else_=0)), Integer).label(
                "passives"
            ),
            cast(func.sum(case((score < 7, 1), else_=0)), Integer).label("detractors"),
        )
        .select_from(Response)
        .join(scores, scores.c.response_id == Response.id),
        survey_id,
        start,
        end,
    ).where(Touchpoint.agent.is_not(None))
    grouped: Select[Any] = query.group_by(*keys[1:], Touchpoint.agent)
    return grouped


def refresh_day(survey_id: int, day: date, settings: InsightSettings) -> None:
    """Recount one survey's local day in every rollup table (the caller commits)."""
    start, end = settings.bounds(day)
    for model in (DailyRollup, PhraseRollup, AgentRollup):
        db.session.execute(
            delete(model).where(model.survey_id == survey_id, model.day == day),
            execution_options={"synchronize_session": False},
        )
    daily = _daily_select(survey_id, day, start, end)
    db.session.execute(insert(DailyRollup).from_select([*ROLLUP_KEYS, *DAILY_COUNTS], daily))
    phrases = _phrase_select(survey_id, day, start, end)
    db.session.execute(
        insert(PhraseRollup).from_select(
            [*ROLLUP_KEYS, "category", "theme", "phrase", "answers", "polarity_sum"], phrases
        )
    )
    agents = _agent_select(survey_id, day, start, end)
    db.session.execute(
        insert(AgentRollup).from_select(
            [*ROLLUP_KEYS, "agent", "promoters", "passives", "detractors"], agents
        )
    )


def survey_days(
    settings: InsightSettings, survey_id: int | None = None, since: datetime | None = None
) -> list[tuple[int, date]]:
    """Return every (survey, local day) that has responses, sends or rollups, in order."""
    spans: list[Any] = []
    for column, survey_column in (
        (Response.started_at, Response.survey_id),
        (Invitation.sent_at, Invitation.survey_id),
    ):
        query = (
            select(survey_column, func.min(column), func.max(column))
            .where(column.is_not(None))
            .group_by(survey_column)
        )
        if survey_id is not None:
            query = query.where(survey_column == survey_id)
        if since is not None:
            query = query.where(column >= since)
        spans.extend(db.session.execute(query).all())
    pairs: set[tuple[int, date]] = set()
    for survey, first, last in spans:
        pairs.update((survey, day) for day in settings.days_between(first, last))
    stale = select(DailyRollup.survey_id, DailyRollup.day).distinct()
    if survey_id is not None:
        stale = stale.where(DailyRollup.survey_id == survey_id)
    if since is not None:
        stale = stale.where(DailyRollup.day >= settings.day_of(since))
    # Days whose rows are all gone (erased) still hold rollups to remove.
    pairs.update((survey, day) for survey, day in db.session.execute(stale))
    return sorted(pairs)


def refresh_survey(survey_id: int, settings: InsightSettings) -> int:
    """Recount every day of one survey (after an edit of its questions); return days."""
    days = survey_days(settings, survey_id)
    for _, day in days:
        refresh_day(survey_id, day, settings)
    return len(days)


__all__ = [
    "InsightSettings",
    "InsightsError",
    "counted_response",
    "refresh_day",
    "refresh_survey",
    "survey_days",
]
