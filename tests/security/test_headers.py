"""Every response carries the security headers: each route of url_map, each method, any status."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import AuthActions, make_invitation, make_user

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
SAMPLE_ARGUMENTS = {
    "token": "AAAAAAAAAAAAAAAAAAAAAAAA",
    "name": "missing.eml",
    "filename": "css/heard.css",
}


def assert_secured(response: TestResponse, where: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{where}: {name}"
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, where
    assert "frame-ancestors 'none'" in policy, where
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-inline" not in script, where
    assert "unsafe-eval" not in script, where


def every_request(app: Flask) -> list[tuple[str, str]]:
    """Return (method, path) for every rule and method of the app, with sample arguments."""
    requests = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", SAMPLE_ARGUMENTS[argument])
            path = path.replace(f"<path:{argument}>", SAMPLE_ARGUMENTS[argument])
        for method in sorted(rule.methods or ()):
            requests.append((method, path))
    return requests


def walk(app: Flask, client: FlaskClient) -> int:
    seen = 0
    for method, path in every_request(app):
        with client.open(path, method=method, data={} if method == "POST" else None) as response:
            assert_secured(response, f"{method} {path} -> {response.status_code}")
        seen += 1
    return seen


def test_every_route_and_method_carries_the_headers_signed_out(
    app: Flask, client: FlaskClient
) -> None:
    assert walk(app, client) >= len(list(app.url_map.iter_rules()))


def test_every_route_and_method_carries_the_headers_signed_in(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, role="admin")
    make_invitation(app)
    auth.login()
    assert walk(app, client) >= len(list(app.url_map.iter_rules()))


def test_real_pages_and_errors_carry_the_headers(app: Flask, client: FlaskClient) -> None:
    invited = make_invitation(app)
    for path in (invited.path, "/no/such/page", "/login", "/static/js/respond.js"):
        with client.get(path) as response:
            assert_secured(response, path)
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_production_adds_hsts_and_hides_the_dev_mail_folder(app: Flask, database_url: str) -> None:
    """The app fixture empties the tables afterwards; this test builds its own production app."""
    from survey import create_app
    from survey.extensions import db

    production = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "production-test-key-0123456789",
            "SURVEY_DATABASE_URL": database_url,
        }
    )
    client = production.test_client()
    login = client.get("/login")
    assert login.headers["Strict-Transport-Security"].startswith("max-age=")
    make_user(production, role="admin")
    AuthActions(client, production).login()
    for path in ("/dev/mail", "/dev/mail/anything.eml"):
        response = client.get(path)
        assert response.status_code == 404
        assert_secured(response, path)
    with production.app_context():
        db.session.remove()
        db.engine.dispose()


def test_dev_mail_stays_open_to_admins_outside_production(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, role="admin")
    auth.login()
    assert client.get("/dev/mail").status_code == 200


def test_templates_hold_no_inline_script_or_style_attribute() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        if template.parent.name == "email":
            continue  # emails are not served under the policy; mail clients need inline styles
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text):
            offenders.append(template.name)
        if re.search(r"\son[a-z]+=", text):
            offenders.append(template.name)
    assert offenders == []
