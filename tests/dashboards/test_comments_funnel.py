"""The comments and funnel pages: search after one worker pass, every comment filter, keyset
pages that neither repeat nor skip, drill-down links, customers' words as text, and funnel
numbers equal to a recount from the raw rows under the same filter (both databases)."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey.contacts.models import Contact, Team
from survey.dashboards.comments import highlight
from survey.dashboards.links import comments_url
from survey.distribution.intake import record_touchpoints
from survey.distribution.models import Invitation, InvitationStatus, Touchpoint, TouchpointSource
from survey.extensions import db
from survey.insights.comments import CommentQuery
from survey.insights.filters import DashboardFilter
from survey.insights.models import AnswerEnrichment, AnswerPhrase
from survey.insights.rollups import InsightSettings
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, QuestionKind
from tests.helpers import AuthActions, make_user
from tests.insights import dataset
from tests.insights.factories import answer, invite, run_worker
from tests.touchpoint_factories import checked, event

WHOLE = DashboardFilter(date(2026, 2, 1), date(2026, 4, 30))
HOSTILE = ("<script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "</script>")
HOSTILE_TEAM = "Equipo <script>alert(1)</script>"
HOSTILE_TEXT = (
    "La factura llegó mal. <script>alert(1)</script> "
    '"><img src=x onerror=alert(1)> {{7*7}} </script> fatal'
)
_ANSWER = re.compile(r'<li data-answer="(\d+)">')
_HREF = re.compile(r'href="([^"]+)"')


def _hostile_customer() -> None:
    """A customer of a team whose name is markup, who answered with markup and a theme."""
    raw = event(990, team=HOSTILE_TEAM, contact={"email": "hostile@example.com", "locale": "es"})
    outcomes = record_touchpoints(
        checked(raw, now=dataset.NOW), TouchpointSource.API, now=dataset.NOW
    )
    invitation_id = outcomes[0].invitations[0].invitation_id
    sent = dataset.NOW + timedelta(days=25)
    dataset.mark_sent(invitation_id, sent)
    _, definition = dataset._reference(invitation_id)
    values: dict[str, str | None] = {}
    for question in definition.questions:
        if question.kind is QuestionKind.TEXT:
            values[question.key] = HOSTILE_TEXT
        elif question.kind is QuestionKind.NPS:
            values[question.key] = "2"
    dataset.complete(invitation_id, values, sent + timedelta(minutes=30))


def _repeat_touchpoints() -> None:
    """Second touchpoints for customers already invited: the rules skip them."""
    raw = [
        event(2000 + n, team="Ventas", contact={"email": f"customer{n}@example.com"})
        for n in range(4)
    ]
    record_touchpoints(checked(*raw, now=dataset.NOW), TouchpointSource.API, now=dataset.NOW)


@pytest.fixture
def answered(app: Flask) -> dict[str, int]:
    """Forty customers answered in every way, a hostile one and skipped repeats, enriched."""
    with app.app_context():
        dataset.build(seed=11, count=40)
        _hostile_customer()
        _repeat_touchpoints()
    run_worker(app)
    with app.app_context():
        return {slug: team_id for team_id, slug in db.session.execute(select(Team.id, Team.slug))}


@pytest.fixture
def staff(app: Flask, client: FlaskClient, auth: AuthActions) -> FlaskClient:
    """A signed-in analyst."""
    make_user(app, "analyst@example.com", "analyst")
    auth.login("analyst@example.com")
    return client


def _url(path: str, f: DashboardFilter, **extra: Any) -> str:
    parts = []
    for name, value in [*f.to_args().items(), *extra.items()]:
        for one in value if isinstance(value, list) else [value]:
            parts.append((name, str(one)))
    from urllib.parse import urlencode

    return f"{path}?{urlencode(parts)}"


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _listed(page: str) -> list[int]:
    return [int(found) for found in _ANSWER.findall(page)]


# The truth, recounted from the raw rows in Python ------------------------------------------


def _comment_truth(app: Flask, f: DashboardFilter) -> list[dict[str, Any]]:
    """Every comment under the filter, newest first, with what the filters look at."""
    with app.app_context():
        raw = dataset.recount()
        kinds = dict(db.session.execute(select(Question.id, Question.kind)).all())
        rows = []
        for _started_at, answer_id, key in sorted(
            raw.comments, key=lambda c: (c[0], c[1]), reverse=True
        ):
            if not dataset.matches(key, f):
                continue
            enrichment = db.session.get(AnswerEnrichment, answer_id)
            assert enrichment is not None
            scores = [
                int(a.number_value)
                for a in db.session.scalars(
                    select(Answer).where(Answer.response_id == enrichment.response_id)
                )
                if kinds[a.question_id] is QuestionKind.NPS and a.number_value is not None
            ]
            themes = db.session.scalars(
                select(AnswerPhrase.theme).where(AnswerPhrase.answer_id == answer_id)
            ).all()
            rows.append(
                {
                    "id": answer_id,
                    "label": enrichment.label,
                    "mismatch": enrichment.mismatch,
                    "churn": enrichment.churn,
                    "not_heard": enrichment.not_heard,
                    "repeat_contact": enrichment.repeat_contact,
                    "praise_person": enrichment.praise_person,
                    "score": min(scores) if scores else None,
                    "themes": set(themes),
                }
            )
        return rows


def _band(score: int | None) -> str:
    if score is None:
        return "none"
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def _walk(client: FlaskClient, url: str) -> list[list[int]]:
    """Follow the "older" links from a page to the last; return each page's answers."""
    pages = []
    seen_urls = set()
    while url:
        assert url not in seen_urls
        seen_urls.add(url)
        page = _page(client, url)
        pages.append(_listed(page))
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = html.unescape(found.group(1)) if found else ""
    return pages


# Comments ------------------------------------------------------------------------------------


def test_search_finds_an_answer_after_one_worker_pass(app: Flask, staff: FlaskClient) -> None:
    with app.app_context():
        token = invite("zeta@example.com", locale="en")
        answer(token, {"nps": "3", "comment": "The refrigerator arrived scratched and dented."})
    # Answered now: the page's default period (the last 90 days) holds it.
    before = _page(staff, "/dashboard/comments?q=refrigerator")
    assert not _listed(before)
    assert "scratched" not in before
    run_worker(app)
    after = _page(staff, "/dashboard/comments?q=refrigerator")
    plain = after.replace("<mark>", "").replace("</mark>", "")
    assert "The refrigerator arrived scratched and dented." in plain
    assert len(_listed(after)) == 1
    assert not _listed(_page(staff, "/dashboard/comments?q=washing"))


def test_each_comment_filter_lists_what_the_raw_rows_say(
    app: Flask, answered: dict[str, int], staff: FlaskClient
) -> None:
    truth = _comment_truth(app, WHOLE)
    assert len(truth) > 10
    with app.app_context():
        theme = db.session.scalars(select(AnswerPhrase.theme).order_by(AnswerPhrase.theme)).first()
    assert theme is not None
    cases: list[tuple[dict[str, str], Any]] = [
        ({}, lambda row: True),
        ({"sentiment": "negative"}, lambda row: row["label"] == "negative"),
        ({"sentiment": "positive"}, lambda row: row["label"] == "positive"),
        ({"mismatch": "1"}, lambda row: row["mismatch"]),
        ({"mismatch": "0"}, lambda row: not row["mismatch"]),
        ({"intent": "churn"}, lambda row: row["churn"]),
        ({"intent": "praise_person"}, lambda row: row["praise_person"]),
        ({"score": "detractor"}, lambda row: _band(row["score"]) == "detractor"),
        ({"score": "promoter"}, lambda row: _band(row["score"]) == "promoter"),
        ({"score": "none"}, lambda row: row["score"] is None),
        ({"theme": theme}, lambda row: theme in row["themes"]),
        ({"sentiment": "negative", "score": "detractor"}, None),
    ]
    nonempty = 0
    for args, keep in cases:
        if keep is None:

            def keep(row: dict[str, Any]) -> bool:
                return row["label"] == "negative" and _band(row["score"]) == "detractor"

        expected = [row["id"] for row in truth if keep(row)]
        listed = _page(staff, _url("/dashboard/comments", WHOLE, limit=200, **args))
        assert _listed(listed) == expected, args
        nonempty += bool(expected)
    assert nonempty >= 8


def test_keyset_pages_neither_repeat_nor_skip_and_keep_the_filter(
    app: Flask, answered: dict[str, int], staff: FlaskClient
) -> None:
    f = DashboardFilter(WHOLE.date_from, WHOLE.date_to, language="es")
    for args in ({}, {"sentiment": "negative"}):
        expected = [
            row["id"] for row in _comment_truth(app, f) if not args or row["label"] == "negative"
        ]
        assert len(expected) > 4
        pages = _walk(staff, _url("/dashboard/comments", f, limit=2, **args))
        walked = [answer_id for page in pages for answer_id in page]
        assert walked == expected  # same order, no duplicate, nothing skipped
        assert all(len(page) == 2 for page in pages[:-1])
    # Going back from the third page lands on the second, then the first.
    first = _page(staff, _url("/dashboard/comments", f, limit=2))
    second_url = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))  # type: ignore[union-attr]
    second = _page(staff, second_url)
    third_url = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', second).group(1))  # type: ignore[union-attr]
    third = _page(staff, third_url)
    back_url = html.unescape(re.search(r'<a href="([^"]+)" rel="prev">', third).group(1))  # type: ignore[union-attr]
    assert _listed(_page(staff, back_url)) == _listed(second)
    back_again = html.unescape(re.search(r'<a href="([^"]+)" rel="prev">', second).group(1))  # type: ignore[union-attr]
    assert _listed(_page(staff, back_again)) == _listed(first)
    assert 'rel="prev"' not in first
    for link in (second_url, third_url, back_url):
        args = parse_qs(urlsplit(link).query)
        assert args["lang"] == ["es"]
        assert args["limit"] == ["2"]
        assert args["from"] == [WHOLE.date_from.isoformat()]


def test_customers_words_render_as_text_with_their_themes_marked(
    app: Flask, answered: dict[str, int], staff: FlaskClient
) -> None:
    for url in (
        _url("/dashboard/comments", WHOLE),
        _url("/dashboard/comments", WHOLE, q="factura"),
        _url("/dashboard/funnel", WHOLE),
    ):
        page = _page(staff, url)
        assert "<script>alert(1)" not in page, url
        assert "<img src=x" not in page, url
        assert page.count("</script>") == page.count("<script src="), url
        assert "Equipo &lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    page = _page(staff, _url("/dashboard/comments", WHOLE))
    assert "{{7*7}}" in page
    plain = page.replace("<mark>", "").replace("</mark>", "")
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; {{7*7}} &lt;/script&gt;" in plain
    assert "<mark>" in page  # theme phrases are marked, as text inside <mark>
    for marked in re.findall(r"<mark>(.*?)</mark>", page):
        assert "<" not in marked


def test_highlight_marks_phrases_as_plain_segments() -> None:
    segments = highlight("Long WAIT time <b>, wait time again", ["wait time", ""])
    assert [(s.text, s.marked) for s in segments] == [
        ("Long ", False),
        ("WAIT time", True),
        (" <b>, ", False),
        ("wait time", True),
        (" again", False),
    ]
    assert highlight("", ["x"]) == ()
    assert [s.text for s in highlight("a.b", [".*"])] == ["a.b"]
    # Whole words only: a phrase inside a longer word is not marked.
    assert [s.marked for s in highlight("restart art", ["art"])] == [False, True]


def test_a_bad_comment_filter_names_the_field(answered: dict[str, int], staff: FlaskClient) -> None:
    for args, field in (
        ("sentiment=angry", "sentiment"),
        ("intent=<script>", "intent"),
        ("score=11", "score"),
        ("mismatch=maybe", "mismatch"),
        ("after=garbage", "after"),
        ("limit=100000", "limit"),
    ):
        response = staff.get(f"/dashboard/comments?{args}", headers={"Accept-Language": "en"})
        assert response.status_code == 400, args
        body = response.get_data(as_text=True)
        assert field in body
        assert "<script>" not in body.split("<body", 1)[-1].replace("<script src=", "")
    assert staff.get("/dashboard/funnel?to=never").status_code == 400


# Drill-down ----------------------------------------------------------------------------------


def test_comments_url_carries_the_filter_and_the_drill_down(app: Flask) -> None:
    f = DashboardFilter(WHOLE.date_from, WHOLE.date_to, team_ids=frozenset({1, 2}), language="en")
    with app.test_request_context():
        url = comments_url(
            f, team=2, sentiment="negative", mismatch=True, score="detractor", theme="wait time"
        )
        staged = comments_url(f, stage="fiel", intent="churn")
        with pytest.raises(TypeError):
            comments_url(f, colour="red")
    parts = urlsplit(url)
    assert parts.path == "/dashboard/comments"
    args = MultiDict(parse_qs(parts.query))
    args = MultiDict([(k, v) for k, values in parse_qs(parts.query).items() for v in values])
    back = DashboardFilter.from_args(args, today=WHOLE.date_to)
    assert back.team_ids == frozenset({2})
    assert back.language == "en"
    assert (back.date_from, back.date_to) == (f.date_from, f.date_to)
    query = CommentQuery.from_args(args)
    assert (query.sentiment, query.mismatch, query.score_band, query.theme) == (
        "negative",
        True,
        "detractor",
        "wait time",
    )
    staged_args = parse_qs(urlsplit(staged).query)
    assert staged_args["stage"] == ["fiel"]
    assert staged_args["team"] == ["1", "2"]
    assert staged_args["intent"] == ["churn"]


def test_every_funnel_and_teams_link_lands_on_the_matching_comments(
    app: Flask, answered: dict[str, int], staff: FlaskClient
) -> None:
    f = DashboardFilter(WHOLE.date_from, WHOLE.date_to, language="es")
    followed = 0
    for path in ("/dashboard/funnel", "/dashboard/teams"):
        page = _page(staff, _url(path, f))
        for href in {html.unescape(h) for h in _HREF.findall(page)}:
            if not href.startswith("/dashboard/comments?"):
                continue  # the navigation's own link
            args = MultiDict(
                [(k, v) for k, values in parse_qs(urlsplit(href).query).items() for v in values]
            )
            assert args.getlist("lang") == ["es"], href
            drilled = DashboardFilter.from_args(args, today=WHOLE.date_to)
            query = CommentQuery.from_args(args)
            expected = [
                row["id"]
                for row in _comment_truth(app, drilled)
                if query.sentiment in (None, row["label"])
                and query.mismatch in (None, row["mismatch"])
            ]
            listed = _page(staff, href + "&limit=200")
            assert _listed(listed) == expected, href
            followed += 1
    assert followed >= 6


# Funnel ----------------------------------------------------------------------------------------


def _funnel_truth(
    app: Flask, f: DashboardFilter, group: str | None = None
) -> dict[Any, Counter[str]]:
    """Recount the funnel from touchpoints, invitations and responses, in Python."""
    settings = InsightSettings(dataset.MADRID)
    start, end = settings.bounds(f.date_from)[0], settings.bounds(f.date_to)[1]
    found: dict[Any, Counter[str]] = {}
    with app.app_context():
        kinds = dict(db.session.execute(select(Question.id, Question.kind)).all())
        for touchpoint in db.session.scalars(select(Touchpoint)):
            contact = (
                db.session.get(Contact, touchpoint.contact_id) if touchpoint.contact_id else None
            )
            if not start <= touchpoint.occurred_at < end:
                continue
            if f.team_ids is not None and touchpoint.team_id not in f.team_ids:
                continue
            if f.touchpoint_type not in (None, touchpoint.type):
                continue
            segment = contact.segment if contact else None
            stage = contact.lifecycle_stage if contact else None
            if f.segment not in (None, segment) or f.lifecycle_stage not in (None, stage):
                continue
            invitations = [
                i
                for i in db.session.scalars(
                    select(Invitation).where(Invitation.touchpoint_id == touchpoint.id)
                )
                if f.survey_id in (None, i.survey_id) and f.language in (None, i.locale)
            ]
            if (f.survey_id or f.language) and not invitations:
                continue
            key = {
                None: None,
                "team": touchpoint.team_id,
                "stage": stage,
                "segment": segment,
                "type": touchpoint.type,
            }[group]
            counts = found.setdefault(key, Counter())
            counts["touchpoints"] += 1
            for invitation in invitations:
                _count_invitation(counts, invitation, kinds)
    return found


def _count_invitation(counts: Counter[str], invitation: Invitation, kinds: dict[int, Any]) -> None:
    if invitation.status == InvitationStatus.SKIPPED:
        counts["skipped"] += 1
        counts[f"skip:{invitation.skip_reason}"] += 1
        return
    counts["invited"] += 1
    sent_statuses = (InvitationStatus.SENT, InvitationStatus.ANSWERED, InvitationStatus.EXPIRED)
    if invitation.sent_at is not None or invitation.status in sent_statuses:
        counts["sent"] += 1
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if response is None or response.completed_at is None or response.suspected_scanner:
        return
    counts["answered"] += 1
    values = {
        kinds[a.question_id]: int(a.number_value)
        for a in db.session.scalars(select(Answer).where(Answer.response_id == response.id))
        if a.number_value is not None
    }
    score, csat = values.get(QuestionKind.NPS), values.get(QuestionKind.CSAT)
    if score is not None:
        counts[
            {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}[
                _band(score)
            ]
        ] += 1
    # Satisfied: CSAT 4-5 where asked, else an NPS of 7 or more; not loyal: NPS below 9.
    satisfied = csat >= 4 if csat is not None else score is not None and score >= 7
    if satisfied:
        counts["satisfied"] += 1
        if score is not None and score < 9:
            counts["not_loyal"] += 1


_STEPS = re.compile(
    r'data-touchpoints="(\d+)" data-invited="(\d+)" data-skipped="(\d+)" '
    r'data-sent="(\d+)" data-answered="(\d+)"'
)
_GROUP_ROW = re.compile(
    r'<tr data-group="([^"]*)" data-touchpoints="(\d+)" data-invited="(\d+)" data-skipped="(\d+)" '
    r'data-sent="(\d+)" data-answered="(\d+)" data-promoters="(\d+)" data-passives="(\d+)" '
    r'data-detractors="(\d+)" data-satisfied="(\d+)" data-not-loyal="(\d+)">'
)
_GROUP_FIELDS = (
    "touchpoints",
    "invited",
    "skipped",
    "sent",
    "answered",
    "promoters",
    "passives",
    "detractors",
    "satisfied",
    "not_loyal",
)


def _section(page: str, table_id: str) -> str:
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]


def test_funnel_numbers_equal_the_recount_under_each_filter(
    app: Flask, answered: dict[str, int], staff: FlaskClient
) -> None:
    soporte = answered["soporte-n1"]
    filters = [
        WHOLE,
        DashboardFilter(date(2026, 3, 5), date(2026, 3, 12)),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, team_ids=frozenset({soporte})),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, language="en"),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, segment="pyme", lifecycle_stage="fiel"),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, touchpoint_type="ticket_closed"),
    ]
    skipped_somewhere = False
    for f in filters:
        page = _page(staff, _url("/dashboard/funnel", f))
        total = _funnel_truth(app, f).get(None, Counter())
        steps = _STEPS.search(page)
        assert steps is not None
        names = ("touchpoints", "invited", "skipped", "sent", "answered")
        assert {n: int(v) for n, v in zip(names, steps.groups(), strict=True)} == {
            n: total[n] for n in names
        }, f
        for reason in re.findall(r'<li data-reason="([^"]+)" data-count="(\d+)">', page):
            assert total[f"skip:{reason[0]}"] == int(reason[1]), (f, reason)
            skipped_somewhere = True
        if not total["touchpoints"]:
            continue
        for table_id, group in (
            ("funnel-team", "team"),
            ("funnel-stage", "stage"),
            ("funnel-segment", "segment"),
            ("funnel-type", "type"),
        ):
            truth = _funnel_truth(app, f, group)
            rows = _GROUP_ROW.findall(_section(page, table_id))
            shown = {
                (value or None): dict(zip(_GROUP_FIELDS, map(int, numbers), strict=True))
                for value, *numbers in rows
            }
            expected = {
                (None if key is None else str(key)): {n: counts[n] for n in _GROUP_FIELDS}
                for key, counts in truth.items()
            }
            assert shown == expected, (f, group)
    assert skipped_somewhere


def test_satisfied_but_not_loyal_shows_where_it_lives(
    app: Flask, answered: dict[str, int], staff: FlaskClient
) -> None:
    page = _page(staff, _url("/dashboard/funnel", WHOLE))
    truth = _funnel_truth(app, WHOLE, "stage")
    assert sum(counts["not_loyal"] for counts in truth.values()) > 0
    rows = _GROUP_ROW.findall(_section(page, "funnel-stage"))
    assert {(value or None): int(numbers[-1]) for value, *numbers in rows} == {
        key: counts["not_loyal"] for key, counts in truth.items()
    }
    assert "Satisfied but not loyal" in page


def test_pages_need_a_staff_sign_in(client: FlaskClient) -> None:
    for path in ("/dashboard/comments", "/dashboard/funnel"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_search_reads_the_same_answers_by_id_or_by_walking(
    app: Flask, answered: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from survey.insights import comments as reads

    settings = InsightSettings(dataset.MADRID)
    query = CommentQuery(q="factura", limit=200)
    with app.app_context():
        by_id = [c.answer_id for c in reads.comments(WHOLE, settings, query).comments]
        # Every search is "common" now: PostgreSQL walks the newest answers instead.
        monkeypatch.setattr(reads, "RARE_MATCHES", 0)
        walked = [c.answer_id for c in reads.comments(WHOLE, settings, query).comments]
        monkeypatch.setattr(reads, "RARE_MATCHES", 2000)
        absent = reads.comments(WHOLE, settings, CommentQuery(q="xilófono")).comments
    assert by_id
    assert by_id == walked
    assert absent == ()
