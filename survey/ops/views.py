"""Health check for load balancers and process supervisors."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from survey.auth.policies import public
from survey.extensions import csrf, db

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@csrf.exempt
@public
def healthz() -> ResponseReturnValue:
    """Return 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("health check: database unreachable", exc_info=True)
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
