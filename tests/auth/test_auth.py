"""Staff login, logout and the staff home page."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AuthActions, make_invitation, make_user


def test_home_requires_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_shows_surveys_with_counts_then_logout(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app)
    invited = make_invitation(app)
    page = client.get(invited.path)
    from tests.helpers import csrf_token

    client.post(
        invited.path,
        data={"csrf_token": csrf_token(page.text), "nps": "10", "heard": "yes"},
    )
    response = auth.login()
    assert response.status_code == 302
    home = client.get("/", headers={"Accept-Language": "en"})
    assert home.status_code == 200
    assert "After support" in home.text
    assert '<td class="num">1</td>' in home.text
    out = auth.logout()
    assert out.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_message(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app)
    response = auth.login(password="not the password")
    assert response.status_code == 422
    assert "Correo o contraseña incorrectos" in response.text or "Wrong email" in response.text
    assert client.get("/").status_code == 302


def test_login_never_redirects_to_another_site(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app)
    page = client.get("/login?next=https://evil.example.com/")
    from tests.helpers import DEMO_PASSWORD, csrf_token

    response = client.post(
        "/login?next=https://evil.example.com/",
        data={
            "email": "ana@example.com",
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
