"""Guessing API keys and links: failures count per address, each kind on its own counter."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.touchpoint_factories import api_key, bearer, event

URL = "/api/v1/touchpoints"


def test_repeated_wrong_keys_from_one_address_get_429_and_others_are_unaffected(
    app: Flask, client: FlaskClient
) -> None:
    app.config["SURVEY_RATELIMIT_API_KEY"] = "3 per hour"
    key = api_key(app)
    for attempt in range(3):
        guess = client.post(URL, json=event(1), headers=bearer(f"hrd_{attempt:043d}"))
        assert guess.status_code == 401
    blocked = client.post(URL, json=event(1), headers=bearer(key))
    assert blocked.status_code == 429
    assert blocked.is_json
    assert blocked.get_json()["error"] == "too_many_failures"
    assert int(blocked.headers["Retry-After"]) > 0

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "127.0.0.7"
    accepted = elsewhere.post(URL, json=event(1), headers=bearer(key))
    assert accepted.status_code < 300


def test_a_valid_key_costs_nothing(app: Flask, client: FlaskClient) -> None:
    app.config["SURVEY_RATELIMIT_API_KEY"] = "2 per hour"
    key = api_key(app)
    for number in range(4):
        assert client.post(URL, json=event(number), headers=bearer(key)).status_code < 300


def test_guessed_unsubscribe_links_count_with_guessed_survey_links(
    app: Flask, client: FlaskClient
) -> None:
    from tests.helpers import make_invitation

    app.config["SURVEY_RATELIMIT_SURVEY_TOKEN"] = "4 per hour"
    invited = make_invitation(app)
    for attempt in range(2):
        assert client.get(f"/u/guess{attempt:020d}").status_code == 404
        assert client.get(f"/r/guess{attempt:020d}").status_code == 404
    assert client.get(f"/u/{invited.token}").status_code == 429
    assert client.post(f"/u/{invited.token}").status_code == 429
