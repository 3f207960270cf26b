"""The comments page's way back: the cursor of the page before a keyset page.

``survey.insights.comments`` walks forward (newest first, ``after`` a cursor). Going back
reads the same filtered rows the other way: the ``limit`` comments at or after the current
cursor, oldest first, and one more, whose position is the previous page's own cursor. Only
(started_at, answer id) pairs are read, through the same indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_

from survey.extensions import db
from survey.insights.comments import CommentQuery, _base, decode_cursor, encode_cursor
from survey.insights.filters import DashboardFilter
from survey.insights.models import AnswerEnrichment
from survey.insights.rollups import InsightSettings


@dataclass(frozen=True)
class PreviousPage:
    """Where the page before this one starts: ``cursor`` None means the first page."""

    cursor: str | None


def previous_page(
    f: DashboardFilter, settings: InsightSettings, query: CommentQuery
) -> PreviousPage | None:
    """Return the page before ``query.after`` (None when this is the first page)."""
    if query.after is None:
        return None
    moment, answer_id = decode_cursor(query.after)

    # The same order as the forward read: the enrichment's copy of the response's start.
    started, answer = AnswerEnrichment.started_at, AnswerEnrichment.answer_id

    def columns(_score: Any) -> list[Any]:
        return [started, answer]

    newer = (
        _base(f, settings, query, columns)
        # The plain bound lets the index walk start at the cursor.
        .where(
            started >= moment, or_(started > moment, and_(started == moment, answer >= answer_id))
        )
        .order_by(started.asc(), answer.asc())
        .limit(query.limit + 1)
    )
    rows = db.session.execute(newer).all()
    if len(rows) <= query.limit:
        return PreviousPage(None)
    started_at, before_id = rows[query.limit]
    return PreviousPage(encode_cursor(started_at, before_id))
