"""POST /api/v1/touchpoints: keys, body checks, all-or-nothing batches, idempotency."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.api.services import revoke_api_key
from survey.extensions import db
from survey.models import ApiKey, Contact, Invitation, Team, Touchpoint
from tests.touchpoint_factories import api_key, bearer, event

#: Touchpoints need a survey they trigger: the one `survey db upgrade` creates.
pytestmark = pytest.mark.usefixtures("default_survey")

URL = "/api/v1/touchpoints"


def recent() -> str:
    """A touchpoint time that is neither stale nor in the future."""
    return (datetime.now(UTC) - timedelta(minutes=5)).isoformat()


def counts(app: Flask) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(  # type: ignore[return-value]
            db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Touchpoint, Invitation, Contact, Team)
        )


def test_a_touchpoint_is_recorded_and_its_invitation_scheduled(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    response = client.post(URL, json=event(1, occurred_at=recent()), headers=bearer(key))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["created"], body["already_recorded"]) == (1, 0)
    (outcome,) = body["touchpoints"]
    assert outcome["created"] is True
    assert outcome["result"] == "scheduled"
    (invitation,) = outcome["invitations"]
    assert invitation["survey"] == "after-support"
    assert invitation["status"] == "scheduled"
    send_after = datetime.fromisoformat(invitation["send_after"])
    assert send_after > datetime.now(UTC)
    with app.app_context():
        stored = db.session.get(Invitation, invitation["invitation_id"])
        assert stored is not None
        assert stored.send_after == send_after
        assert stored.token_hash is None


def test_the_same_event_posted_twice_creates_one_invitation(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    payload = event(7, occurred_at=recent())
    first = client.post(URL, json=payload, headers=bearer(key))
    again = client.post(URL, json=payload, headers=bearer(key))
    assert (first.status_code, again.status_code) == (201, 200)
    first_outcome, replay = first.get_json()["touchpoints"][0], again.get_json()["touchpoints"][0]
    assert replay["created"] is False
    assert replay["touchpoint_id"] == first_outcome["touchpoint_id"]
    assert replay["invitations"] == first_outcome["invitations"]
    assert counts(app)[:2] == (1, 1)


def test_batches_come_as_a_list_or_under_touchpoints(app: Flask, client: FlaskClient) -> None:
    key = api_key(app)
    listed = client.post(URL, json=[event(1), event(2)], headers=bearer(key))
    wrapped = client.post(URL, json={"touchpoints": [event(3)]}, headers=bearer(key))
    assert (listed.status_code, wrapped.status_code) == (201, 201)
    assert [o["index"] for o in listed.get_json()["touchpoints"]] == [0, 1]
    assert counts(app)[0] == 3


def test_a_missing_or_unknown_key_gets_401_and_a_revoked_one_403(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    missing = client.post(URL, json=event(1))
    wrong_scheme = client.post(URL, json=event(1), headers={"Authorization": f"Basic {key}"})
    unknown = client.post(URL, json=event(1), headers=bearer("hrd_" + "x" * 43))
    for response in (missing, wrong_scheme, unknown):
        assert response.status_code == 401
        assert response.is_json
        assert response.get_json()["error"] in {
            "missing_api_key",
            "invalid_api_key",
        }
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with app.app_context():
        revoke_api_key("helpdesk")
    revoked = client.post(URL, json=event(1), headers=bearer(key))
    assert revoked.status_code == 403
    assert revoked.get_json() == {
        "error": "revoked_api_key",
        "message": "this API key has been revoked",
    }
    assert counts(app)[0] == 0


def test_using_a_key_records_when(app: Flask, client: FlaskClient) -> None:
    key = api_key(app)
    before = datetime.now(UTC)
    client.post(URL, json=event(1), headers=bearer(key))
    after = datetime.now(UTC)
    with app.app_context():
        stored = db.session.scalars(select(ApiKey)).one()
        assert stored.last_used_at is not None
        # During the request, however long it took (no bound on how fast the machine is).
        assert before <= stored.last_used_at <= after


def test_a_body_that_is_not_json_gets_415_and_broken_json_400(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    form = client.post(URL, data={"external_id": "x"}, headers=bearer(key))
    assert form.status_code == 415
    assert form.get_json()["error"] == "unsupported_media_type"
    broken = client.post(
        URL, data="{not json", content_type="application/json", headers=bearer(key)
    )
    assert broken.status_code == 400
    assert broken.get_json()["error"] == "invalid_json"
    nan = client.post(
        URL, data='{"external_id": NaN}', content_type="application/json", headers=bearer(key)
    )
    assert nan.status_code == 400


def test_1000_events_are_accepted_and_1001_refused_with_413(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    when = recent()
    batch = [event(n, occurred_at=when) for n in range(1001)]
    too_many = client.post(URL, json=batch, headers=bearer(key))
    assert too_many.status_code == 413
    assert too_many.get_json()["error"] == "too_many_touchpoints"
    assert counts(app)[0] == 0
    accepted = client.post(URL, json=batch[:1000], headers=bearer(key))
    assert accepted.status_code == 201
    assert accepted.get_json()["created"] == 1000
    assert counts(app)[:2] == (1000, 1000)


def test_a_body_over_the_size_limit_gets_413_as_json(app: Flask, client: FlaskClient) -> None:
    key = api_key(app)
    app.config["SURVEY_API_MAX_BYTES"] = 2000
    big = event(1, metadata={"notes": "x" * 3000})
    response = client.post(URL, json=big, headers=bearer(key))
    assert response.status_code == 413
    assert response.is_json
    assert response.get_json()["error"] == "request_entity_too_large"


def test_invalid_events_get_422_with_every_problem_and_nothing_is_recorded(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    batch = [
        event(1),
        event(2, occurred_at="2026-03-02T15:00:00"),
        event(3, contact={"email": "not-an-email", "timezone": "Europe/Atlantis"}),
        event(4, type="", metadata=["not", "an", "object"], colour="blue"),
        # An unsupported language ("fr") is only a warning now; a locale that is no text is not.
        event(5, occurred_at="2999-01-01T00:00:00Z", contact={"locale": 42}),
    ]
    response = client.post(URL, json=batch, headers=bearer(key))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_touchpoints"
    problems = {(e["index"], e["field"]) for e in body["errors"]}
    assert problems == {
        (1, "occurred_at"),
        (2, "contact.email"),
        (2, "contact.timezone"),
        (3, "type"),
        (3, "metadata"),
        (3, "colour"),
        (4, "occurred_at"),
        (4, "contact.locale"),
    }
    assert all(set(e) == {"index", "field", "message"} for e in body["errors"])
    naive = next(e for e in body["errors"] if e["index"] == 1)
    assert "UTC offset" in naive["message"]
    # The valid first event was not recorded either: a batch is all or nothing.
    assert counts(app) == (0, 0, 0, 0)


def test_a_batch_contradicting_a_stored_contact_is_refused_whole(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    client.post(
        URL,
        json=event(1, contact={"email": "ana@example.com", "external_id": "crm-1"}),
        headers=bearer(key),
    )
    before = counts(app)
    response = client.post(
        URL,
        json=[event(2), event(3, contact={"email": "bob@example.com", "external_id": "crm-1"})],
        headers=bearer(key),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {
            "index": 1,
            "field": "contact.external_id",
            "message": "already belongs to a contact with another email",
        }
    ]
    assert counts(app) == before


def test_empty_or_odd_bodies_get_422(app: Flask, client: FlaskClient) -> None:
    key = api_key(app)
    for payload in ([], {"touchpoints": "x"}, 42, [42]):
        response = client.post(URL, json=payload, headers=bearer(key))
        assert response.status_code == 422, payload
        assert response.get_json()["errors"]


def test_the_api_needs_no_csrf_token_and_answers_json_for_unknown_routes(
    app: Flask, client: FlaskClient
) -> None:
    # CSRF protection is on in the test config; a bearer-authenticated POST passes without it.
    assert app.config.get("WTF_CSRF_ENABLED", True)
    key = api_key(app)
    posted = client.post(
        URL, data=json.dumps(event(1)), content_type="application/json", headers=bearer(key)
    )
    assert posted.status_code == 201
    wrong_method = client.get(URL, headers=bearer(key))
    assert wrong_method.status_code == 405
    assert wrong_method.is_json
    unknown = client.get("/api/v1/nothing-here", headers=bearer(key))
    assert unknown.status_code == 404
    assert unknown.get_json()["error"] == "not_found"
