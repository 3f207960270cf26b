"""Every route declares who may open it, and the declared policy is what a request meets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from survey.auth.models import Role
from survey.auth.policies import (
    Access,
    AccessPolicy,
    policy_of,
    public,
    respondent,
    role_required,
)
from tests.helpers import AuthActions, make_user

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes(app: Flask) -> Iterator[tuple[Rule, str, AccessPolicy | None]]:
    """Yield each route and method with the policy its view declares."""
    for rule in app.url_map.iter_rules():
        policy = policy_of(app.view_functions[rule.endpoint])
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            yield rule, method, policy


def _path(app: Flask, rule: Rule) -> str:
    # Made-up values: a token nobody holds, a file or message that does not exist.
    values = dict.fromkeys(rule.arguments, "not-a-real-value")
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def _request(client: FlaskClient, method: str, path: str) -> int:
    response = client.open(path, method=method, headers={"Accept-Language": "en"})
    response.close()
    return response.status_code


def test_every_route_declares_an_access_policy(app: Flask) -> None:
    undeclared = sorted(
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule, method, policy in _routes(app)
        if policy is None
    )
    assert undeclared == [], "routes without @public, @respondent, @api_key_required or roles"
    kinds = {policy.access for _, _, policy in _routes(app) if policy is not None}
    assert kinds == set(Access)  # each kind is in use, so each is checked below
    assert policy_of(app.view_functions["static"]) == AccessPolicy(Access.PUBLIC)


def test_anonymous_requests_meet_each_routes_policy(app: Flask, client: FlaskClient) -> None:
    # The policy decides before the form does; CSRF (checked first) is tested elsewhere.
    app.config["WTF_CSRF_ENABLED"] = False
    for rule, method, policy in _routes(app):
        assert policy is not None
        status = _request(client, method, _path(app, rule))
        where = f"{method} {rule.rule}: {status}"
        if policy.access is Access.ROLES:
            assert status == 302, where  # to the login page
        elif policy.access is Access.API_KEY:
            assert status == 401, where
        else:
            assert status not in (302, 401, 403), where


def test_signed_in_staff_meet_the_roles_of_each_staff_route(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "analyst@example.com", role=Role.ANALYST)
    auth.login("analyst@example.com")
    app.config["WTF_CSRF_ENABLED"] = False
    staff_routes = [
        (rule, method, policy)
        for rule, method, policy in _routes(app)
        if policy is not None and policy.access is Access.ROLES and rule.endpoint != "auth.logout"
    ]
    assert staff_routes
    for rule, method, policy in staff_routes:
        assert policy is not None
        status = _request(client, method, _path(app, rule))
        where = f"{method} {rule.rule}: {status}"
        if Role.ANALYST in policy.roles:
            assert status not in (302, 401, 403), where
        else:
            assert status == 403, where
            assert Role.ADMIN in policy.roles


def test_admins_pass_every_role_check(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    @role_required(Role.ANALYST)
    def analysts_only() -> str:
        return "for analysts"

    app.add_url_rule("/analysts-only", view_func=analysts_only)
    assert policy_of(analysts_only) == AccessPolicy(
        Access.ROLES, frozenset({Role.ANALYST, Role.ADMIN})
    )
    make_user(app, "admin@example.com", role=Role.ADMIN)
    make_user(app, "manager@example.com", role=Role.MANAGER)
    auth.login("manager@example.com")
    assert client.get("/analysts-only").status_code == 403
    auth.logout()
    auth.login("admin@example.com")
    assert client.get("/analysts-only").text == "for analysts"


def test_a_route_without_a_policy_is_refused(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    app.add_url_rule("/declared", "declared", public(lambda: "hello"))
    assert client.get("/forgotten").status_code == 403
    assert "secret" not in client.get("/forgotten").text
    assert client.get("/declared").text == "hello"


def test_a_view_declares_one_policy() -> None:
    with pytest.raises(TypeError, match="at least one role"):
        role_required()
    declared = public(lambda: "both")
    with pytest.raises(TypeError, match="already declares public"):
        respondent(declared)
    with pytest.raises(ValueError, match="'root'"):
        role_required("root")
