"""/dashboard/comments: every enriched free-text answer under the filter, newest first.

The customers' words reach the template as plain segments: a theme phrase is a segment
marked for ``<mark>``, and autoescaping writes every segment as text, so no answer can
write markup (no template filter ever marks customers' words as safe).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from survey.auth.policies import DASHBOARD_ROLES, role_required
from survey.dashboards.blueprint import bp
from survey.dashboards.common import filter_error_page, page_context, page_url, request_filter
from survey.insights.comment_pages import previous_page
from survey.insights.comments import Comment, CommentQuery, ScoreBand, comments
from survey.insights.filters import DashboardFilter, FilterError
from survey.insights.rollups import InsightSettings

#: What each stored value reads as on the page.
SENTIMENT_LABELS = {
    "negative": _l("Negative"),
    "neutral": _l("Neutral"),
    "positive": _l("Positive"),
}
INTENT_LABELS = {
    "churn": _l("Might leave"),
    "not_heard": _l("Not heard"),
    "repeat_contact": _l("Repeat contact"),
    "praise_person": _l("Praises a person"),
}
SCORE_LABELS = {
    ScoreBand.DETRACTOR: _l("Detractors (0–6)"),
    ScoreBand.PASSIVE: _l("Passives (7–8)"),
    ScoreBand.PROMOTER: _l("Promoters (9–10)"),
    ScoreBand.NONE: _l("No score"),
}


@dataclass(frozen=True)
class Segment:
    """A piece of an answer's text; ``marked`` when it is one of its theme phrases."""

    text: str
    marked: bool = False


def highlight(text: str, phrases: Iterable[str]) -> tuple[Segment, ...]:
    """Split a text into plain and marked segments, marking each phrase (any case)."""
    wanted = sorted({p for p in phrases if p.strip()}, key=len, reverse=True)
    if not wanted or not text:
        return (Segment(text),) if text else ()
    # Whole words only, longest phrase first, so "wait time" wins over "wait".
    alternatives = "|".join(re.escape(p) for p in wanted)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    segments: list[Segment] = []
    position = 0
    for found in pattern.finditer(text):
        if found.start() > position:
            segments.append(Segment(text[position : found.start()]))
        segments.append(Segment(found.group(0), marked=True))
        position = found.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return tuple(segments)


@dataclass(frozen=True)
class CommentRow:
    """A comment as the page lists it: the answer and its highlighted words."""

    comment: Comment
    segments: tuple[Segment, ...]


def _page_link(f: DashboardFilter, query: CommentQuery, cursor: str | None) -> str:
    extra: dict[str, Any] = dict(query.to_args())
    if query.limit != CommentQuery().limit:
        extra["limit"] = query.limit
    return page_url("dashboards.comments", f, after=cursor, **extra)


def _hidden_fields(f: DashboardFilter, query: CommentQuery) -> dict[str, str | list[str]]:
    """Return what the search form carries unseen: the page's filter and its page size."""
    fields = f.to_args()
    if query.limit != CommentQuery().limit:
        fields["limit"] = str(query.limit)
    return fields


@bp.get("/comments", endpoint="comments")
@role_required(*DASHBOARD_ROLES)
def comments_page() -> ResponseReturnValue:
    """List the comments the filter and the comment filters select, a keyset page at a time."""
    try:
        f = request_filter()
        query = CommentQuery.from_args(request.args)
    except FilterError as error:
        return filter_error_page(error)
    settings = InsightSettings.from_config(current_app.config)
    page = comments(f, settings, query)
    back = previous_page(f, settings, query)
    return render_template(
        "dashboards/comments.html",
        rows=[CommentRow(c, highlight(c.text, c.phrases)) for c in page.comments],
        query=query,
        next_url=_page_link(f, query, page.next_cursor) if page.next_cursor else None,
        previous_url=None if back is None else _page_link(f, query, back.cursor),
        first_url=_page_link(f, query, None) if query.after else None,
        hidden_filter=_hidden_fields(f, query),
        sentiments=SENTIMENT_LABELS,
        intents=INTENT_LABELS,
        score_bands=SCORE_LABELS,
        **page_context(f),
    )
