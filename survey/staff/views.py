"""Staff home: the surveys and their response counts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.auth.policies import STAFF_ROLES, role_required
from survey.auth.services import allowed_team_ids
from survey.insights.responses import surveys_with_response_counts

bp = Blueprint("staff", __name__)


@bp.get("/")
@role_required(*STAFF_ROLES)
def home() -> ResponseReturnValue:
    """List the surveys with their completed and partial response counts."""
    teams = allowed_team_ids(current_user._get_current_object())
    return render_template("staff/home.html", rows=surveys_with_response_counts(teams))
