"""Plain helper functions and factories for tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')

DEMO_PASSWORD = "correct horse battery"  # noqa: S105


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    match = _CSRF.search(html)
    assert match, "no csrf_token field in the page"
    return match.group(1) or match.group(2)


def make_user(app: Flask, email: str = "ana@example.com", role: str = "admin") -> None:
    """Create a staff account with the test password."""
    from survey.auth.services import create_user

    with app.app_context():
        create_user(email, DEMO_PASSWORD, role)


@dataclass
class Invited:
    """A test invitation: its id and the token only the customer has."""

    invitation_id: int
    token: str

    @property
    def path(self) -> str:
        return f"/r/{self.token}"


def make_invitation(
    app: Flask, email: str = "ana@example.com", locale: str = "es", team: str | None = "soporte"
) -> Invited:
    """Create an invitation to the default survey (set up when missing) and return its token."""
    from survey.distribution.services import invite_by_email
    from survey.surveys.services import ensure_default_survey

    with app.app_context():
        ensure_default_survey()
        issued = invite_by_email(email, team_slug=team, locale=locale)
        return Invited(issued.invitation.id, issued.token)


class AuthActions:
    """Log in and out through the real forms."""

    def __init__(self, client: FlaskClient, app: Flask) -> None:
        self._client = client
        self._app = app

    def login(self, email: str = "ana@example.com", password: str = DEMO_PASSWORD) -> TestResponse:
        page = self._client.get("/login")
        return self._client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        )

    def logout(self) -> TestResponse:
        home = self._client.get("/")
        return self._client.post("/logout", data={"csrf_token": csrf_token(home.text)})
