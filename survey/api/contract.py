"""The /api/v1 contract: request and response models, and the OpenAPI document built from them.

The event itself is :class:`survey.distribution.schema.TouchpointEvent` (the CSV import
checks rows with it too). The views serialise every answer through the models below, and
:func:`openapi_document` generates the schemas from the same models, so the document, the
checks and the answers cannot drift apart; tests/api/test_openapi.py checks real answers
against it.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, RootModel, WithJsonSchema
from pydantic.json_schema import models_json_schema

from survey.distribution.intake import Outcome, Result
from survey.distribution.rules import SkipReason
from survey.distribution.schema import (
    MAX_BATCH,
    FieldError,
    Notice,
    TouchpointEvent,
)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


#: A moment answered as ISO 8601 in UTC with an explicit +00:00 offset.
UtcTimestamp = Annotated[
    datetime,
    PlainSerializer(_utc_text, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class TouchpointList(RootModel[list[TouchpointEvent]]):
    """A batch of touchpoints."""

    root: list[TouchpointEvent] = Field(min_length=1, max_length=MAX_BATCH)


class WrappedTouchpoints(BaseModel):
    """The same batch under "touchpoints"."""

    model_config = ConfigDict(extra="forbid")

    touchpoints: list[TouchpointEvent] = Field(min_length=1, max_length=MAX_BATCH)


class TouchpointRequest(RootModel[TouchpointEvent | TouchpointList | WrappedTouchpoints]):
    """One touchpoint, a list of up to 1000, or the same list under "touchpoints"."""


class InvitationOutcome(BaseModel):
    """One triggered survey: the invitation scheduled, or skipped and why."""

    model_config = ConfigDict(extra="forbid")

    survey: str = Field(description="The triggered survey's slug.")
    invitation_id: int
    status: Literal["scheduled", "skipped"]
    skip_reason: str | None = Field(
        examples=[reason.value for reason in SkipReason],
        description="Why no invitation was scheduled, null when scheduled: "
        + ", ".join(reason.value for reason in SkipReason)
        + " (a replay may also show a reason the sending worker recorded later).",
    )
    send_after: UtcTimestamp = Field(
        description="When the email goes out (UTC), moved out of the contact's quiet hours; "
        "for a skipped one, when it would have."
    )
    expires_at: UtcTimestamp | None


class TouchpointOutcome(BaseModel):
    """What recording one event did."""

    model_config = ConfigDict(extra="forbid")

    index: int
    external_id: str
    touchpoint_id: int
    created: bool = Field(description="false when this external_id was already recorded.")
    result: Result
    invitations: list[InvitationOutcome]
    warnings: list[Notice] = Field(
        description="Values of this event that were not used as sent, such as an unsupported "
        "contact.locale; the event was recorded all the same."
    )

    @classmethod
    def of(cls, index: int, outcome: Outcome, warnings: list[Notice]) -> TouchpointOutcome:
        """Return the answer for one recorded event."""
        return cls(
            index=index,
            external_id=outcome.external_id,
            touchpoint_id=outcome.touchpoint_id,
            created=outcome.created,
            result=outcome.result,
            invitations=[
                InvitationOutcome(
                    survey=item.survey_slug,
                    invitation_id=item.invitation_id,
                    status="scheduled" if item.scheduled else "skipped",
                    skip_reason=item.skip_reason,
                    send_after=item.send_after,
                    expires_at=item.expires_at,
                )
                for item in outcome.invitations
            ],
            warnings=warnings,
        )


class IntakeResponse(BaseModel):
    """The answer to a batch that was recorded."""

    model_config = ConfigDict(extra="forbid")

    created: int
    already_recorded: int
    touchpoints: list[TouchpointOutcome]


class ErrorBody(BaseModel):
    """Every failure: a stable code, a message, and for invalid events every problem."""

    model_config = ConfigDict(extra="forbid", title="Error")

    error: str = Field(description="A stable code, such as invalid_api_key.")
    message: str
    errors: list[FieldError] = Field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """Return the JSON body; ``errors`` only when some were given."""
        return self.model_dump(mode="json", exclude_unset=True)


_EXAMPLE_EVENT: dict[str, Any] = {
    "external_id": "zendesk-48213",
    "type": "ticket_closed",
    "occurred_at": "2026-03-02T16:40:00+01:00",
    "team": "soporte-n1",
    "agent": "lucia.g",
    "contact": {
        "email": "marta@example.com",
        "name": "Marta Ruiz",
        "locale": "es",
        "timezone": "Europe/Madrid",
        "segment": "pyme",
        "lifecycle_stage": "customer",
        "external_id": "crm-9921",
    },
    "metadata": {"channel": "email", "priority": "high"},
}

_EXAMPLE_RESPONSE: dict[str, Any] = {
    "created": 1,
    "already_recorded": 0,
    "touchpoints": [
        {
            "index": 0,
            "external_id": "zendesk-48213",
            "touchpoint_id": 812,
            "created": True,
            "result": "scheduled",
            "invitations": [
                {
                    "survey": "after-support",
                    "invitation_id": 1907,
                    "status": "scheduled",
                    "skip_reason": None,
                    "send_after": "2026-03-02T17:40:00+00:00",
                    "expires_at": "2026-03-16T17:40:00+00:00",
                }
            ],
            "warnings": [],
        }
    ],
}


def _replayed_example() -> dict[str, Any]:
    example = copy.deepcopy(_EXAMPLE_RESPONSE)
    example["created"], example["already_recorded"] = 0, 1
    example["touchpoints"][0]["created"] = False
    return example


def _json(schema: str, description: str, example: dict[str, Any]) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "description": description,
        "content": {"application/json": {"schema": ref, "example": example}},
    }


def _error(description: str, error: str, message: str, **extra: Any) -> dict[str, Any]:
    return _json("ErrorBody", description, {"error": error, "message": message, **extra})


def _touchpoints_post() -> dict[str, Any]:
    return {
        "operationId": "createTouchpoints",
        "summary": "Record touchpoints and schedule their survey invitations",
        "description": "All or nothing: when one event is invalid, nothing is recorded and "
        "the 422 body lists every problem. Idempotent on external_id. For each active survey "
        "whose triggers include the event's type, the survey's rules (delay, quiet hours, "
        "fatigue, sampling, unsubscribe) schedule an invitation or record why it was skipped.",
        "security": [{"bearerAuth": []}],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/TouchpointRequest"},
                    "examples": {
                        "single": {"value": _EXAMPLE_EVENT},
                        "list": {"value": [_EXAMPLE_EVENT]},
                        "wrapped": {"value": {"touchpoints": [_EXAMPLE_EVENT]}},
                    },
                }
            },
        },
        "responses": {
            "201": _json("IntakeResponse", "At least one touchpoint was new.", _EXAMPLE_RESPONSE),
            "200": _json(
                "IntakeResponse", "Every touchpoint was already recorded.", _replayed_example()
            ),
            "400": _error(
                "The body is not valid JSON.", "invalid_json", "the body is not valid JSON: ..."
            ),
            "401": _error(
                "No key, or an unknown one.", "invalid_api_key", "this API key is not known"
            ),
            "403": _error(
                "The key was revoked.", "revoked_api_key", "this API key has been revoked"
            ),
            "413": _error(
                f"More than {MAX_BATCH} touchpoints, or a body over the size limit.",
                "too_many_touchpoints",
                f"send at most {MAX_BATCH} per request",
            ),
            "415": _error("The body is not JSON.", "unsupported_media_type", "send a JSON body"),
            "422": _error(
                "Some events are invalid; nothing was recorded.",
                "invalid_touchpoints",
                "nothing was recorded",
                errors=[
                    {
                        "index": 3,
                        "field": "occurred_at",
                        "message": "needs a UTC offset, such as +01:00 or Z",
                    }
                ],
            ),
        },
    }


_OPENAPI_GET: dict[str, Any] = {
    "operationId": "getOpenApiDocument",
    "summary": "This document",
    "security": [],
    "responses": {
        "200": {
            "description": "The OpenAPI description of the API.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
}


@cache
def _schemas() -> dict[str, Any]:
    """Return the component schemas, generated from the models."""
    _, document = models_json_schema(
        [
            (TouchpointRequest, "validation"),
            (IntakeResponse, "serialization"),
            (ErrorBody, "serialization"),
        ],
        ref_template="#/components/schemas/{model}",
    )
    return dict(document["$defs"])


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document as a fresh dict."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Heard API",
            "version": "1",
            "description": "Send touchpoints (tickets closed, orders delivered...) so that "
            "Heard invites the customer to a short survey by the survey's rules. "
            "Authenticate with `Authorization: Bearer <key>`; create a key with "
            "`survey apikey create --name NAME`.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/touchpoints": {"post": _touchpoints_post()},
            "/api/v1/openapi.json": {"get": copy.deepcopy(_OPENAPI_GET)},
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": copy.deepcopy(_schemas()),
        },
    }
