"""Roles decide which pages open; `survey users` limits a user to some teams."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from survey.auth.models import Role, User, user_team
from survey.auth.policies import (
    DASHBOARD_ROLES,
    EXPORT_ROLES,
    PERSONAL_DATA_ROLES,
    policy_of,
)
from survey.auth.services import allowed_team_ids
from survey.contacts.services import get_or_create_team
from survey.extensions import db
from tests.helpers import AuthActions, make_user

PASSWORD_INPUT = "a long enough secret\na long enough secret\n"
ADMIN_PAGES = ("/admin/import", "/dev/mail")
DASHBOARD_PAGES = ("/dashboard", "/dashboard/teams", "/dashboard/comments", "/dashboard/themes")


@pytest.fixture
def two_teams(app: Flask) -> dict[str, int]:
    with app.app_context():
        teams = [get_or_create_team(name) for name in ("Soporte N1", "Ventas")]
        db.session.commit()
        return {team.slug: team.id for team in teams}


def _user(app: Flask, email: str) -> tuple[list[str], frozenset[int] | None]:
    """Return the slugs of the user's teams and the team ids they may see."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        return [team.slug for team in user.teams], allowed_team_ids(user)


def _status(client: FlaskClient, path: str) -> int:
    response = client.get(path, headers={"Accept-Language": "en"})
    response.close()
    return response.status_code


def test_the_role_sets_say_who_does_what() -> None:
    assert set(DASHBOARD_ROLES) == set(Role)
    assert Role.ANALYST not in EXPORT_ROLES
    assert Role.ANALYST not in PERSONAL_DATA_ROLES
    assert Role.MANAGER in EXPORT_ROLES


@pytest.mark.parametrize(
    ("role", "admin_status"), [("analyst", 403), ("manager", 403), ("admin", 200)]
)
def test_each_role_opens_dashboards_and_only_admins_open_admin_pages(
    app: Flask, client: FlaskClient, auth: AuthActions, role: str, admin_status: int
) -> None:
    make_user(app, f"{role}@example.com", role)
    auth.login(f"{role}@example.com")
    for path in DASHBOARD_PAGES:
        assert _status(client, path) == 200, (role, path)
    for path in ADMIN_PAGES:
        assert _status(client, path) == admin_status, (role, path)
    for endpoint in ("dashboards.overview", "dashboards.teams"):
        policy = policy_of(app.view_functions[endpoint])
        assert policy is not None
        assert policy.roles == frozenset(DASHBOARD_ROLES)


def test_users_create_limits_a_user_to_the_named_teams(
    app: Flask, runner: FlaskCliRunner, two_teams: dict[str, int]
) -> None:
    result = runner.invoke(
        args=[
            "users", "create", "--email", "Lea@Example.com", "--role", "analyst",
            "--team", "soporte-n1", "--team", "ventas",
        ],
        input=PASSWORD_INPUT,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "created analyst lea@example.com (soporte-n1, ventas)" in result.output
    slugs, allowed = _user(app, "lea@example.com")
    assert allowed == frozenset(two_teams.values())
    assert slugs == ["soporte-n1", "ventas"]


def test_users_create_without_teams_sees_every_team(
    app: Flask, runner: FlaskCliRunner, two_teams: dict[str, int]
) -> None:
    args = ["users", "create", "--email", "max@example.com", "--role", "manager"]
    result = runner.invoke(args=args, input=PASSWORD_INPUT)
    assert result.exit_code == 0, result.output
    assert "(every team)" in result.output
    assert _user(app, "max@example.com")[1] is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--role", "analyst", "--team", "nope"], "no team with slug nope"),
        (["--role", "analyst", "--team", "ventas", "--team", "zz"], "no team with slug zz"),
        (["--role", "root"], "role must be one of admin, manager, analyst"),
        (["--role", "admin", "--team", "ventas"], "an admin sees every team"),
    ],
)
def test_users_create_refuses_unknown_teams_and_roles_writing_nothing(
    app: Flask,
    runner: FlaskCliRunner,
    two_teams: dict[str, int],
    extra: list[str],
    message: str,
) -> None:
    args = ["users", "create", "--email", "x@example.com", *extra]
    result = runner.invoke(args=args, input=PASSWORD_INPUT)
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
        assert db.session.scalar(select(func.count()).select_from(user_team)) == 0


def test_users_set_teams_changes_and_lifts_the_limit(
    app: Flask, runner: FlaskCliRunner, two_teams: dict[str, int]
) -> None:
    make_user(app, "ana@example.com", "analyst")
    result = runner.invoke(
        args=["users", "set-teams", "--email", "ANA@example.com", "--team", "ventas"]
    )
    assert result.exit_code == 0, result.output
    assert "updated analyst ana@example.com (ventas)" in result.output
    assert _user(app, "ana@example.com")[1] == frozenset({two_teams["ventas"]})

    result = runner.invoke(args=["users", "set-teams", "--email", "ana@example.com", "--all-teams"])
    assert result.exit_code == 0, result.output
    assert "(every team)" in result.output
    assert _user(app, "ana@example.com")[1] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "ana@example.com", "--team", "nope"], "no team with slug nope"),
        (["--email", "who@example.com", "--team", "ventas"], "no user with email who@example.com"),
        (["--email", "ana@example.com"], "give either --team SLUG (one or more) or --all-teams"),
        (["--email", "ana@example.com", "--team", "ventas", "--all-teams"], "give either"),
    ],
)
def test_users_set_teams_refuses_bad_input_and_keeps_the_old_limit(
    app: Flask,
    runner: FlaskCliRunner,
    two_teams: dict[str, int],
    args: list[str],
    message: str,
) -> None:
    from survey.auth.services import create_user

    with app.app_context():
        create_user("ana@example.com", "a long enough secret", "analyst", ["soporte-n1"])
    result = runner.invoke(args=["users", "set-teams", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert _user(app, "ana@example.com")[1] == frozenset({two_teams["soporte-n1"]})


def test_admins_always_see_every_team(app: Flask, two_teams: dict[str, int]) -> None:
    make_user(app, "boss@example.com", "admin")
    assert _user(app, "boss@example.com")[1] is None
