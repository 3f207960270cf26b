"""POST /api/v1/touchpoints under attack and load: odd text, unsupported locales, races."""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Contact, Invitation, Team, Touchpoint
from tests.live_server import live_server
from tests.touchpoint_factories import api_key, bearer, event

URL = "/api/v1/touchpoints"
CLIENTS = 20

#: Touchpoints need a survey they trigger: the one `survey db upgrade` creates.
pytestmark = pytest.mark.usefixtures("default_survey")


def recent() -> str:
    return (datetime.now(UTC) - timedelta(minutes=5)).isoformat()


def stored_rows(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Touchpoint, Invitation, Contact, Team)
        )


def test_an_unsupported_locale_is_recorded_with_a_warning_not_refused(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    batch = [event(n, occurred_at=recent()) for n in range(5)]
    batch[3]["contact"]["locale"] = "pt"
    response = client.post(URL, json=batch, headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    outcomes = response.get_json()["touchpoints"]
    assert [o["result"] for o in outcomes] == ["scheduled"] * 5
    assert [len(o["warnings"]) for o in outcomes] == [0, 0, 0, 1, 0]
    (warning,) = outcomes[3]["warnings"]
    assert warning["field"] == "contact.locale"
    assert warning["message"].startswith("'pt' is not offered (accepted: es, en)")
    default = app.config["SURVEY_DEFAULT_LOCALE"]
    with app.app_context():
        contact = db.session.scalars(
            select(Contact).where(Contact.email == "customer3@example.com")
        ).one()
        assert contact.locale == default
        invitation = db.session.get(Invitation, outcomes[3]["invitations"][0]["invitation_id"])
        assert invitation is not None
        assert invitation.locale == default


def test_an_unsupported_locale_keeps_a_known_contacts_language(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    ana = {"email": "ana@example.com"}
    client.post(URL, json=event(1, contact={**ana, "locale": "en"}), headers=bearer(key))
    again = client.post(URL, json=event(2, contact={**ana, "locale": "pt-BR"}), headers=bearer(key))
    assert again.status_code == 201
    assert again.get_json()["touchpoints"][0]["warnings"][0]["field"] == "contact.locale"
    with app.app_context():
        assert db.session.scalars(select(Contact.locale)).one() == "en"


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("contact.name", {"contact": {"name": "Ana\x00Ruiz"}}),
        ("agent", {"agent": "lucia\x00"}),
        ("external_id", {"external_id": "ticket-\x00"}),
        ("contact.email", {"contact": {"email": "ana\x00@example.com"}}),
        ("metadata.channel", {"metadata": {"channel": "ph\x00ne"}}),
        ("team", {"team": "Soporte \ud800"}),
        ("metadata.note", {"metadata": {"note": "\udfff"}}),
    ],
)
def test_nul_bytes_and_lone_surrogates_get_422_naming_the_field(
    app: Flask, client: FlaskClient, field: str, change: dict[str, object]
) -> None:
    key = api_key(app)
    # Sent as JSON escapes (\u0000, \ud800), as a client would: json.dumps writes them so.
    body = json.dumps([event(1), event(2, **change)])
    response = client.post(URL, data=body, content_type="application/json", headers=bearer(key))
    assert response.status_code == 422, response.get_data(as_text=True)
    (error,) = response.get_json()["errors"]
    assert (error["index"], error["field"]) == (1, field)
    assert "cannot be stored" in error["message"]
    # All or nothing: the valid first event was not recorded, nor its contact or team.
    assert stored_rows(app) == (0, 0, 0, 0)


def test_twenty_concurrent_touchpoints_for_one_contact_schedule_one_invitation(
    app: Flask, client: FlaskClient
) -> None:
    key = api_key(app)
    known = {"email": "ana@example.com", "name": "Ana"}
    first = client.post(
        URL,
        json=event(0, type="order_delivered", occurred_at=recent(), contact=known),
        headers=bearer(key),
    )
    assert first.get_json()["touchpoints"][0]["result"] == "no_survey_triggered"
    start = threading.Barrier(CLIENTS)

    def post(number: int) -> requests.Response:
        payload = event(number, occurred_at=recent(), contact=known)
        with requests.Session() as session:
            start.wait(timeout=30)
            return session.post(base + URL, json=payload, headers=bearer(key), timeout=60)

    with live_server(app) as base, ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        responses = list(pool.map(post, range(1, CLIENTS + 1)))

    assert [r.status_code for r in responses] == [201] * CLIENTS, [r.text for r in responses]
    results = Counter(r.json()["touchpoints"][0]["result"] for r in responses)
    assert results == {"scheduled": 1, "skipped": CLIENTS - 1}
    with app.app_context():
        statuses = Counter(
            (status, reason)
            for status, reason in db.session.execute(
                select(Invitation.status, Invitation.skip_reason)
            )
        )
    assert statuses == {("pending", None): 1, ("skipped", "duplicate"): CLIENTS - 1}
