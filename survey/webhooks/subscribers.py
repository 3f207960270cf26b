"""Webhooks listen to the domain signals and queue a delivery per subscribed endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask

from survey import signals
from survey.contacts.models import Contact
from survey.extensions import db
from survey.webhooks.services import (
    contact_unsubscribed_payload,
    enqueue_event,
    enqueue_response_completed,
)


def on_response_completed(_sender: Any, *, response_id: int, completed_at: datetime) -> None:
    """Queue ``response.completed`` in the completing transaction."""
    enqueue_response_completed(response_id, completed_at)


def on_contact_unsubscribed(_sender: Any, *, contact_id: int, unsubscribed_at: datetime) -> None:
    """Queue ``contact.unsubscribed`` in the unsubscribing transaction."""
    contact = db.session.get(Contact, contact_id, populate_existing=True)
    if contact is not None:
        payload = contact_unsubscribed_payload(contact, unsubscribed_at)
        enqueue_event("contact.unsubscribed", payload, unsubscribed_at)


def on_case_opened(_sender: Any, *, case_id: int, data: dict[str, Any]) -> None:
    """Queue ``case.opened`` with the case as the alerts feature describes it."""
    enqueue_event("case.opened", data)


def register(app: Flask) -> None:
    """Subscribe webhooks to the domain signals (idempotent: one receiver per signal)."""
    del app  # the receivers act in whichever app sends; connecting twice changes nothing
    signals.response_completed.connect(on_response_completed, weak=False)
    signals.contact_unsubscribed.connect(on_contact_unsubscribed, weak=False)
    signals.case_opened.connect(on_case_opened, weak=False)
