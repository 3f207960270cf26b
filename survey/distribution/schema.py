"""Checking touchpoint events from the API and CSV files, field by field.

Plain functions: each error is a :class:`FieldError` (``index``, ``field``, ``message``) that
the API returns as JSON and the CSV import prints with its line number. A valid event becomes a
:class:`TouchpointEvent` with clean values (trimmed text, lower-cased email, aware datetime).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email

from survey.contacts.services import normalize_email
from survey.distribution.rules import TYPE_SHAPE

#: The most events one API request or one import batch may carry.
MAX_BATCH = 1000
#: Metadata is for context (a channel, a product): a few kilobytes, not documents.
MAX_METADATA_BYTES = 16 * 1024
#: Clocks drift; a touchpoint further in the future than this is a mistake, not a drift.
FUTURE_TOLERANCE = timedelta(hours=1)

EVENT_FIELDS = ("external_id", "type", "occurred_at", "team", "agent", "contact", "metadata")
CONTACT_FIELDS = (
    "email",
    "name",
    "locale",
    "timezone",
    "segment",
    "lifecycle_stage",
    "external_id",
)
#: Longest value of each text field, as stored.
MAX_LENGTHS = {
    "external_id": 200,
    "type": 64,
    "team": 200,
    "agent": 200,
    "contact.email": 320,
    "contact.name": 200,
    "contact.timezone": 64,
    "contact.segment": 64,
    "contact.lifecycle_stage": 64,
    "contact.external_id": 200,
}


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of one event (index None: the request as a whole)."""

    index: int | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class ContactData:
    """Who the touchpoint was with: enough to invite them."""

    email: str
    name: str | None = None
    locale: str | None = None
    timezone: str | None = None
    segment: str | None = None
    lifecycle_stage: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class TouchpointEvent:
    """A checked touchpoint, ready for :func:`survey.distribution.intake.record_touchpoints`."""

    external_id: str
    type: str
    occurred_at: datetime
    team: str
    contact: ContactData
    agent: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


class _Checker:
    """Collects the errors of one event while reading its fields."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.errors: list[FieldError] = []

    def fail(self, name: str, message: str) -> None:
        self.errors.append(FieldError(self.index, name, message))

    def text(self, raw: Mapping[str, Any], key: str, name: str, *, required: bool) -> str | None:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, "must be a string")
            return None
        value = value.strip()
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            self.fail(name, f"is longer than {limit} characters")
            return None
        return value

    def unknown(self, raw: Mapping[str, Any], known: Sequence[str], prefix: str = "") -> None:
        for key in raw:
            if key not in known:
                self.fail(f"{prefix}{key}", f"is not a known field (known: {', '.join(known)})")


def unpack_batch(payload: Any) -> tuple[list[Any], list[FieldError]]:
    """Return the events of a request body: one object, a list, or {"touchpoints": [...]}."""
    if isinstance(payload, dict) and set(payload) == {"touchpoints"}:
        payload = payload["touchpoints"]
        if not isinstance(payload, list):
            return [], [FieldError(None, "touchpoints", "must be a list of touchpoints")]
    if isinstance(payload, dict):
        return [payload], []
    if isinstance(payload, list):
        if not payload:
            return [], [FieldError(None, "body", "the list of touchpoints is empty")]
        return payload, []
    return [], [FieldError(None, "body", "send a touchpoint object or a list of them")]


def check_events(
    items: Sequence[Any], *, locales: Sequence[str], now: datetime, first_index: int = 0
) -> tuple[list[TouchpointEvent], list[FieldError]]:
    """Check every event; return the clean events and every error found."""
    events: list[TouchpointEvent] = []
    errors: list[FieldError] = []
    for offset, raw in enumerate(items):
        event, found = check_event(raw, first_index + offset, locales=locales, now=now)
        errors.extend(found)
        if event is not None:
            events.append(event)
    return events, errors


def check_event(
    raw: Any, index: int, *, locales: Sequence[str], now: datetime
) -> tuple[TouchpointEvent | None, list[FieldError]]:
    """Check one event; return it cleaned, or None with the reasons."""
    checker = _Checker(index)
    if not isinstance(raw, dict):
        checker.fail("touchpoint", "must be a JSON object")
        return None, checker.errors
    checker.unknown(raw, EVENT_FIELDS)
    external_id = checker.text(raw, "external_id", "external_id", required=True)
    kind = _check_type(checker, raw)
    occurred_at = _check_occurred_at(checker, raw.get("occurred_at"), now)
    team = checker.text(raw, "team", "team", required=True)
    if team is not None and not any(ch.isalnum() for ch in team):
        checker.fail("team", "needs at least one letter or digit")
    agent = checker.text(raw, "agent", "agent", required=False)
    contact = _check_contact(checker, raw.get("contact"), locales)
    metadata = _check_metadata(checker, raw.get("metadata"))
    if checker.errors or not (external_id and kind and occurred_at and team and contact):
        return None, checker.errors
    event = TouchpointEvent(
        external_id=external_id,
        type=kind,
        occurred_at=occurred_at,
        team=team,
        agent=agent,
        contact=contact,
        metadata=metadata,
    )
    return event, []


def _check_type(checker: _Checker, raw: Mapping[str, Any]) -> str | None:
    kind = checker.text(raw, "type", "type", required=True)
    if kind is None:
        return None
    kind = kind.lower()
    if not TYPE_SHAPE.match(kind):
        checker.fail("type", "use letters, digits, '_', '.' or '-', such as ticket_closed")
        return None
    return kind


def _check_occurred_at(checker: _Checker, value: Any, now: datetime) -> datetime | None:
    if value is None or value == "":
        checker.fail("occurred_at", "is required")
        return None
    if not isinstance(value, str):
        checker.fail("occurred_at", "must be an ISO 8601 string, such as 2026-03-01T14:05:00+01:00")
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        checker.fail("occurred_at", "is not an ISO 8601 date and time")
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        checker.fail("occurred_at", "needs a UTC offset, such as +01:00 or Z")
        return None
    if moment - now > FUTURE_TOLERANCE:
        checker.fail("occurred_at", "is in the future")
        return None
    return moment


def _check_contact(checker: _Checker, value: Any, locales: Sequence[str]) -> ContactData | None:
    if value is None:
        checker.fail("contact", "is required (at least contact.email)")
        return None
    if not isinstance(value, dict):
        checker.fail("contact", "must be an object with at least an email")
        return None
    checker.unknown(value, CONTACT_FIELDS, "contact.")
    email = checker.text(value, "email", "contact.email", required=True)
    if email is not None:
        try:
            email = normalize_email(validate_email(email, check_deliverability=False).normalized)
        except EmailNotValidError as error:
            checker.fail("contact.email", f"is not a valid email: {error}")
            email = None
    locale = _check_locale(checker, value.get("locale"), locales)
    timezone = checker.text(value, "timezone", "contact.timezone", required=False)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            checker.fail("contact.timezone", "is not an IANA time zone, such as Europe/Madrid")
            timezone = None
    texts = {
        key: checker.text(value, key, f"contact.{key}", required=False)
        for key in ("name", "segment", "lifecycle_stage", "external_id")
    }
    if email is None:
        return None
    return ContactData(email=email, locale=locale, timezone=timezone, **texts)


def _check_locale(checker: _Checker, value: Any, locales: Sequence[str]) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        checker.fail("contact.locale", "must be a string")
        return None
    # "es-MX" and "en_GB" are Spanish and English: Heard speaks languages, not regions.
    language = value.strip().replace("_", "-").split("-")[0].lower()
    if language not in locales:
        checker.fail("contact.locale", f"must be one of {', '.join(locales)}")
        return None
    return language


def _check_metadata(checker: _Checker, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        checker.fail("metadata", "must be a JSON object")
        return {}
    size = len(json.dumps(value, ensure_ascii=False).encode())
    if size > MAX_METADATA_BYTES:
        checker.fail("metadata", f"is {size} bytes; at most {MAX_METADATA_BYTES}")
        return {}
    return value
