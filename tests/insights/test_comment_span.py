"""The rollups bound the days the comments page walks: every match inside, none lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey.contacts.models import Team
from survey.extensions import db
from survey.insights.comments import CommentQuery, ScoreBand, comments, rollup_span
from survey.insights.filters import DashboardFilter
from survey.insights.models import AnswerEnrichment
from survey.insights.rollups import InsightSettings
from survey.responding.models import Answer
from survey.surveys.models import Question, QuestionKind
from tests.insights import dataset
from tests.insights.factories import run_worker

SETTINGS = InsightSettings(dataset.MADRID)
WHOLE = DashboardFilter(date(2026, 2, 1), date(2026, 4, 30))

Row = dict[str, Any]


@pytest.fixture
def answered(app: Flask) -> Iterator[dict[str, int]]:
    """Forty customers answered in every way, enriched by the worker."""
    with app.app_context():
        dataset.build(seed=11, count=40)
    run_worker(app)
    with app.app_context():
        yield {slug: team_id for team_id, slug in db.session.execute(select(Team.id, Team.slug))}


def _truth(f: DashboardFilter) -> list[Row]:
    """Every comment under the dashboard filter, from the raw rows, with its local day."""
    rows = []
    for started_at, answer_id, key in dataset.recount().comments:
        if not dataset.matches(key, f):
            continue
        enrichment = db.session.get(AnswerEnrichment, answer_id)
        assert enrichment is not None
        score = db.session.scalar(
            select(func.min(Answer.number_value))
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.response_id == enrichment.response_id, Question.kind == QuestionKind.NPS)
        )
        band = (
            "none"
            if score is None
            else "promoter"
            if score >= 9
            else "passive"
            if score >= 7
            else "detractor"
        )
        rows.append(
            {
                "day": SETTINGS.day_of(started_at),
                "label": enrichment.label,
                "mismatch": enrichment.mismatch,
                "churn": enrichment.churn,
                "praise_person": enrichment.praise_person,
                "band": band,
            }
        )
    return rows


# Filters whose rollup count names exactly the matching answers: the span is the matches' own.
_EXACT: list[tuple[CommentQuery, Callable[[Row], bool]]] = [
    (CommentQuery(), lambda row: True),
    (CommentQuery(sentiment="negative"), lambda row: row["label"] == "negative"),
    (CommentQuery(mismatch=True), lambda row: row["mismatch"]),
    (CommentQuery(intent="churn"), lambda row: row["churn"]),
    (CommentQuery(intent="praise_person"), lambda row: row["praise_person"]),
    *(
        (CommentQuery(score_band=band), lambda row, band=band: row["band"] == band.value)
        for band in ScoreBand
    ),
]
# Filters the rollups only bound (their count holds other answers too): the span holds them.
_BOUNDED: list[tuple[CommentQuery, Callable[[Row], bool]]] = [
    (CommentQuery(sentiment="positive"), lambda row: row["label"] == "positive"),
    (CommentQuery(mismatch=False), lambda row: not row["mismatch"]),
    (
        CommentQuery(sentiment="negative", score_band=ScoreBand.DETRACTOR),
        lambda row: row["label"] == "negative" and row["band"] == "detractor",
    ),
]


def _filters(teams: dict[str, int]) -> list[DashboardFilter]:
    return [
        WHOLE,
        DashboardFilter(date(2026, 3, 5), date(2026, 3, 12)),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, team_ids=frozenset({teams["ventas"]})),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, language="en"),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, segment="pyme", lifecycle_stage="fiel"),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, team_ids=frozenset()),
        # A combination nobody answered under: the page must not walk the period for it.
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, language="fr", segment="pyme"),
    ]


def test_the_span_is_the_days_of_the_matches(answered: dict[str, int]) -> None:
    spans = 0
    for f in _filters(answered):
        truth = _truth(f)
        for query, keep in _EXACT:
            days = sorted(row["day"] for row in truth if keep(row))
            expected = (days[0], days[-1]) if days else None
            assert rollup_span(f, query) == expected, (f, query)
            spans += expected is not None
        for query, keep in _BOUNDED:
            span = rollup_span(f, query)
            days = [row["day"] for row in truth if keep(row)]
            if days:
                assert span is not None, (f, query)
                assert span[0] <= min(days), (f, query)
                assert max(days) <= span[1], (f, query)
    assert spans > 20  # the data has matches for most filters


def test_a_filter_matching_nothing_gives_an_empty_last_page(answered: dict[str, int]) -> None:
    f = DashboardFilter(WHOLE.date_from, WHOLE.date_to, language="fr")
    assert rollup_span(f, CommentQuery()) is None
    page = comments(f, SETTINGS, CommentQuery())
    assert page.comments == ()
    assert page.next_cursor is None
