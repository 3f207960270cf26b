"""Every dashboard figure equals a recount from the raw rows under the same filter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey.contacts.models import Team
from survey.extensions import db
from survey.insights.comments import CommentQuery, comments, count_comments
from survey.insights.filters import DashboardFilter, FilterError
from survey.insights.models import DAILY_COUNTS, AnswerEnrichment, AnswerPhrase
from survey.insights.queries import Totals, agent_report, overview, team_table, theme_counts
from survey.insights.rollups import InsightSettings
from tests.insights import dataset
from tests.insights.factories import run_worker

SETTINGS = InsightSettings(dataset.MADRID)
WHOLE = DashboardFilter(date(2026, 2, 1), date(2026, 4, 30))


@pytest.fixture
def answered(app: Flask) -> Iterator[dict[str, int]]:
    """Forty customers over three weeks, answered in every way, enriched by the worker."""
    with app.app_context():
        dataset.build(seed=11, count=40)
    run_worker(app)
    with app.app_context():
        yield {slug: team_id for team_id, slug in db.session.execute(select(Team.id, Team.slug))}


def _filters(teams: dict[str, int]) -> list[DashboardFilter]:
    soporte, ventas = teams["soporte-n1"], teams["ventas"]
    return [
        WHOLE,
        DashboardFilter(date(2026, 3, 5), date(2026, 3, 12)),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, team_ids=frozenset({soporte})),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, team_ids=frozenset({soporte, ventas})),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, language="en"),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, segment="pyme", lifecycle_stage="fiel"),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, touchpoint_type="ticket_closed"),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, team_ids=frozenset()),
    ]


def _as_dict(totals: Totals) -> dict[str, float]:
    return {name: float(value) for name, value in asdict(totals).items()}


def test_overview_and_teams_equal_the_recount(answered: dict[str, int]) -> None:
    raw = dataset.recount()
    assert sum(row["texts"] for row in raw.daily.values()) > 5  # the data has something to say
    for f in _filters(answered):
        expected = dataset.totals_under(raw, f)
        got = _as_dict(overview(f).figures.totals)
        assert got.keys() == expected.keys()
        for name in DAILY_COUNTS:
            assert got[name] == pytest.approx(expected[name]), (f, name)
        table = team_table(f)
        assert _as_dict(table.organisation.totals) == pytest.approx(expected)
        for row in table.teams:
            only = DashboardFilter(f.date_from, f.date_to, **_dimensions(f, row.team_id))
            assert _as_dict(row.figures.totals) == pytest.approx(dataset.totals_under(raw, only))


def _dimensions(f: DashboardFilter, team_id: int | None) -> dict[str, object]:
    keys = ("survey_id", "touchpoint_type", "segment", "lifecycle_stage", "language")
    chosen: dict[str, object] = {name: getattr(f, name) for name in keys}
    chosen["team_ids"] = frozenset({team_id}) if team_id is not None else None
    return chosen


def test_the_weekly_trend_adds_up_to_the_period(answered: dict[str, int]) -> None:
    result = overview(WHOLE)
    assert sum(point.nps.n for point in result.weekly) == result.figures.nps.n > 0
    assert [p.period_start.weekday() for p in result.weekly] == [0] * len(result.weekly)


def test_comments_walk_every_page_in_order(answered: dict[str, int]) -> None:
    raw = dataset.recount()
    for f in _filters(answered):
        expected = [
            answer_id
            for _, answer_id, key in sorted(raw.comments, key=lambda c: (c[0], c[1]), reverse=True)
            if dataset.matches(key, f)
        ]
        seen: list[int] = []
        query = CommentQuery(limit=7)
        while True:
            page = comments(f, SETTINGS, query)
            seen.extend(comment.answer_id for comment in page.comments)
            if page.next_cursor is None:
                break
            query = CommentQuery(limit=7, after=page.next_cursor)
        assert seen == expected
        assert count_comments(f, SETTINGS, CommentQuery()) == len(expected)
        assert overview(f).figures.totals.texts == len(expected)


def test_comment_filters_match_the_enrichment(answered: dict[str, int]) -> None:
    negative = comments(WHOLE, SETTINGS, CommentQuery(sentiment="negative", limit=200))
    stored = db.session.scalars(
        select(AnswerEnrichment.answer_id).where(AnswerEnrichment.label == "negative")
    ).all()
    assert sorted(c.answer_id for c in negative.comments) == sorted(stored)
    churn = comments(WHOLE, SETTINGS, CommentQuery(intent="churn", limit=200)).comments
    assert churn
    assert all("churn" in c.intents for c in churn)
    detractors = comments(WHOLE, SETTINGS, CommentQuery(score_band="detractor", limit=200))
    assert all(c.score is not None and c.score <= 6 for c in detractors.comments)
    theme = db.session.scalars(select(AnswerPhrase.theme)).first()
    assert theme is not None
    about = comments(WHOLE, SETTINGS, CommentQuery(theme=theme, limit=200)).comments
    mentioning = db.session.scalars(
        select(AnswerPhrase.answer_id).where(AnswerPhrase.theme == theme)
    ).all()
    assert sorted(c.answer_id for c in about) == sorted(mentioning)


def test_search_finds_an_answer_after_one_worker_pass(answered: dict[str, int]) -> None:
    found = comments(WHOLE, SETTINGS, CommentQuery(q="factura", limit=200)).comments
    assert found
    assert all("factura" in c.text.lower() for c in found)
    # English stems on both databases: "invoice" finds "invoice" in English answers.
    english = comments(WHOLE, SETTINGS, CommentQuery(q="invoice", limit=200)).comments
    assert english
    assert all("invoice" in c.text.lower() for c in english)
    # Search syntax in the input is searched as words, never an error.
    for hostile in ('"AND*(', "NEAR(", "<script>", "'; DROP TABLE answer; --", "*"):
        comments(WHOLE, SETTINGS, CommentQuery(q=hostile))


def test_themes_and_agents_equal_the_recount(answered: dict[str, int]) -> None:
    raw = dataset.recount()
    for language in ("es", "en"):
        f = DashboardFilter(WHOLE.date_from, WHOLE.date_to, language=language)
        expected: dict[str, int] = {}
        for key, (answers, _) in raw.phrases.items():
            if dataset.matches(key[:7], f):
                expected[key[8]] = expected.get(key[8], 0) + int(answers)
        got = {counts.theme: counts.answers for counts in theme_counts(f, language)}
        assert got == expected
    team_id = answered["soporte-n1"]
    report = agent_report(WHOLE, team_id)
    expected_agents: dict[str, int] = {}
    for key, counts in raw.agents.items():
        if key[2] == team_id:
            expected_agents[key[7]] = expected_agents.get(key[7], 0) + sum(counts)
    assert {agent.agent: agent.n for agent in report.agents} == expected_agents
    # A scoped filter hides other teams' agents even when asked by id.
    scoped = WHOLE.scoped([answered["ventas"]])
    assert agent_report(scoped, team_id).agents == ()


def test_the_filter_reads_and_writes_the_url() -> None:
    args = MultiDict(
        [
            ("from", "2026-03-01"),
            ("to", "2026-03-31"),
            ("team", "3"),
            ("team", "5"),
            ("lang", "en"),
            ("segment", "pyme"),
            ("compare", "1"),
        ]
    )
    f = DashboardFilter.from_args(args, today=date(2026, 4, 1))
    assert f.team_ids == frozenset({3, 5})
    assert f.compare_previous
    assert f.language == "en"
    assert DashboardFilter.from_args(MultiDict(f.to_args()), today=date(2026, 4, 1)) == f
    assert f.previous().date_to == date(2026, 2, 28)
    assert f.previous().days == f.days == 31
    # A scoped user: hostile team ids fall away, no team asked means all of theirs.
    assert DashboardFilter.from_args(
        args, today=date(2026, 4, 1), allowed_teams=[5, 9]
    ).team_ids == {5}
    assert DashboardFilter.from_args({}, today=date(2026, 4, 1), allowed_teams=[9]).team_ids == {9}
    default = DashboardFilter.from_args({}, today=date(2026, 4, 1))
    assert (default.date_to, default.days, default.team_ids) == (date(2026, 4, 1), 90, None)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"team": "abc"}, "team"),
        ({"team": "-1"}, "team"),
        ({"survey": "0"}, "survey"),
        ({"lang": "fr"}, "lang"),
        ({"compare": "maybe"}, "compare"),
        ({"segment": "x" * 65}, "segment"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
    ],
)
def test_a_bad_filter_names_its_field(args: dict[str, str], field: str) -> None:
    with pytest.raises(FilterError) as raised:
        DashboardFilter.from_args(args, today=date(2026, 4, 1))
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"sentiment": "angry"}, "sentiment"),
        ({"after": "x-1"}, "after"),
        ({"limit": "0"}, "limit"),
        ({"intent": "x"}, "intent"),
        ({"score": "7"}, "score"),
    ],
)
def test_a_bad_comment_filter_names_its_field(args: dict[str, str], field: str) -> None:
    with pytest.raises(FilterError) as raised:
        CommentQuery.from_args(args)
    assert raised.value.field == field
