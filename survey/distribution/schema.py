"""The touchpoint event, defined once: the API, the CSV import and the OpenAPI document use it.

:class:`TouchpointEvent` and :class:`ContactData` are pydantic models. Validating one gives
clean values (trimmed text, lower-cased email, aware datetime); its errors become
:class:`FieldError` (``index``, ``field``, ``message``), which the API returns as JSON and the
CSV import prints with its line number. The OpenAPI document is generated from the same
models (see :mod:`survey.api.contract`), so the document cannot drift from the checks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from survey.contacts.addresses import AddressError, checked_email
from survey.database import utcnow
from survey.distribution.rules import TYPE_SHAPE
from survey.text import UNSAFE_TEXT_MESSAGE, find_unsafe_character

#: The most events one API request or one import batch may carry.
MAX_BATCH = 1000
#: Metadata is for context (a channel, a product): a few kilobytes, not documents.
MAX_METADATA_BYTES = 16 * 1024
#: Clocks drift; a touchpoint further in the future than this is a mistake, not a drift.
FUTURE_TOLERANCE = timedelta(hours=1)
#: What the OpenAPI document shows for ``type`` (the check itself lower-cases first).
TYPE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class FieldError(BaseModel):
    """One problem with one field of one event (index None: the request as a whole)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int | None = Field(
        description="Position of the event in the batch (0 for a single object); null when "
        "the error is about the request as a whole."
    )
    field: str = Field(examples=["contact.email"])
    message: str

    def __init__(self, index: int | None, field: str, message: str) -> None:
        super().__init__(index=index, field=field, message=message)

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "message": self.message}


class Notice(BaseModel):
    """Something in an accepted event that was not used as sent (an unsupported locale)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str = Field(examples=["contact.locale"])
    message: str


# Text fields: what every string coming in goes through.


def _storable(value: str) -> str:
    """Refuse text that the databases would not store alike (see :mod:`survey.text`)."""
    if find_unsafe_character(value) is not None:
        raise PydanticCustomError("unsafe_text", UNSAFE_TEXT_MESSAGE)
    return value


def _trimmed(value: Any) -> Any:
    """Strip text and treat blank text as absent; leave other types to the type check."""
    if not isinstance(value, str):
        return value
    value = _storable(value).strip()
    return value or None


def _required(value: Any) -> Any:
    value = _trimmed(value)
    if value is None:
        raise PydanticCustomError("missing", "is required")
    return value


#: Trimmed text; blank counts as missing. Lengths and descriptions go on each field.
RequiredText = Annotated[str, BeforeValidator(_required)]
OptionalText = Annotated[str | None, BeforeValidator(_trimmed)]


def _touchpoint_type(value: str) -> str:
    value = value.lower()
    if not TYPE_SHAPE.match(value):
        raise PydanticCustomError(
            "type_shape", "use letters, digits, '_', '.' or '-', such as ticket_closed"
        )
    return value


def _team(value: str) -> str:
    if not any(ch.isalnum() for ch in value):
        raise PydanticCustomError("team_shape", "needs at least one letter or digit")
    return value


def _occurred_at(value: Any, info: ValidationInfo) -> datetime:
    if value is None or value == "":
        raise PydanticCustomError("missing", "is required")
    if not isinstance(value, str):
        raise PydanticCustomError(
            "datetime_type", "must be an ISO 8601 string, such as 2026-03-01T14:05:00+01:00"
        )
    try:
        moment = datetime.fromisoformat(_storable(value).strip())
    except ValueError:
        raise PydanticCustomError("datetime_format", "is not an ISO 8601 date and time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PydanticCustomError("datetime_offset", "needs a UTC offset, such as +01:00 or Z")
    now = (info.context or {}).get("now") or utcnow()
    if moment - now > FUTURE_TOLERANCE:
        raise PydanticCustomError("datetime_future", "is in the future")
    return moment


def _email(value: str) -> str:
    try:
        return checked_email(value)
    except AddressError as error:
        raise PydanticCustomError(
            "email", "is not a valid email: {reason}", {"reason": str(error)}
        ) from None


def _timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError(
            "timezone", "is not an IANA time zone, such as Europe/Madrid"
        ) from None
    return value


def _locale(value: Any, info: ValidationInfo) -> Any:
    """Return the language of a locale; an unsupported one is noted and left unstated.

    One customer with ``pt`` must not cost a batch of a thousand events: the contact keeps
    the language stored for them, or gets SURVEY_DEFAULT_LOCALE when new.
    """
    value = _trimmed(value)
    if not isinstance(value, str):
        return value
    # "es-MX" and "en_GB" are Spanish and English: Heard speaks languages, not regions.
    language = value.replace("_", "-").split("-")[0].lower()
    context = info.context or {}
    locales = context.get("locales")
    if locales is None or language in locales:
        return language
    default = context.get("default_locale") or locales[0]
    context.setdefault("notices", []).append(
        Notice(
            field="contact.locale",
            message=f"{value[:20]!r} is not offered (accepted: {', '.join(locales)}); "
            f"the contact's stored language is kept, {default} for a new contact",
        )
    )
    return None


def _walk_text(value: Any, path: str) -> None:
    """Check every key and string inside a JSON value; the error names where it is."""
    if isinstance(value, str):
        if find_unsafe_character(value) is not None:
            raise PydanticCustomError("unsafe_text", UNSAFE_TEXT_MESSAGE, {"path": path})
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk_text(key, path)
            _walk_text(item, f"{path}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _walk_text(item, f"{path}[{position}]")


def _metadata(value: Any) -> Any:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PydanticCustomError("dict_type", "must be a JSON object")
    _walk_text(value, "metadata")
    size = len(json.dumps(value, ensure_ascii=False).encode())
    if size > MAX_METADATA_BYTES:
        raise PydanticCustomError(
            "too_large",
            "is {size} bytes; at most {limit}",
            {"size": size, "limit": MAX_METADATA_BYTES},
        )
    return value


class ContactData(BaseModel):
    """Who the touchpoint was with. Matched by email (case-insensitive); the fields given
    update the stored contact."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="Contact")

    email: Annotated[RequiredText, AfterValidator(_email)] = Field(
        max_length=320, json_schema_extra={"format": "email"}
    )
    name: OptionalText = Field(None, max_length=200)
    locale: Annotated[str | None, BeforeValidator(_locale)] = Field(
        None,
        max_length=64,
        description="es or en (a region such as es-MX counts as its language). Any other "
        "value is reported in the event's warnings and not stored: the contact keeps the "
        "stored language, or SURVEY_DEFAULT_LOCALE when new.",
    )
    timezone: Annotated[OptionalText, AfterValidator(_timezone)] = Field(
        None,
        max_length=64,
        description="IANA time zone (Europe/Madrid); quiet hours are computed in it.",
    )
    segment: OptionalText = Field(None, max_length=64)
    lifecycle_stage: OptionalText = Field(None, max_length=64)
    external_id: OptionalText = Field(
        None,
        max_length=200,
        description="The contact's id in your system; must not belong to another email.",
    )


class TouchpointEvent(BaseModel):
    """A touchpoint (ticket closed, order delivered...), ready for ``record_touchpoints``."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="Touchpoint")

    external_id: RequiredText = Field(
        min_length=1,
        max_length=200,
        description="Your id for the event. Sending it again records nothing new and returns "
        "the first outcome.",
    )
    type: Annotated[RequiredText, AfterValidator(_touchpoint_type)] = Field(
        max_length=64,
        description="ticket_closed, order_delivered... (stored lower-cased). Surveys whose "
        "triggers include it are considered.",
        json_schema_extra={"pattern": TYPE_PATTERN},
    )
    occurred_at: Annotated[datetime, BeforeValidator(_occurred_at)] = Field(
        description="ISO 8601 with a UTC offset (2026-03-01T14:05:00+01:00 or ...Z); a time "
        "without an offset is refused."
    )
    team: Annotated[RequiredText, AfterValidator(_team)] = Field(
        min_length=1,
        max_length=200,
        description="Team slug or name; a new name creates the team.",
    )
    agent: OptionalText = Field(None, max_length=200)
    contact: ContactData
    metadata: Annotated[dict[str, Any], BeforeValidator(_metadata)] = Field(
        default_factory=dict,
        description=f"Free JSON object, at most {MAX_METADATA_BYTES} bytes.",
    )


_KNOWN_FIELDS: dict[tuple[str, ...], tuple[str, ...]] = {
    (): tuple(TouchpointEvent.model_fields),
    ("contact",): tuple(ContactData.model_fields),
}
_MESSAGES = {
    "string_type": "must be a string",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
}
_FIELD_MESSAGES = {
    ("contact", "missing"): "is required (at least contact.email)",
    ("contact", "model_type"): "must be an object with at least an email",
    ("contact", "model_attributes_type"): "must be an object with at least an email",
}


def _field_error(index: int | None, error: ErrorDetails) -> FieldError:
    """Return a pydantic error as a FieldError with a message in the API's words."""
    loc = tuple(str(part) for part in error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    # Inside metadata the check names the key itself: metadata.channel, not metadata.
    name = str(ctx.get("path") or ".".join(loc))
    if kind == "extra_forbidden":
        known = _KNOWN_FIELDS.get(loc[:-1], ())
        return FieldError(index, name, f"is not a known field (known: {', '.join(known)})")
    if kind == "string_too_long":
        return FieldError(index, name, f"is longer than {ctx.get('max_length')} characters")
    if kind == "missing" or (error.get("input") is None and kind in _MESSAGES):
        return FieldError(index, name, _FIELD_MESSAGES.get((name, "missing"), "is required"))
    message = _FIELD_MESSAGES.get((name, kind)) or _MESSAGES.get(kind) or error["msg"]
    return FieldError(index, name, message)


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
    items: Sequence[Any],
    *,
    locales: Sequence[str],
    now: datetime,
    first_index: int = 0,
    default_locale: str | None = None,
    notices: dict[int, list[Notice]] | None = None,
) -> tuple[list[TouchpointEvent], list[FieldError]]:
    """Check every event; return the clean events and every error found.

    ``notices``, when given, receives the notices of each event by its index.
    """
    events: list[TouchpointEvent] = []
    errors: list[FieldError] = []
    for offset, raw in enumerate(items):
        index = first_index + offset
        found: list[Notice] = []
        event, problems = check_event(
            raw, index, locales=locales, now=now, default_locale=default_locale, notices=found
        )
        errors.extend(problems)
        if event is not None:
            events.append(event)
            if found and notices is not None:
                notices[index] = found
    return events, errors


def check_event(
    raw: Any,
    index: int,
    *,
    locales: Sequence[str],
    now: datetime,
    default_locale: str | None = None,
    notices: list[Notice] | None = None,
) -> tuple[TouchpointEvent | None, list[FieldError]]:
    """Check one event; return it cleaned, or None with the reasons."""
    if not isinstance(raw, dict):
        return None, [FieldError(index, "touchpoint", "must be a JSON object")]
    context: dict[str, Any] = {
        "locales": tuple(locales),
        "default_locale": default_locale,
        "now": now,
        "notices": [],
    }
    try:
        event = TouchpointEvent.model_validate(raw, context=context)
    except ValidationError as error:
        return None, [_field_error(index, item) for item in error.errors()]
    if notices is not None:
        notices.extend(context["notices"])
    return event, []
