"""Admin pages, for the admin role only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from survey.admin.forms import ImportTouchpointsForm
from survey.auth.models import Role
from survey.distribution.csv_import import (
    REQUIRED_COLUMNS,
    CsvFormatError,
    import_touchpoints_csv,
)
from survey.extensions import csrf

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let only signed-in admins through; others get the friendly 403 page."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role != Role.ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/import", methods=["GET", "POST"])
# The form checks its own CSRF token: the global check would read the upload before the
# larger import limit below applies, and refuse any file over the 1 MiB form limit.
@csrf.exempt
@admin_required
def import_touchpoints() -> ResponseReturnValue:
    """Upload a CSV of touchpoints and show what was imported and what was rejected."""
    request.max_content_length = current_app.config["SURVEY_IMPORT_MAX_BYTES"]
    form = ImportTouchpointsForm()
    report, problem = None, None
    if form.validate_on_submit():
        try:
            report = import_touchpoints_csv(form.file.data.stream)
        except CsvFormatError as error:
            report, problem = error.report, str(error)
    failed = request.method == "POST" and (bool(form.errors) or problem is not None)
    page = render_template(
        "admin/import.html",
        form=form,
        report=report,
        problem=problem,
        required_columns=REQUIRED_COLUMNS,
    )
    return page, 422 if failed else 200
