"""Staff home: the surveys and their response counts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from survey.auth.policies import STAFF_ROLES, role_required
from survey.insights.responses import surveys_with_response_counts

bp = Blueprint("staff", __name__)


@bp.get("/")
@role_required(*STAFF_ROLES)
def home() -> ResponseReturnValue:
    """List the surveys with their completed and partial response counts."""
    return render_template("staff/home.html", rows=surveys_with_response_counts())
