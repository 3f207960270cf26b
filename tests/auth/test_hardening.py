"""Staff login under attack: failure counters with backoff, revocable sessions, timeouts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.extensions import db
from tests.helpers import DEMO_PASSWORD, AuthActions, csrf_token, make_user

REDIS_URL = "redis://127.0.0.1:6379/0"


def login(client: FlaskClient, password: str, email: str = "ana@example.com", **extra: str):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    data = {"email": email, "password": password, "csrf_token": csrf_token(page.text), **extra}
    return client.post("/login", data=data)


def poll(condition, deadline_seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    """Return True as soon as condition() holds, False after the deadline."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_thirty_wrong_passwords_are_stopped_early_and_the_right_one_works_after_the_window(
    app: Flask, client: FlaskClient
) -> None:
    app.config["SURVEY_RATELIMIT_LOGIN_ACCOUNT"] = "5 per 2 seconds; 50 per hour"
    make_user(app)
    statuses = [login(client, f"wrong password {n}").status_code for n in range(30)]
    first_refusal = statuses.index(429)
    assert first_refusal < 29
    assert all(code in (422, 429) for code in statuses)
    refused = login(client, DEMO_PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.text or "Demasiados" in refused.text
    assert int(refused.headers["Retry-After"]) >= 1
    # The window passes (2 seconds here): the right password signs in again.
    assert poll(lambda: login(client, DEMO_PASSWORD).status_code == 302)
    assert client.get("/").status_code == 200


def test_the_address_counter_stops_guessing_across_accounts(
    app: Flask, client: FlaskClient
) -> None:
    app.config["SURVEY_RATELIMIT_LOGIN_IP"] = "8 per hour"
    make_user(app)
    codes = [login(client, "wrong", email=f"user{n}@example.com").status_code for n in range(9)]
    assert codes[:8] == [422] * 8
    assert codes[8] == 429
    # Another address is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "127.0.0.9"
    assert login(other, DEMO_PASSWORD).status_code == 302


def test_a_valid_survey_link_never_resets_the_staff_counter(
    app: Flask, client: FlaskClient
) -> None:
    from tests.helpers import make_invitation

    app.config["SURVEY_RATELIMIT_LOGIN_ACCOUNT"] = "3 per hour"
    make_user(app)
    invited = make_invitation(app)
    for _ in range(3):
        login(client, "wrong")
    assert client.get(invited.path).status_code == 200
    assert login(client, DEMO_PASSWORD).status_code == 429


@pytest.fixture
def redis_app(app: Flask) -> Iterator[Flask]:
    """The app with its counters in the local Redis, under a prefix of its own."""
    import redis

    from survey.extensions import limiter

    prefix = f"heard-test-{uuid.uuid4().hex}:"
    app.config.update(
        RATELIMIT_STORAGE_URI=REDIS_URL,
        SURVEY_RATELIMIT_KEY_PREFIX=prefix,
        SURVEY_RATELIMIT_LOGIN_ACCOUNT="4 per hour",
    )
    limiter.init_app(app)
    app.extensions.pop("heard_failure_limits", None)
    yield app
    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(match=f"*{prefix}*"))
    if keys:
        server.delete(*keys)


def test_counters_live_in_redis_when_configured(redis_app: Flask) -> None:
    import redis

    make_user(redis_app)
    first_node, second_node = redis_app.test_client(), redis_app.test_client()
    for _ in range(2):
        assert login(first_node, "wrong").status_code == 422
    for _ in range(2):
        assert login(second_node, "wrong").status_code == 422
    assert login(second_node, DEMO_PASSWORD).status_code == 429
    prefix = redis_app.config["SURVEY_RATELIMIT_KEY_PREFIX"]
    stored = list(redis.Redis.from_url(REDIS_URL).scan_iter(match=f"*{prefix}*"))
    assert stored, "no counter in Redis"
    assert not any(b"ana@example.com" in key for key in stored), "emails stay out of Redis"


def test_unknown_email_costs_a_password_hash_like_a_wrong_password(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from survey.auth import services

    make_user(app)
    checked: list[str] = []
    real = services.check_password_hash

    def counting(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    with app.app_context():
        assert services.authenticate("nobody@example.com", "guess") is None
    # The dummy hash uses the same method and cost as a real one.
    with app.app_context():
        real_hash = db.session.scalar(db.select(services.User.password_hash))
    assert len(checked) == 1
    assert checked[0].split("$")[0] == real_hash.split("$")[0]


def test_login_rotates_the_session(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    client.get("/login")
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
        old_token = before["csrf_token"]
    assert login(client, DEMO_PASSWORD).status_code == 302
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("csrf_token") != old_token


def _remember_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.same_site == "Lax"
    assert cookie.http_only
    return cookie.value


def test_logout_ends_the_remember_me_cookie_everywhere(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app)
    assert login(client, DEMO_PASSWORD, remember="y").status_code == 302
    stolen = _remember_cookie(client)
    elsewhere = app.test_client()
    elsewhere.set_cookie("remember_token", stolen)
    assert elsewhere.get("/").status_code == 200
    auth.logout()
    copied = app.test_client()
    copied.set_cookie("remember_token", stolen)
    assert copied.get("/").status_code == 302
    assert elsewhere.get("/").status_code == 302


def test_a_password_change_ends_sessions_and_cookies(app: Flask, client: FlaskClient) -> None:
    from survey.auth.models import User
    from survey.auth.services import change_password

    make_user(app)
    assert login(client, DEMO_PASSWORD, remember="y").status_code == 302
    stolen = _remember_cookie(client)
    with app.app_context():
        user = db.session.scalar(db.select(User))
        change_password(user, "a brand new password")
    assert client.get("/").status_code == 302
    copied = app.test_client()
    copied.set_cookie("remember_token", stolen)
    assert copied.get("/").status_code == 302
    assert login(app.test_client(), "a brand new password").status_code == 302


def test_idle_and_absolute_timeouts_end_the_session(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    assert login(client, DEMO_PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    with client.session_transaction() as stored:
        stored["seen_at"] -= 61 * 60
    assert client.get("/").status_code == 302

    assert login(client, DEMO_PASSWORD).status_code == 302
    with client.session_transaction() as stored:
        stored["auth_at"] -= 13 * 3600
    assert client.get("/").status_code == 302
