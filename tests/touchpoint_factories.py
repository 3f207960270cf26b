"""Touchpoint events and API keys for the intake tests, as plain functions."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from flask import Flask

#: A Madrid afternoon: two hours later is still outside the default 21-9 quiet hours.
AFTERNOON = "2026-03-02T15:00:00+01:00"


def event(number: int = 1, **overrides: Any) -> dict[str, Any]:
    """Return a valid API event; contact fields go in ``contact`` overrides."""
    body: dict[str, Any] = {
        "external_id": f"ticket-{number}",
        "type": "ticket_closed",
        "occurred_at": AFTERNOON,
        "team": "Soporte N1",
        "agent": "lucia",
        "contact": {
            "email": f"customer{number}@example.com",
            "name": f"Customer {number}",
            "locale": "es",
            "timezone": "Europe/Madrid",
        },
        "metadata": {"channel": "email"},
    }
    contact = overrides.pop("contact", None)
    body.update(overrides)
    if contact is not None:
        body["contact"] = {**body["contact"], **contact}
    return copy.deepcopy(body)


def checked(*raw: dict[str, Any], now: datetime) -> list[Any]:
    """Return the events as TouchpointEvents (they must be valid)."""
    from survey.distribution.schema import check_events

    events, errors = check_events(list(raw), locales=("es", "en"), now=now)
    assert errors == []
    return events


def api_key(app: Flask, name: str = "helpdesk") -> str:
    """Create an API key and return it."""
    from survey.api.services import create_api_key

    with app.app_context():
        return create_api_key(name).key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
