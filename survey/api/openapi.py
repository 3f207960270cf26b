"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written by hand next to the views; tests/api/test_openapi.py keeps it true: every route is
described, the document is valid, its examples match its schemas, and real responses too.
"""

from __future__ import annotations

import copy
from typing import Any

from survey.distribution.intake import Result, SkipReason
from survey.distribution.schema import MAX_BATCH, MAX_METADATA_BYTES

_NULLABLE_TEXT: dict[str, Any] = {"type": ["string", "null"]}

_CONTACT: dict[str, Any] = {
    "type": "object",
    "description": "Who the touchpoint was with. Matched by email (case-insensitive); the "
    "fields given update the stored contact.",
    "required": ["email"],
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string", "format": "email", "maxLength": 320},
        "name": {**_NULLABLE_TEXT, "maxLength": 200},
        "locale": {
            **_NULLABLE_TEXT,
            "description": "es or en; a region such as es-MX counts as its language.",
        },
        "timezone": {
            **_NULLABLE_TEXT,
            "description": "IANA time zone (Europe/Madrid); quiet hours are computed in it.",
        },
        "segment": {**_NULLABLE_TEXT, "maxLength": 64},
        "lifecycle_stage": {**_NULLABLE_TEXT, "maxLength": 64},
        "external_id": {
            **_NULLABLE_TEXT,
            "maxLength": 200,
            "description": "The contact's id in your system; must not belong to another email.",
        },
    },
}

_EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["external_id", "type", "occurred_at", "team", "contact"],
    "additionalProperties": False,
    "properties": {
        "external_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Your id for the event. Sending it again records nothing new and "
            "returns the first outcome.",
        },
        "type": {
            "type": "string",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
            "description": "ticket_closed, order_delivered... (stored lower-cased). Surveys "
            "whose triggers include it are considered.",
        },
        "occurred_at": {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with a UTC offset (2026-03-01T14:05:00+01:00 or ...Z); "
            "a time without an offset is refused.",
        },
        "team": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Team slug or name; a new name creates the team.",
        },
        "agent": {**_NULLABLE_TEXT, "maxLength": 200},
        "contact": {"$ref": "#/components/schemas/Contact"},
        "metadata": {
            "type": "object",
            "description": f"Free JSON object, at most {MAX_METADATA_BYTES} bytes.",
        },
    },
}

_FIELD_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["index", "field", "message"],
    "additionalProperties": False,
    "properties": {
        "index": {
            "type": ["integer", "null"],
            "description": "Position of the event in the batch (0 for a single object); null "
            "when the error is about the request as a whole.",
        },
        "field": {"type": "string", "examples": ["contact.email"]},
        "message": {"type": "string"},
    },
}

_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "additionalProperties": False,
    "properties": {
        "error": {"type": "string", "description": "A stable code, such as invalid_api_key."},
        "message": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    },
}

_INVITATION_OUTCOME: dict[str, Any] = {
    "type": "object",
    "required": [
        "survey",
        "invitation_id",
        "status",
        "skip_reason",
        "send_after",
        "expires_at",
    ],
    "additionalProperties": False,
    "properties": {
        "survey": {"type": "string", "description": "The triggered survey's slug."},
        "invitation_id": {"type": "integer"},
        "status": {"enum": ["scheduled", "skipped"]},
        "skip_reason": {
            "type": ["string", "null"],
            "examples": [reason.value for reason in SkipReason],
            "description": "Why no invitation was scheduled, null when scheduled: "
            + ", ".join(reason.value for reason in SkipReason)
            + " (a replay may also show a reason the sending worker recorded later).",
        },
        "send_after": {
            "type": "string",
            "format": "date-time",
            "description": "When the email goes out (UTC), moved out of the contact's quiet "
            "hours; for a skipped one, when it would have.",
        },
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
    },
}

_TOUCHPOINT_OUTCOME: dict[str, Any] = {
    "type": "object",
    "required": ["index", "external_id", "touchpoint_id", "created", "result", "invitations"],
    "additionalProperties": False,
    "properties": {
        "index": {"type": "integer"},
        "external_id": {"type": "string"},
        "touchpoint_id": {"type": "integer"},
        "created": {
            "type": "boolean",
            "description": "false when this external_id was already recorded.",
        },
        "result": {"enum": [result.value for result in Result]},
        "invitations": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/InvitationOutcome"},
        },
    },
}

_INTAKE_RESPONSE: dict[str, Any] = {
    "type": "object",
    "required": ["created", "already_recorded", "touchpoints"],
    "additionalProperties": False,
    "properties": {
        "created": {"type": "integer"},
        "already_recorded": {"type": "integer"},
        "touchpoints": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/TouchpointOutcome"},
        },
    },
}

_REQUEST: dict[str, Any] = {
    "description": f"One touchpoint, a list of up to {MAX_BATCH}, or the same list under "
    '"touchpoints".',
    "oneOf": [
        {"$ref": "#/components/schemas/Touchpoint"},
        {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_BATCH,
            "items": {"$ref": "#/components/schemas/Touchpoint"},
        },
        {
            "type": "object",
            "required": ["touchpoints"],
            "additionalProperties": False,
            "properties": {
                "touchpoints": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_BATCH,
                    "items": {"$ref": "#/components/schemas/Touchpoint"},
                }
            },
        },
    ],
}

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
        }
    ],
}


def _error_response(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": example,
            }
        },
    }


def _intake_response(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/IntakeResponse"},
                "example": example,
            }
        },
    }


def _replayed_example() -> dict[str, Any]:
    example = copy.deepcopy(_EXAMPLE_RESPONSE)
    example["created"], example["already_recorded"] = 0, 1
    example["touchpoints"][0]["created"] = False
    return example


_TOUCHPOINTS_POST: dict[str, Any] = {
    "operationId": "createTouchpoints",
    "summary": "Record touchpoints and schedule their survey invitations",
    "description": "All or nothing: when one event is invalid, nothing is recorded and the "
    "422 body lists every problem. Idempotent on external_id. For each active survey whose "
    "triggers include the event's type, the survey's rules (delay, quiet hours, fatigue, "
    "sampling, unsubscribe) schedule an invitation or record why it was skipped.",
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
        "201": _intake_response("At least one touchpoint was new.", _EXAMPLE_RESPONSE),
        "200": _intake_response("Every touchpoint was already recorded.", _replayed_example()),
        "400": _error_response(
            "The body is not valid JSON.",
            {"error": "invalid_json", "message": "the body is not valid JSON: ..."},
        ),
        "401": _error_response(
            "No key, or an unknown one.",
            {"error": "invalid_api_key", "message": "this API key is not known"},
        ),
        "403": _error_response(
            "The key was revoked.",
            {"error": "revoked_api_key", "message": "this API key has been revoked"},
        ),
        "413": _error_response(
            f"More than {MAX_BATCH} touchpoints, or a body over the size limit.",
            {"error": "too_many_touchpoints", "message": "send at most 1000 per request"},
        ),
        "415": _error_response(
            "The body is not JSON.",
            {"error": "unsupported_media_type", "message": "send a JSON body"},
        ),
        "422": _error_response(
            "Some events are invalid; nothing was recorded.",
            {
                "error": "invalid_touchpoints",
                "message": "nothing was recorded",
                "errors": [
                    {
                        "index": 3,
                        "field": "occurred_at",
                        "message": "needs a UTC offset, such as +01:00 or Z",
                    }
                ],
            },
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


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document as a fresh dict."""
    return copy.deepcopy(
        {
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
                "/api/v1/touchpoints": {"post": _TOUCHPOINTS_POST},
                "/api/v1/openapi.json": {"get": _OPENAPI_GET},
            },
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
                "schemas": {
                    "Touchpoint": _EVENT,
                    "Contact": _CONTACT,
                    "TouchpointRequest": _REQUEST,
                    "IntakeResponse": _INTAKE_RESPONSE,
                    "TouchpointOutcome": _TOUCHPOINT_OUTCOME,
                    "InvitationOutcome": _INVITATION_OUTCOME,
                    "Error": _ERROR,
                    "FieldError": _FIELD_ERROR,
                },
            },
        }
    )
