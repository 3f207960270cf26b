"""Dashboard pages: every figure equals a recount from the raw rows under the page's filter,
every link keeps that filter, and customers' words render as text in pages and chart JSON."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from analysis import nps
from survey.contacts.models import Team
from survey.distribution.intake import record_touchpoints
from survey.distribution.models import TouchpointSource
from survey.extensions import db
from survey.insights.filters import DashboardFilter
from tests.helpers import AuthActions, make_user
from tests.insights import dataset
from tests.insights.factories import run_worker
from tests.touchpoint_factories import checked, event

WHOLE = DashboardFilter(date(2026, 2, 1), date(2026, 4, 30))
PAGES = ("/dashboard", "/dashboard/teams", "/dashboard/themes", "/dashboard/integrity")
HOSTILE = ("<script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "</script>")
HOSTILE_TEAM = "Equipo <script>alert(1)</script>"
HOSTILE_AGENT = '"><img src=x onerror=alert(1)>'
_FIGURE = re.compile(r"data-figure='([^']*)'")
_METRIC = re.compile(r'data-metric="([\w-]+)"((?: data-[\w-]+="[^"]*")*)')
_ROW = re.compile(r'<tr data-team="(\d*)" data-n="(\d+)" data-nps="([-\d.e]+)" data-texts="(\d+)"')
_HREF = re.compile(r'href="([^"]+)"')


def _hostile_touchpoint() -> None:
    """One customer of a team and agent whose names are markup, answered with a comment."""
    raw = event(
        990,
        team=HOSTILE_TEAM,
        agent=HOSTILE_AGENT,
        contact={"email": "hostile@example.com", "locale": "es"},
    )
    outcomes = record_touchpoints(
        checked(raw, now=dataset.NOW), TouchpointSource.API, now=dataset.NOW
    )
    invitation_id = outcomes[0].invitations[0].invitation_id
    sent = dataset.NOW + timedelta(days=25)  # the newest answer: first among the comments
    dataset.mark_sent(invitation_id, sent)
    _, definition = dataset._reference(invitation_id)
    values = dataset.random_values(__import__("random").Random(1), definition)
    for question in definition.questions:
        if question.kind.value == "text":
            values[question.key] = (
                "Horrible, nadie me ayudó. <script>alert(1)</script> "
                '"><img src=x onerror=alert(1)> {{7*7}} </script> fatal'
            )
        if question.kind.value == "nps":
            values[question.key] = "2"
    dataset.complete(invitation_id, values, sent + timedelta(seconds=30))  # a fast answer


@pytest.fixture
def answered(app: Flask) -> dict[str, int]:
    """Forty customers answered in every way plus a hostile one, enriched by one worker pass."""
    with app.app_context():
        dataset.build(seed=11, count=40)
        _hostile_touchpoint()
    run_worker(app)
    # Not yielded inside the app context: requests must not share one `g` (it caches the language).
    with app.app_context():
        return {slug: team_id for team_id, slug in db.session.execute(select(Team.id, Team.slug))}


@pytest.fixture
def staff(app: Flask, client: FlaskClient, auth: AuthActions) -> FlaskClient:
    """A signed-in analyst."""
    make_user(app, "analyst@example.com", "analyst")
    auth.login("analyst@example.com")
    return client


def _query(f: DashboardFilter) -> str:
    parts = []
    for name, value in f.to_args().items():
        for one in value if isinstance(value, list) else [value]:
            parts.append(f"{name}={one}")
    return "&".join(parts)


def _get(client: FlaskClient, path: str, f: DashboardFilter = WHOLE) -> str:
    response = client.get(f"{path}?{_query(f)}", headers={"Accept-Language": "en"})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _metrics(page: str) -> dict[str, dict[str, float]]:
    found = {}
    for name, attributes in _METRIC.findall(page):
        pairs = re.findall(r'data-([\w-]+)="([^"]*)"', attributes)
        found[name] = {key: float(value) for key, value in pairs if value not in ("", "None")}
    return found


def _filters(teams: dict[str, int]) -> list[DashboardFilter]:
    soporte = teams["soporte-n1"]
    return [
        WHOLE,
        DashboardFilter(date(2026, 3, 5), date(2026, 3, 12)),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, team_ids=frozenset({soporte})),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, language="en"),
        DashboardFilter(WHOLE.date_from, WHOLE.date_to, segment="pyme", compare_previous=True),
        DashboardFilter(date(2026, 3, 12), date(2026, 3, 22), compare_previous=True),
    ]


def test_overview_figures_equal_the_recount_under_each_filter(
    answered: dict[str, int], staff: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        raw = dataset.recount()
    for f in _filters(answered):
        expected = dataset.totals_under(raw, f)
        metrics = _metrics(_get(staff, "/dashboard", f))
        score = nps.from_counts(
            int(expected["promoters"]), int(expected["passives"]), int(expected["detractors"])
        )
        assert metrics["nps"]["n"] == expected["responses"], f
        if score.n:
            assert metrics["nps"]["value"] == pytest.approx(score.score), f
        ces_n = sum(expected[f"ces_{value}"] for value in range(1, 8))
        assert metrics["ces"]["n"] == ces_n, f
        heard_n = expected["heard_yes"] + expected["heard_partly"] + expected["heard_no"]
        assert metrics["heard"]["n"] == heard_n, f
        assert metrics["negative"]["n"] == expected["texts"], f
        assert metrics["negative"]["count"] == expected["negatives"], f
        assert metrics["mismatch"]["count"] == expected["mismatches"], f
        assert metrics["not-heard"]["count"] == expected["not_heard"], f
        assert metrics["response-rate"]["n"] == expected["invited"], f
        if f.compare_previous:
            before = dataset.totals_under(raw, f.previous())
            assert metrics["nps"]["previous-n"] == before["responses"], f
        else:
            assert "previous-n" not in metrics["nps"]


def test_team_rows_equal_the_recount(
    answered: dict[str, int], staff: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        raw = dataset.recount()
    for f in _filters(answered)[:3]:
        rows = _ROW.findall(_get(staff, "/dashboard/teams", f))
        assert rows, f
        for team, n, score, texts in rows:
            only = DashboardFilter(
                f.date_from,
                f.date_to,
                team_ids=frozenset({int(team)}),
                language=f.language,
                segment=f.segment,
            )
            expected = dataset.totals_under(raw, only)
            assert int(n) == expected["responses"], (f, team)
            assert int(texts) == expected["texts"], (f, team)
            counts = nps.from_counts(
                int(expected["promoters"]), int(expected["passives"]), int(expected["detractors"])
            )
            assert float(score) == pytest.approx(counts.score), (f, team)


_SECTION = re.compile(
    r'data-team="(\d*)" data-invited="(\d+)" data-manual="(\d+)" data-answered="(\d+)" '
    r'data-tens="(\d+)" data-silent="(\d+)" data-fast="(\d+)"'
)


def _integrity_recount(app: Flask, f: DashboardFilter) -> dict[str, list[int]]:
    """Count each team's invitations and answers from the raw rows, in Python."""
    from survey.distribution.models import Invitation, InvitationOrigin
    from survey.insights.rollups import InsightSettings
    from survey.responding.models import Answer, Response
    from survey.surveys.models import Question, QuestionKind

    counts: dict[str, list[int]] = {}
    with app.app_context():
        settings = InsightSettings.from_config(app.config)
        responses = {r.invitation_id: r for r in db.session.scalars(select(Response))}
        answers = db.session.execute(
            select(Answer.response_id, Question.kind, Answer.number_value, Answer.text_value).join(
                Question, Question.id == Answer.question_id
            )
        ).all()
        tens = {r for r, kind, value, _ in answers if kind is QuestionKind.NPS and value == 10}
        worded = {
            r for r, kind, _, text in answers if kind is QuestionKind.TEXT and (text or "").strip()
        }
        for invitation in db.session.scalars(select(Invitation)):
            delivered = invitation.sent_at or invitation.created_at
            response = responses.get(invitation.id)
            if not f.date_from <= settings.day_of(delivered) <= f.date_to:
                continue
            if invitation.sent_at is None and response is None:
                continue
            if f.team_ids is not None and invitation.team_id not in f.team_ids:
                continue
            row = counts.setdefault(str(invitation.team_id or ""), [0] * 6)
            row[0] += 1
            row[1] += invitation.origin is InvitationOrigin.MANUAL
            if response is None or response.suspected_scanner:
                continue
            row[2] += 1
            row[3] += response.id in tens
            row[4] += response.id in tens and response.id not in worded
            row[5] += (response.started_at - delivered).total_seconds() < 60
    return counts


def test_integrity_counts_equal_the_recount(
    answered: dict[str, int], staff: FlaskClient, app: Flask
) -> None:
    for f in _filters(answered)[:3]:
        page = _get(staff, "/dashboard/integrity", f)
        shown = {team: [int(value) for value in values] for team, *values in _SECTION.findall(page)}
        assert shown == _integrity_recount(app, f), f
    assert any(row[5] for row in _integrity_recount(app, WHOLE).values())  # a fast answer


def test_a_filter_changes_the_numbers(answered: dict[str, int], staff: FlaskClient) -> None:
    everyone = _metrics(_get(staff, "/dashboard"))["nps"]["n"]
    one_team = DashboardFilter(
        WHOLE.date_from, WHOLE.date_to, team_ids=frozenset({answered["ventas"]})
    )
    assert 0 < _metrics(_get(staff, "/dashboard", one_team))["nps"]["n"] < everyone


def test_every_link_keeps_the_filter(answered: dict[str, int], staff: FlaskClient) -> None:
    f = DashboardFilter(
        WHOLE.date_from,
        WHOLE.date_to,
        team_ids=frozenset({answered["soporte-n1"], answered["ventas"]}),
        language="es",
    )
    wanted = {name: v if isinstance(v, list) else [v] for name, v in f.to_args().items()}
    for path in PAGES:
        page = _get(staff, path, f)
        drill = [
            html.unescape(href)
            for href in _HREF.findall(page)
            if href.startswith(
                ("/dashboard/comments", "/dashboard/integrity?", "/dashboard/teams?")
            )
        ]
        assert drill or path == "/dashboard/integrity", path
        for href in drill:
            args = parse_qs(urlsplit(href).query)
            for name, values in wanted.items():
                if name == "team" and "team" in args:
                    # a team's own drill-down narrows to that team, within the filter
                    assert set(args["team"]) <= set(values), href
                    continue
                assert args.get(name) == values, (path, href, name)


def test_customers_words_render_as_text_on_every_page(
    answered: dict[str, int], staff: FlaskClient
) -> None:
    seen: set[str] = set()
    for path in PAGES:
        page = _get(staff, path)
        assert "<script>alert(1)" not in page, path
        assert "<img src=x" not in page, path
        # Only the page's own two script elements close a script.
        assert page.count("</script>") == page.count("<script src="), path
        # Shown as written (escaped), never evaluated: the team's name and the comment.
        for shown in ("Equipo &lt;script&gt;alert(1)&lt;/script&gt;", "{{7*7}}", "&lt;img src=x"):
            if shown in page:
                seen.add(shown)
        for raw in _FIGURE.findall(page):
            text = html.unescape(raw)
            assert "<" not in text, path  # tojson escapes both
            assert ">" not in text, path
            figure = json.loads(text)
            for value in _strings(figure):
                for hostile in HOSTILE:
                    assert hostile not in value, (path, value)
    assert len(seen) == 3, seen


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_every_chart_holds_data_and_stays_small(
    answered: dict[str, int], staff: FlaskClient
) -> None:
    charts = 0
    for path in PAGES:
        page = _get(staff, path)
        for raw in _FIGURE.findall(page):
            text = html.unescape(raw)
            assert len(text.encode()) <= 50_000, path
            figure = json.loads(text)
            assert any(trace.get("x") for trace in figure["data"]), path
            charts += 1
    assert charts >= 5


def test_a_bad_filter_names_the_field(staff: FlaskClient) -> None:
    for path in PAGES:
        response = staff.get(f"{path}?from=yesterday", headers={"Accept-Language": "en"})
        assert response.status_code == 400
        assert "from" in response.get_data(as_text=True)
    response = staff.get("/dashboard?lang=fr", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "lang" in response.get_data(as_text=True)


def test_pages_need_a_staff_sign_in(client: FlaskClient) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
