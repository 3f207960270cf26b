"""A team-scoped user sees only their teams on every dashboard route: pages, chart JSON,
comments, search and drill-downs; a team id outside their scope answers 404."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from survey.auth.services import create_user
from tests.dashboards.scoped_teams import (
    OWN_MARKER,
    TwoTeams,
    foreign_markers_in,
    seed_two_teams,
)
from tests.helpers import DEMO_PASSWORD, AuthActions

_HREF = re.compile(r'href="([^"]+)"')
_NPS_N = re.compile(r'data-metric="nps" data-n="(\d+)"')
_TAG = re.compile(r"<[^>]+>")
CONTACT_EMAILS = ("marmota1@example.com", "marmota2@example.com")


@pytest.fixture
def teams(app: Flask) -> TwoTeams:
    return seed_two_teams(app)


def _sign_in(app: Flask, auth: AuthActions, role: str, *team_slugs: str) -> None:
    email = f"{role}-scoped@example.com"
    with app.app_context():
        create_user(email, DEMO_PASSWORD, role, team_slugs)
    response = auth.login(email)
    assert response.status_code == 302


def _dashboard_rules(app: Flask) -> Iterator[Rule]:
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/dashboard") and "GET" in (rule.methods or set()):
            yield rule


def _paths(app: Flask, rule: Rule, hostile: int) -> list[str]:
    # Every path argument gets the other team's id: no route may answer it with its data.
    values = dict.fromkeys(rule.arguments, str(hostile))
    return [app.url_map.bind("localhost").build(rule.endpoint, values)]


def _text(body: str) -> str:
    """Return a page's text without tags (theme phrases are wrapped in <mark>)."""
    return html.unescape(_TAG.sub("", body))


def _get(client: FlaskClient, url: str) -> tuple[int, str]:
    response = client.get(url, headers={"Accept-Language": "es"})
    body = response.get_data(as_text=True)
    response.close()
    return response.status_code, body


def test_every_dashboard_route_shows_a_scoped_analyst_only_their_team(
    app: Flask, client: FlaskClient, auth: AuthActions, teams: TwoTeams
) -> None:
    _sign_in(app, auth, "analyst", "equipo-marmota")
    rules = list(_dashboard_rules(app))
    assert {"/dashboard", "/dashboard/teams", "/dashboard/comments"} <= {r.rule for r in rules}
    for rule in rules:
        for path in _paths(app, rule, teams.foreign):
            status, body = _get(client, path)
            assert status in (200, 404), path
            assert foreign_markers_in(body) == [], path
            if rule.arguments:
                continue
            # The other team's id in the URL, alone or beside the user's own: not found.
            for query in (f"team={teams.foreign}", f"team={teams.own}&team={teams.foreign}"):
                status, body = _get(client, f"{path}?{query}")
                assert status == 404, (path, query)
                assert foreign_markers_in(body) == [], (path, query)
            status, body = _get(client, f"{path}?team={teams.own}")
            assert status == 200, path
            assert foreign_markers_in(body) == [], path


def test_figures_comments_and_search_count_only_the_users_team(
    app: Flask, client: FlaskClient, auth: AuthActions, teams: TwoTeams
) -> None:
    _sign_in(app, auth, "analyst", "equipo-marmota")
    _, overview = _get(client, "/dashboard")
    assert _NPS_N.findall(overview) == [str(teams.own_answers)]
    _, page = _get(client, "/dashboard/comments")
    assert _text(page).count(f"{OWN_MARKER}:") == teams.own_answers
    # Every team's comments say "paquete": the search finds the user's team's only.
    _, found = _get(client, "/dashboard/comments?q=paquete")
    assert _text(found).count(f"{OWN_MARKER}:") == teams.own_answers
    assert foreign_markers_in(found) == []
    _, home = _get(client, "/")
    assert foreign_markers_in(home) == []
    assert f">{teams.own_answers}<" in home.replace(" ", "")


def test_every_drill_down_link_stays_inside_the_users_teams(
    app: Flask, client: FlaskClient, auth: AuthActions, teams: TwoTeams
) -> None:
    _sign_in(app, auth, "analyst", "equipo-marmota")
    followed = 0
    for page in ("/dashboard", "/dashboard/teams", "/dashboard/themes", "/dashboard/integrity"):
        _, body = _get(client, page)
        for href in {html.unescape(link) for link in _HREF.findall(body)}:
            parts = urlsplit(href)
            if not parts.path.startswith("/dashboard") or "/vendor/" in parts.path:
                continue
            assert set(parse_qs(parts.query).get("team", [])) <= {str(teams.own)}, href
            status, linked = _get(client, href)
            followed += 1
            assert status == 200, href
            assert foreign_markers_in(linked) == [], href
    assert followed > 0


def test_an_unscoped_manager_sees_both_teams_and_may_name_either(
    app: Flask, client: FlaskClient, auth: AuthActions, teams: TwoTeams
) -> None:
    _sign_in(app, auth, "manager")
    _, overview = _get(client, "/dashboard")
    assert _NPS_N.findall(overview) == [str(teams.own_answers + teams.foreign_answers + 1)]
    status, page = _get(client, f"/dashboard/comments?team={teams.foreign}")
    assert status == 200
    assert _text(page).count("Quokka:") == teams.foreign_answers


def test_lifting_the_limit_shows_every_team_again(
    app: Flask, client: FlaskClient, auth: AuthActions, teams: TwoTeams
) -> None:
    from survey.auth.services import set_user_teams

    _sign_in(app, auth, "analyst", "equipo-marmota")
    assert _get(client, f"/dashboard?team={teams.foreign}")[0] == 404
    with app.app_context():
        set_user_teams("analyst-scoped@example.com", ["equipo-quokka"])
    status, page = _get(client, "/dashboard/comments")
    assert status == 200
    assert _text(page).count("Quokka:") == teams.foreign_answers
    assert OWN_MARKER not in page
    with app.app_context():
        set_user_teams("analyst-scoped@example.com", [])
    _, overview = _get(client, "/dashboard")
    assert _NPS_N.findall(overview) == [str(teams.own_answers + teams.foreign_answers + 1)]


def test_analysts_never_read_customers_contact_details(
    app: Flask, client: FlaskClient, auth: AuthActions, teams: TwoTeams
) -> None:
    _sign_in(app, auth, "analyst")
    for rule in _dashboard_rules(app):
        if rule.arguments:
            continue
        status, body = _get(client, rule.rule)
        assert status == 200, rule.rule
        assert not [email for email in CONTACT_EMAILS if email in body], rule.rule
        assert "nadie@example.com" not in body, rule.rule
