"""Outbound webhooks: registered by CLI, signed, delivered by the worker with retries."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from survey.extensions import db
from survey.webhooks.delivery import sign, verify_signature
from survey.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.helpers import csrf_token, make_invitation
from tests.webhooks.receiver import Receiver, running_receiver

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def hook_app(app: Flask) -> Flask:
    """An app that may call 127.0.0.1 over plain http, and retries quickly."""
    app.config.update(
        SURVEY_WEBHOOKS_ALLOW_PRIVATE=True,
        SURVEY_OUTBOX_RETRY_BASE_SECONDS=0.05,
        SURVEY_OUTBOX_RETRY_MAX_SECONDS=0.2,
        SURVEY_OUTBOX_MAX_ATTEMPTS=4,
        SURVEY_WEBHOOK_TIMEOUT_SECONDS=5,
    )
    return app


def _add(runner: FlaskCliRunner, url: str, events: str) -> str:
    result = runner.invoke(args=["webhooks", "add", "--url", url, "--events", events])
    assert result.exit_code == 0, result.output
    secret = re.search(r"signing secret \(shown only once\): (whsec_\S+)", result.output)
    assert secret, result.output
    return secret.group(1)


def _complete_survey(app: Flask) -> int:
    """Answer a survey through the real pages, as a person does."""
    invited = make_invitation(app, "ana@example.com", locale="es")
    client = app.test_client()
    page = client.get(invited.path, headers={"User-Agent": BROWSER})
    answer = client.post(
        invited.path,
        data={
            "csrf_token": csrf_token(page.text),
            "nps": "9",
            "ces": "6",
            "heard": "yes",
            "comment": "Muy amables",
        },
        headers={"User-Agent": BROWSER},
    )
    assert answer.status_code == 303
    return invited.invitation_id


def _worker(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_completed_response_is_delivered_signed(
    hook_app: Flask, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    secret = _add(runner, receiver.url, "response.completed,contact.unsubscribed")
    invitation_id = _complete_survey(hook_app)
    with hook_app.app_context():
        queued = db.session.scalars(select(WebhookDelivery)).one()
        assert (queued.event, queued.status) == ("response.completed", DeliveryStatus.PENDING)

    assert "webhooks: 1 sent" in _worker(runner)

    [delivery] = receiver.deliveries
    assert delivery.path == "/hooks/heard"
    assert delivery.headers["Content-Type"] == "application/json"
    assert delivery.headers["Heard-Event"] == "response.completed"
    signature = delivery.headers["Heard-Signature"]
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", signature)
    assert verify_signature(secret, signature, delivery.body)
    assert not verify_signature(secret, signature, delivery.body.replace(b"9", b"0"))
    assert not verify_signature("whsec_wrong", signature, delivery.body)
    document = json.loads(delivery.body)
    assert document["event"] == "response.completed"
    data = document["data"]
    assert data["invitation_id"] == invitation_id
    assert data["survey"] == "after-support"
    assert data["team"] == "soporte"
    assert data["contact"]["email"] == "ana@example.com"
    assert data["answers"] == {"nps": 9, "ces": 6, "heard": "yes", "comment": "Muy amables"}
    with hook_app.app_context():
        done = db.session.scalars(select(WebhookDelivery)).one()
        assert done.status is DeliveryStatus.DELIVERED
        assert (done.response_status, done.attempts) == (200, 1)


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    body = b'{"event":"case.opened"}'
    expected = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("whsec_x", 1700000000, body) == f"t=1700000000,v1={expected}"
    assert not verify_signature("whsec_x", sign("whsec_x", 1700000000, body), body)  # too old
    assert verify_signature("whsec_x", sign("whsec_x", 1700000000, body), body, now=1700000100)


def test_a_500_is_retried_until_it_succeeds(
    hook_app: Flask, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    receiver.statuses.extend([500, 503])
    _add(runner, receiver.url, "response.completed")
    _complete_survey(hook_app)

    deadline = time.monotonic() + 120  # generous: only a broken retry comes near it
    while len(receiver.deliveries) < 3:
        assert time.monotonic() < deadline, "not retried"
        _worker(runner)
        time.sleep(0.02)  # poll interval, not a timing assumption
    with hook_app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert delivery.status is DeliveryStatus.DELIVERED
        assert delivery.attempts == 3
    # Every attempt carries the same body and delivery id, so receivers can deduplicate.
    assert len({d.body for d in receiver.deliveries}) == 1
    assert len({d.headers["Heard-Delivery"] for d in receiver.deliveries}) == 1


def test_a_404_fails_for_good(hook_app: Flask, runner: FlaskCliRunner, receiver: Receiver) -> None:
    receiver.statuses.append(404)
    _add(runner, receiver.url, "response.completed")
    _complete_survey(hook_app)
    _worker(runner)
    _worker(runner)
    assert len(receiver.deliveries) == 1
    with hook_app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "HTTP 404")


def test_unsubscribing_announces_contact_unsubscribed(
    hook_app: Flask, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    secret = _add(runner, receiver.url, "contact.unsubscribed")
    invited = make_invitation(hook_app, "luis@example.com")
    client = hook_app.test_client()
    assert (
        client.post(f"/u/{invited.token}", data={"List-Unsubscribe": "One-Click"}).status_code
        == 200
    )
    assert client.post(f"/u/{invited.token}").status_code == 200  # twice: announced once
    _worker(runner)
    [delivery] = receiver.deliveries
    assert verify_signature(secret, delivery.headers["Heard-Signature"], delivery.body)
    data = json.loads(delivery.body)["data"]
    assert data["contact"]["email"] == "luis@example.com"
    assert data["unsubscribed_at"]


def test_enqueue_event_reaches_only_subscribed_endpoints(
    hook_app: Flask, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    from survey.webhooks.services import enqueue_event

    _add(runner, receiver.url, "case.opened")
    _add(runner, receiver.url.replace("/heard", "/other"), "response.completed")
    with hook_app.app_context():
        assert enqueue_event("case.opened", {"case_id": 7}) == 1
        db.session.commit()
    _worker(runner)
    assert [d.path for d in receiver.deliveries] == ["/hooks/heard"]
    assert json.loads(receiver.deliveries[0].body)["data"] == {"case_id": 7}


def test_case_opened_signal_queues_a_delivery_in_the_senders_transaction(
    hook_app: Flask, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    from survey.signals import case_opened

    _add(runner, receiver.url, "case.opened")
    with hook_app.app_context():
        case_opened.send(case_id=3, data={"case_id": 3, "reason": "detractor"})
        db.session.rollback()  # the alerts service failed: nothing is announced
        assert db.session.scalars(select(WebhookDelivery)).all() == []
        case_opened.send(case_id=4, data={"case_id": 4, "reason": "detractor"})
        db.session.commit()
    _worker(runner)
    [delivery] = receiver.deliveries
    assert json.loads(delivery.body)["data"] == {"case_id": 4, "reason": "detractor"}


def test_responding_and_mail_do_not_import_webhooks() -> None:
    import subprocess
    import sys

    # In a fresh interpreter: the features announce through survey.signals only.
    code = (
        "import sys, survey.responding.services, survey.mail.services, survey.mail.sending;"
        "print(sorted(m for m in sys.modules if m.startswith('survey.webhooks')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com/hook", "only https:// URLs are accepted"),
        ("https://127.0.0.1/hook", "loopback, private or link-local"),
        ("https://10.1.2.3/hook", "loopback, private or link-local"),
        ("https://192.168.0.10/hook", "loopback, private or link-local"),
        ("https://169.254.169.254/latest/meta-data", "loopback, private or link-local"),
        ("https://[::1]/hook", "loopback, private or link-local"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback, private or link-local"),
        ("https://user:pw@93.184.215.14/hook", "credentials in the URL"),
    ],
)
def test_private_addresses_are_refused_without_the_setting(
    app: Flask, runner: FlaskCliRunner, url: str, message: str
) -> None:
    result = runner.invoke(args=["webhooks", "add", "--url", url, "--events", "case.opened"])
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_a_public_https_address_is_accepted_and_listed_without_its_secret(
    app: Flask, runner: FlaskCliRunner
) -> None:
    secret = _add(runner, "https://93.184.215.14/hook", "case.opened")
    listing = runner.invoke(args=["webhooks", "list"])
    assert "https://93.184.215.14/hook" in listing.output
    assert "case.opened" in listing.output
    assert secret not in listing.output
    endpoint_id = listing.output.split("\t", 1)[0]
    removed = runner.invoke(args=["webhooks", "remove", endpoint_id])
    assert removed.exit_code == 0, removed.output
    assert runner.invoke(args=["webhooks", "list"]).output.strip() == "no webhooks"
    assert runner.invoke(args=["webhooks", "remove", endpoint_id]).exit_code == 1


def test_unknown_events_are_refused(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["webhooks", "add", "--url", "https://93.184.215.14/", "--events", "case.closed"]
    )
    assert result.exit_code == 1
    assert "events: unknown case.closed" in result.output


def test_delivery_rechecks_the_address(
    hook_app: Flask, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    _add(runner, receiver.url, "response.completed")
    _complete_survey(hook_app)
    hook_app.config["SURVEY_WEBHOOKS_ALLOW_PRIVATE"] = False  # the policy tightened since
    _worker(runner)
    assert receiver.deliveries == []
    with hook_app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert delivery.status is DeliveryStatus.FAILED
        assert (delivery.last_error or "").startswith("refused: url: only https:// URLs")


def test_delivery_refuses_an_endpoint_that_now_resolves_to_a_private_address(
    app: Flask, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    from survey.webhooks.services import enqueue_event

    # As if the endpoint was added when its name still pointed at a public address.
    port = receiver.url.split(":")[2].split("/")[0]
    with app.app_context():
        db.session.add(
            WebhookEndpoint(
                url=f"https://127.0.0.1:{port}/hook", events=["case.opened"], secret="s"
            )
        )
        db.session.commit()
        enqueue_event("case.opened", {"case_id": 1})
        db.session.commit()
    _worker(runner)
    assert receiver.deliveries == []  # no request was made at all
    with app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert delivery.status is DeliveryStatus.FAILED
        assert "127.0.0.1" in (delivery.last_error or "")
        assert "loopback, private or link-local" in (delivery.last_error or "")
