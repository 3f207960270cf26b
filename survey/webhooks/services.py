"""Registering webhook endpoints and queueing events for them.

Events are queued as WebhookDelivery rows in the caller's transaction: the response, the
unsubscribe or the case and its deliveries are committed together or not at all. The worker
posts them later (:mod:`survey.webhooks.delivery`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from survey.contacts.models import Contact, Team
from survey.database import utcnow
from survey.distribution.models import Invitation, Touchpoint
from survey.extensions import db
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, Survey
from survey.webhooks.delivery import (
    UnresolvableHostError,
    UnsafeWebhookURLError,
    WebhookSettings,
    check_url,
    resolve_safely,
)
from survey.webhooks.models import WebhookDelivery, WebhookEndpoint

EVENTS = ("response.completed", "case.opened", "contact.unsubscribed")


class WebhookError(ValueError):
    """A webhook request that cannot be carried out; the message says why."""


def _parse_events(events: Iterable[str]) -> list[str]:
    chosen = [e.strip() for e in events if e.strip()]
    unknown = sorted(set(chosen) - set(EVENTS))
    if unknown:
        raise WebhookError(f"events: unknown {', '.join(unknown)}; choose from {', '.join(EVENTS)}")
    if not chosen:
        raise WebhookError(f"events: choose at least one of {', '.join(EVENTS)}")
    return list(dict.fromkeys(chosen))


def register_endpoint(
    url: str,
    events: Iterable[str],
    description: str | None = None,
    *,
    settings: WebhookSettings,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint and commit; return it with its signing secret (shown once)."""
    allow_private = settings.allow_private
    chosen = _parse_events(events)
    if len(url) > 2000:
        raise WebhookError("url: at most 2000 characters")
    try:
        parts = check_url(url, allow_private=allow_private)
        resolve_safely(parts, allow_private=allow_private)
    except (UnsafeWebhookURLError, UnresolvableHostError) as error:
        raise WebhookError(str(error)) from None
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    endpoint = WebhookEndpoint(
        url=url.strip(), events=chosen, secret=secret, description=description, active=True
    )
    db.session.add(endpoint)
    db.session.commit()
    return endpoint, secret


def list_endpoints() -> list[WebhookEndpoint]:
    """Return every endpoint, oldest first."""
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def remove_endpoint(endpoint_id: int) -> WebhookEndpoint:
    """Delete an endpoint and its queued deliveries, and commit."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise WebhookError(f"no webhook endpoint with id {endpoint_id}")
    db.session.execute(
        WebhookDelivery.__table__.delete().where(WebhookDelivery.endpoint_id == endpoint_id)
    )
    db.session.delete(endpoint)
    db.session.commit()
    return endpoint


def enqueue_event(event: str, payload: dict[str, Any], now: datetime | None = None) -> int:
    """Queue an event for every active endpoint subscribed to it (the caller commits)."""
    if event not in EVENTS:
        raise WebhookError(f"unknown event {event!r}")
    endpoint_ids = [
        endpoint.id
        for endpoint in db.session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))
        )
        if event in (endpoint.events or [])
    ]
    now = now or utcnow()
    db.session.add_all(
        WebhookDelivery(
            endpoint_id=endpoint_id, event=event, payload=payload, send_after=now, created_at=now
        )
        for endpoint_id in endpoint_ids
    )
    return len(endpoint_ids)


def _has_subscribers(event: str) -> bool:
    return any(
        event in (events or [])
        for events in db.session.scalars(
            select(WebhookEndpoint.events).where(WebhookEndpoint.active.is_(True))
        )
    )


def enqueue_response_completed(response_id: int, completed_at: datetime) -> int:
    """Queue ``response.completed`` for a response being completed (the caller commits)."""
    if not _has_subscribers("response.completed"):
        return 0
    row = db.session.execute(
        select(Response, Invitation, Survey.slug, Team.slug, Contact, Touchpoint)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(Survey, Survey.id == Response.survey_id)
        .join(Contact, Contact.id == Invitation.contact_id)
        .outerjoin(Team, Team.id == Response.team_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
        .where(Response.id == response_id)
    ).one()
    response, invitation, survey_slug, team_slug, contact, touchpoint = row
    answers = db.session.execute(
        select(Question.key, Answer.number_value, Answer.text_value)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id == response_id)
        .order_by(Question.position)
    ).all()
    payload = {
        "response_id": response.id,
        "invitation_id": invitation.id,
        "survey": survey_slug,
        "team": team_slug,
        "locale": response.locale,
        "completed_at": completed_at.isoformat(),
        "contact": _contact(contact),
        "touchpoint": None
        if touchpoint is None
        else {
            "id": touchpoint.id,
            "type": touchpoint.type,
            "external_id": touchpoint.external_id,
            "agent": touchpoint.agent,
        },
        "answers": {
            key: (int(number) if number == number.to_integral_value() else float(number))
            if number is not None
            else text
            for key, number, text in answers
        },
    }
    return enqueue_event("response.completed", payload, completed_at)


def _contact(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "email": contact.email, "external_id": contact.external_id}


def contact_unsubscribed_payload(contact: Contact, unsubscribed_at: datetime) -> dict[str, Any]:
    """Return the ``contact.unsubscribed`` payload."""
    return {"contact": _contact(contact), "unsubscribed_at": unsubscribed_at.isoformat()}
