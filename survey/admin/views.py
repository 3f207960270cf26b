"""Admin pages, for the admin role only."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from survey.admin.forms import ImportTouchpointsForm
from survey.auth.models import Role
from survey.auth.policies import role_required
from survey.distribution.csv_import import (
    REQUIRED_COLUMNS,
    CsvFormatError,
    import_touchpoints_csv,
)
from survey.extensions import csrf

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/import", methods=["GET", "POST"])
# The form checks its own CSRF token: the global check would read the upload before the
# larger import limit below applies, and refuse any file over the 1 MiB form limit.
@csrf.exempt
@role_required(Role.ADMIN)
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
