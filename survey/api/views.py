"""The JSON API under /api/v1: touchpoints in, outcomes out, bearer keys, JSON errors."""

from __future__ import annotations

import json
from typing import Any, cast

from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

from survey.api.contract import ErrorBody, IntakeResponse, TouchpointOutcome, openapi_document
from survey.api.services import KeyCheck, check_api_key
from survey.auth.policies import Access, api_key_required, policy_of, public
from survey.database import utcnow
from survey.distribution.intake import IntakeError, record_touchpoints
from survey.distribution.models import TouchpointSource
from survey.distribution.schema import MAX_BATCH, FieldError, Notice, check_events, unpack_batch
from survey.errors import render_errors_as
from survey.extensions import csrf, db
from survey.security import count_failure, refuse_repeated_failures

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Callers authenticate with a bearer key on every request: there is no cookie to forge.
csrf.exempt(bp)


def api_error(
    status: int, error: str, message: str, errors: list[FieldError] | None = None
) -> ResponseReturnValue:
    """Return the JSON error body every API failure uses."""
    body = ErrorBody(error=error, message=message)
    if errors is not None:  # set only when given: other errors carry no "errors" key
        body.errors = list(errors)
    headers = {"WWW-Authenticate": 'Bearer realm="heard"'} if status == 401 else {}
    return jsonify(body.body()), status, headers


def http_error_json(error: HTTPException) -> ResponseReturnValue:
    """Return an HTTP error (404, 405, 413...) as a JSON body."""
    code = error.code or 500
    name = (error.name or "error").lower().replace(" ", "_")
    return api_error(code, name, error.description or error.name)


# API clients read JSON, even for routes that do not exist (outside any blueprint's handlers).
bp.record_once(lambda state: render_errors_as(cast(Flask, state.app), "/api/", http_error_json))


@bp.errorhandler(HTTPException)
def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    return http_error_json(error)


@bp.errorhandler(InternalServerError)
def handle_internal_error(error: InternalServerError) -> ResponseReturnValue:
    db.session.rollback()
    return api_error(500, "internal_server_error", "something went wrong on our side")


@bp.before_request
def require_api_key() -> ResponseReturnValue | None:
    """Refuse requests without a valid key: 401 when missing or unknown, 403 when revoked."""
    policy = policy_of(current_app.view_functions.get(request.endpoint or ""))
    if policy is not None and policy.access is Access.PUBLIC:
        return None
    # Guessed keys: failures count per address on their own counter (survey/security.py).
    if (refused := refuse_repeated_failures("api_key")) is not None:
        return refused
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    state, api_key = check_api_key(key.strip() if scheme.lower() == "bearer" else None)
    if state is KeyCheck.MISSING:
        return api_error(401, "missing_api_key", "send the header Authorization: Bearer <key>")
    if state in (KeyCheck.UNKNOWN, KeyCheck.REVOKED):
        count_failure("api_key")
    if state is KeyCheck.UNKNOWN:
        return api_error(401, "invalid_api_key", "this API key is not known")
    if state is KeyCheck.REVOKED:
        return api_error(403, "revoked_api_key", "this API key has been revoked")
    g.api_key = api_key
    return None


@bp.get("/openapi.json")
@public
def openapi() -> ResponseReturnValue:
    """Return the OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.post("/touchpoints")
@api_key_required
def create_touchpoints() -> ResponseReturnValue:
    """Record one touchpoint or a batch, all or nothing, and schedule their invitations."""
    if not request.is_json:
        return api_error(415, "unsupported_media_type", "send a JSON body (application/json)")
    request.max_content_length = current_app.config["SURVEY_API_MAX_BYTES"]
    payload = _json_body()
    if isinstance(payload, _BadJson):
        return api_error(400, "invalid_json", f"the body is not valid JSON: {payload.reason}")
    items, errors = unpack_batch(payload)
    if errors:
        return api_error(422, "invalid_touchpoints", "the request has no touchpoint", errors)
    if len(items) > MAX_BATCH:
        return api_error(
            413, "too_many_touchpoints", f"send at most {MAX_BATCH} per request, not {len(items)}"
        )
    notices: dict[int, list[Notice]] = {}
    events, errors = check_events(
        items,
        locales=current_app.config["SURVEY_LOCALES"],
        default_locale=current_app.config["SURVEY_DEFAULT_LOCALE"],
        now=utcnow(),
        notices=notices,
    )
    if errors:
        return api_error(422, "invalid_touchpoints", "nothing was recorded", errors)
    try:
        outcomes = record_touchpoints(events, TouchpointSource.API)
    except IntakeError as error:
        return api_error(422, "invalid_touchpoints", "nothing was recorded", error.errors)
    created = sum(outcome.created for outcome in outcomes)
    body = IntakeResponse(
        created=created,
        already_recorded=len(outcomes) - created,
        touchpoints=[
            TouchpointOutcome.of(index, outcome, notices.get(index, []))
            for index, outcome in enumerate(outcomes)
        ],
    )
    return jsonify(body.model_dump(mode="json")), 201 if created else 200


class _BadJson:
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_body() -> Any:
    """Return the parsed body (werkzeug raises 413 past the size limit while reading it)."""
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        return _BadJson(str(error)[:200])
