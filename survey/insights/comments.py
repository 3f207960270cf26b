"""Comments: the enriched free-text answers under a dashboard filter, newest first.

Read from the raw tables through their indexes (not rollups: each answer is shown), with
keyset pagination on (response start, answer id): page 500 costs what page 1 costs.
Full-text search ``q`` uses PostgreSQL's ``search_vector`` (Spanish and English stems) or
SQLite's FTS5 table; an answer is findable once one worker pass has enriched it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Final

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, func, literal_column, or_, select, text

from survey.contacts.models import Contact, Team
from survey.distribution.models import Invitation, Touchpoint
from survey.extensions import db
from survey.insights.enrichment import nps_score_of
from survey.insights.filters import DashboardFilter, FilterError
from survey.insights.models import AnswerEnrichment, AnswerPhrase, DailyRollup
from survey.insights.queries import rollup_conditions
from survey.insights.rollups import InsightSettings, counted_response
from survey.insights.search import SEARCH_TABLE
from survey.responding.models import Answer, Response

#: Comments per page, and the most a caller may ask for.
PAGE_SIZE: Final = 25
MAX_PAGE_SIZE: Final = 200
#: Longest search accepted, and the most words searched.
MAX_QUERY: Final = 200
MAX_QUERY_WORDS: Final = 12
#: Searches and themes matching at most this many answers read them by id (not by walking).
RARE_MATCHES: Final = 2000
INTENTS: Final = ("churn", "not_heard", "repeat_contact", "praise_person")
LABELS: Final = ("negative", "neutral", "positive")
_WORD = re.compile(r"[^\W_]+")


class ScoreBand(StrEnum):
    DETRACTOR = "detractor"
    PASSIVE = "passive"
    PROMOTER = "promoter"
    #: Answered without an NPS score.
    NONE = "none"


@dataclass(frozen=True)
class CommentQuery:
    """What the comments page asks beyond the dashboard filter (from ``request.args``)."""

    sentiment: str | None = None
    mismatch: bool | None = None
    intent: str | None = None
    score_band: ScoreBand | None = None
    theme: str | None = None
    q: str | None = None
    after: str | None = None
    limit: int = PAGE_SIZE

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> CommentQuery:
        """Validate the comment filters; raise FilterError naming the field."""
        sentiment = _choice(args, "sentiment", LABELS)
        intent = _choice(args, "intent", INTENTS)
        band = _choice(args, "score", tuple(ScoreBand))
        mismatch = _choice(args, "mismatch", ("1", "0"))
        theme = _clean(args, "theme", 200)
        q = _clean(args, "q", MAX_QUERY)
        after = _clean(args, "after", 40)
        if after is not None:
            decode_cursor(after)
        limit_raw = _clean(args, "limit", 4)
        limit = PAGE_SIZE
        if limit_raw is not None:
            if not limit_raw.isdigit() or not 1 <= int(limit_raw) <= MAX_PAGE_SIZE:
                raise FilterError("limit", _l("use a number from 1 to %(max)s", max=MAX_PAGE_SIZE))
            limit = int(limit_raw)
        return cls(
            sentiment=sentiment,
            mismatch=None if mismatch is None else mismatch == "1",
            intent=intent,
            score_band=None if band is None else ScoreBand(band),
            theme=theme,
            q=q,
            after=after,
            limit=limit,
        )

    def to_args(self) -> dict[str, str]:
        """Return the URL parameters of these comment filters (the page's cursor left out)."""
        values = {
            "sentiment": self.sentiment,
            "mismatch": None if self.mismatch is None else ("1" if self.mismatch else "0"),
            "intent": self.intent,
            "score": None if self.score_band is None else self.score_band.value,
            "theme": self.theme,
            "q": self.q,
        }
        return {name: value for name, value in values.items() if value is not None}


def _clean(args: Mapping[str, Any], name: str, longest: int) -> str | None:
    raw = args.get(name)
    if raw is None or not str(raw).strip():
        return None
    value = str(raw).strip()
    if len(value) > longest:
        raise FilterError(name, _l("at most %(count)s characters", count=longest))
    return value


def _choice(args: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str | None:
    value = _clean(args, name, 40)
    if value is not None and value not in choices:
        raise FilterError(name, _l("use one of %(choices)s", choices=", ".join(choices)))
    return value


@dataclass(frozen=True)
class Comment:
    """One free-text answer with what the analyzers found, as the page shows it."""

    answer_id: int
    response_id: int
    text: str
    score: int | None
    label: str
    polarity: float
    mismatch: bool
    intents: tuple[str, ...]
    #: the language the analyzers read it in (detected)
    language: str
    team_id: int | None
    team_name: str | None
    started_at: datetime
    #: phrases of its themes as written, to highlight
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommentPage:
    """A page of comments and the cursor of the next one (None on the last page)."""

    comments: tuple[Comment, ...]
    next_cursor: str | None
    query: CommentQuery = field(default_factory=CommentQuery)


def encode_cursor(started_at: datetime, answer_id: int) -> str:
    """Return the opaque position after a comment (microseconds since 1970 and the id)."""
    micros = round(started_at.timestamp() * 1_000_000)
    return f"{micros}-{answer_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Return the (started_at, answer id) a cursor names; raise FilterError if malformed."""
    micros, _, answer_id = cursor.partition("-")
    if not (micros.isdigit() and answer_id.isdigit()) or len(micros) > 20:
        raise FilterError("after", _l("not a page of this list"))
    moment = datetime.fromtimestamp(int(micros) / 1_000_000, UTC)
    return moment, int(answer_id)


def comment_conditions(f: DashboardFilter, settings: InsightSettings) -> list[Any]:
    """Return the dashboard filter as conditions on the raw tables (same days as rollups)."""
    start = settings.bounds(f.date_from)[0]
    end = settings.bounds(f.date_to)[1]
    # The enrichment's copy of the response's start: the index the page walks.
    conditions: list[Any] = [
        AnswerEnrichment.started_at >= start,
        AnswerEnrichment.started_at < end,
        counted_response(),
    ]
    if f.survey_id is not None:
        conditions.append(Response.survey_id == f.survey_id)
    if f.team_ids is not None:
        conditions.append(Response.team_id.in_(sorted(f.team_ids)) if f.team_ids else false())
    for column, value in (
        (Touchpoint.type, f.touchpoint_type),
        (Contact.segment, f.segment),
        (Contact.lifecycle_stage, f.lifecycle_stage),
        (Response.locale, f.language),
    ):
        if value is not None:
            conditions.append(column == value)
    return conditions


def _search_condition(q: str) -> Any:
    if db.engine.dialect.name == "postgresql":
        matches = text(
            "answer_enrichment.search_vector @@ "
            "(websearch_to_tsquery('spanish', :q) || websearch_to_tsquery('english', :q))"
        ).bindparams(q=q)
        # A rare word: walking the newest answers until a page matches would read them all
        # (seconds at 1 M), so the few matching ids are fetched through the GIN index first.
        few = db.session.scalars(
            select(AnswerEnrichment.answer_id).where(matches).limit(RARE_MATCHES + 1)
        ).all()
        if len(few) <= RARE_MATCHES:
            return AnswerEnrichment.answer_id.in_(few) if few else false()
        return matches
    # FTS5 has its own query language: quote each word so any input is a plain search.
    words = _WORD.findall(q)[:MAX_QUERY_WORDS]
    if not words:
        return false()
    match = " ".join('"' + word.replace('"', "") + '"' for word in words)
    found: Any = (
        select(literal_column("rowid"))
        .select_from(text(SEARCH_TABLE))
        .where(text(f"{SEARCH_TABLE} MATCH :match").bindparams(match=match))
    )
    return Answer.id.in_(found)


def _theme_condition(theme: str) -> Any:
    # A rare theme is read by id through ix_answer_phrase_theme: a prepared (generic) plan
    # would otherwise walk every newer answer looking for it (seconds at 1 M).
    few = db.session.scalars(
        select(AnswerPhrase.answer_id).where(AnswerPhrase.theme == theme).limit(RARE_MATCHES + 1)
    ).all()
    if len(few) <= RARE_MATCHES:
        return AnswerEnrichment.answer_id.in_(few) if few else false()
    mentioned = select(AnswerPhrase.answer_id).where(
        AnswerPhrase.answer_id == Answer.id, AnswerPhrase.theme == theme
    )
    return mentioned.exists()


def _extra_conditions(query: CommentQuery, score: Any) -> list[Any]:
    conditions: list[Any] = []
    if query.sentiment is not None:
        conditions.append(AnswerEnrichment.label == query.sentiment)
    if query.mismatch is not None:
        conditions.append(AnswerEnrichment.mismatch.is_(query.mismatch))
    if query.intent is not None:
        conditions.append(getattr(AnswerEnrichment, query.intent).is_(True))
    bands = {
        ScoreBand.DETRACTOR: score < 7,
        ScoreBand.PASSIVE: and_(score >= 7, score < 9),
        ScoreBand.PROMOTER: score >= 9,
        ScoreBand.NONE: score.is_(None),
    }
    if query.score_band is not None:
        conditions.append(bands[query.score_band])
    if query.theme is not None:
        conditions.append(_theme_condition(query.theme))
    if query.q is not None:
        conditions.append(_search_condition(query.q))
    return conditions


def _rollup_counts(query: CommentQuery) -> list[Any]:
    """Return, per comment filter, the condition "a rollup row may hold a matching answer"."""
    r = DailyRollup
    scored = r.text_promoters + r.text_passives + r.text_detractors
    conditions: list[Any] = [r.texts > 0]
    if query.sentiment is not None:
        negative = query.sentiment == "negative"
        conditions.append(r.negatives > 0 if negative else r.texts > r.negatives)
    if query.mismatch is not None:
        conditions.append(r.mismatches > 0 if query.mismatch else r.texts > r.mismatches)
    if query.intent is not None:
        conditions.append(getattr(r, query.intent) > 0)
    bands = {
        ScoreBand.DETRACTOR: r.text_detractors > 0,
        ScoreBand.PASSIVE: r.text_passives > 0,
        ScoreBand.PROMOTER: r.text_promoters > 0,
        ScoreBand.NONE: r.texts > scored,
    }
    if query.score_band is not None:
        conditions.append(bands[query.score_band])
    return conditions


def rollup_span(f: DashboardFilter, query: CommentQuery) -> tuple[date, date] | None:
    """Return the first and last local day a comment under the filters may be on (None: none).

    A filter matching nothing (or little) would otherwise walk every answer of the period
    looking for it (26 s at 1 M for "no score"). The rollups hold, per day and dimensions, the
    enriched texts and each filter's count, recounted by the worker with the enrichment, so
    an answer that matches lies on a day whose row has every asked count above zero. Each end is
    one walk of the day index that stops at the first such row.
    """
    where = [*rollup_conditions(DailyRollup, f), *_rollup_counts(query)]
    newest = select(DailyRollup.day).where(*where).order_by(DailyRollup.day.desc()).limit(1)
    oldest = select(DailyRollup.day).where(*where).order_by(DailyRollup.day.asc()).limit(1)
    first, last = db.session.execute(
        select(oldest.scalar_subquery(), newest.scalar_subquery())
    ).one()
    if first is None or last is None:
        return None
    return first, last


def _span_conditions(
    f: DashboardFilter, settings: InsightSettings, query: CommentQuery
) -> list[Any]:
    span = rollup_span(f, query)
    if span is None:
        return [false()]
    return [
        AnswerEnrichment.started_at >= settings.bounds(span[0])[0],
        AnswerEnrichment.started_at < settings.bounds(span[1])[1],
    ]


def _base(
    f: DashboardFilter,
    settings: InsightSettings,
    query: CommentQuery,
    columns: Callable[[Any], list[Any]],
) -> Any:
    """Return the SELECT of the chosen columns (given the NPS score) under the filters."""
    score = nps_score_of(Response.id)
    return (
        select(*columns(score))
        .select_from(AnswerEnrichment)
        .join(Answer, Answer.id == AnswerEnrichment.answer_id)
        .join(Response, Response.id == AnswerEnrichment.response_id)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(Contact, Contact.id == Invitation.contact_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
        .outerjoin(Team, Team.id == Response.team_id)
        .where(
            *comment_conditions(f, settings),
            *_span_conditions(f, settings, query),
            *_extra_conditions(query, score),
        )
    )


def comments(f: DashboardFilter, settings: InsightSettings, query: CommentQuery) -> CommentPage:
    """Return one page of comments, newest first, under the filter and the comment filters."""

    def columns(score: Any) -> list[Any]:
        return [
            Answer.id,
            Answer.response_id,
            Answer.text_value,
            score,
            AnswerEnrichment.label,
            AnswerEnrichment.polarity,
            AnswerEnrichment.mismatch,
            *(getattr(AnswerEnrichment, name) for name in INTENTS),
            AnswerEnrichment.language,
            Response.team_id,
            Team.name,
            AnswerEnrichment.started_at,
        ]

    statement = _base(f, settings, query, columns)
    if query.after is not None:
        moment, answer_id = decode_cursor(query.after)
        statement = statement.where(
            # The plain bound lets the index walk start at the cursor (an OR alone makes
            # PostgreSQL walk from the newest answer: page 40 cost a second at 1 M).
            AnswerEnrichment.started_at <= moment,
            or_(
                AnswerEnrichment.started_at < moment,
                and_(
                    AnswerEnrichment.started_at == moment,
                    AnswerEnrichment.answer_id < answer_id,
                ),
            ),
        )
    order = (AnswerEnrichment.started_at.desc(), AnswerEnrichment.answer_id.desc())
    rows = db.session.execute(statement.order_by(*order).limit(query.limit + 1)).all()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    phrases = _phrases_of([row[0] for row in rows])
    page = tuple(_comment(row, phrases.get(row[0], ())) for row in rows)
    cursor = encode_cursor(page[-1].started_at, page[-1].answer_id) if more and page else None
    return CommentPage(page, cursor, query)


def count_comments(f: DashboardFilter, settings: InsightSettings, query: CommentQuery) -> int:
    """Count the comments the filters select (for drill-down checks and exports)."""
    return int(
        db.session.scalar(
            _base(f, settings, query, lambda _score: [func.count(AnswerEnrichment.answer_id)])
        )
        or 0
    )


def _comment(row: Any, phrases: tuple[str, ...]) -> Comment:
    answer_id, response_id, text_value, score, label, polarity, mismatch, *rest = row
    flags, (language, team_id, team_name, started_at) = rest[: len(INTENTS)], rest[len(INTENTS) :]
    return Comment(
        answer_id=answer_id,
        response_id=response_id,
        text=text_value or "",
        score=None if score is None else int(score),
        label=label,
        polarity=float(polarity),
        mismatch=bool(mismatch),
        intents=tuple(name for name, flag in zip(INTENTS, flags, strict=True) if flag),
        language=language,
        team_id=team_id,
        team_name=team_name,
        started_at=started_at,
        phrases=phrases,
    )


def _phrases_of(answer_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not answer_ids:
        return {}
    found: dict[int, list[str]] = defaultdict(list)
    rows: list[Any] = list(
        db.session.execute(
            select(AnswerPhrase.answer_id, AnswerPhrase.phrase)
            .where(AnswerPhrase.answer_id.in_(answer_ids))
            .order_by(AnswerPhrase.answer_id, AnswerPhrase.phrase)
        )
    )
    for answer_id, phrase in rows:
        found[answer_id].append(phrase)
    return {answer_id: tuple(phrases) for answer_id, phrases in found.items()}
