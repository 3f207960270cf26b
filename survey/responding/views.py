"""Respondent pages at /r/<token>: no login, the customer's language, one answer per link."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.auth.policies import respondent
from survey.i18n import supported_locale
from survey.responding.forms import ScoreForm, SurveyForm, build_survey_form
from survey.responding.services import (
    ClientInfo,
    LinkState,
    OpenedLink,
    SaveOutcome,
    open_link,
    save_preselected_score,
    submit_answers,
)
from survey.security import client_address, failure_limit, too_many_attempts
from survey.text import strip_unsafe

bp = Blueprint("responding", __name__, url_prefix="/r")

ViewResult = str | Response | WerkzeugResponse | tuple[str, int] | tuple[Response, int]


#: Session key marking "this link's score was just saved", set only by the server's save.
SAVED_SCORE_KEY = "saved_score"


def _client() -> ClientInfo:
    user_agent = strip_unsafe(request.user_agent.string)
    return ClientInfo(ip_address=request.remote_addr, user_agent=user_agent)


def _link_marker(token: str) -> str:
    # The session cookie is signed, not encrypted: it keeps a digest, never the token.
    return hashlib.sha256(token.encode()).hexdigest()[:20]


def _open(token: str) -> OpenedLink:
    """Open the link and set the page language: ?lang=, else the invitation's.

    Unknown tokens count against the address on their own counter (guessing links), never
    the staff login's; a valid link costs nothing.
    """
    guesses = failure_limit("survey_token")
    wait = guesses.blocked(client_address())
    if wait is not None:
        abort(too_many_attempts(wait))
    opened = open_link(token)
    if opened.state is LinkState.UNKNOWN:
        guesses.fail(client_address())
    fallback = opened.invitation.locale if opened.invitation else None
    g.locale = supported_locale(request.args.get("lang")) or supported_locale(fallback)
    if opened.state is LinkState.UNKNOWN:
        abort(404, description="survey_link_unknown")
    if opened.state is LinkState.GONE:
        abort(410, description="survey_link_gone")
    return opened


def _preselected_score() -> int | None:
    raw = request.args.get("score", "")
    return int(raw) if raw.isdigit() and 0 <= int(raw) <= 10 else None


def _render_form(opened: OpenedLink, form: SurveyForm, status: int = 200) -> tuple[str, int]:
    assert opened.survey is not None
    survey = opened.survey
    score = _preselected_score()
    page = render_template(
        "responding/survey.html",
        survey=survey,
        questions=survey.questions,
        form=form,
        token=request.view_args["token"] if request.view_args else "",
        preselected=score,
        saved=_just_saved(score),
        locale=g.locale,
    )
    return page, status


def _just_saved(score: int | None) -> bool:
    """Return whether the server saved this score for this link in the previous request."""
    marker = session.pop(SAVED_SCORE_KEY, None)
    token = request.view_args["token"] if request.view_args else ""
    return score is not None and marker == [_link_marker(token), score]


@bp.get("/<token>")
@respondent
def show_survey(token: str) -> ViewResult:
    """Show the survey, or the thank-you page once answered. Never writes: scanners GET too."""
    opened = _open(token)
    if opened.state is LinkState.COMPLETED:
        return render_template("responding/thanks.html", locale=g.locale)
    assert opened.invitation is not None
    form = _survey_form(opened, formdata=None)
    score = _preselected_score()
    if score is not None:
        form["nps"].data = str(score) if "nps" in form else None
    return _render_form(opened, form)


@bp.post("/<token>")
@respondent
def submit_survey(token: str) -> ViewResult:
    """Validate and store the whole survey, then show the thank-you page."""
    opened = _open(token)
    if opened.state is LinkState.COMPLETED:
        return render_template("responding/thanks.html", locale=g.locale)
    form = _survey_form(opened)
    if not form.validate():
        return _render_form(opened, form, status=422)
    assert opened.invitation is not None
    values = {name: field.data for name, field in form._fields.items()}
    assert opened.survey is not None
    submit_answers(opened.invitation, opened.survey, values, _client())
    return redirect(url_for("responding.show_survey", token=token, lang=g.locale), code=303)


@bp.post("/<token>/score")
@respondent
def save_score(token: str) -> ViewResult:
    """Save the score pre-selected from the email (the page's script, or its plain button)."""
    opened = _open(token)
    wants_json = request.accept_mimetypes.best == "application/json"
    form = ScoreForm()
    if opened.state is LinkState.COMPLETED:
        outcome = SaveOutcome.ALREADY_COMPLETED
    elif not form.validate():
        if wants_json:
            return jsonify(saved=False, errors=form.errors), 422
        return _render_form(opened, _survey_form(opened, formdata=None), status=422)
    else:
        assert opened.invitation is not None
        assert opened.survey is not None
        outcome = save_preselected_score(
            opened.invitation,
            opened.survey,
            int(form.score.data),
            _client(),
            scanner_window=int(current_app.config["SURVEY_SCANNER_WINDOW_SECONDS"]),
        )
    if wants_json:
        return jsonify(saved=outcome is SaveOutcome.SAVED, outcome=outcome.value)
    if outcome is SaveOutcome.SAVED:
        # Read once by the next page: a ?saved=1 in a URL can no longer claim a save.
        session[SAVED_SCORE_KEY] = [_link_marker(token), int(form.score.data)]
    target = url_for("responding.show_survey", token=token, lang=g.locale, score=form.score.data)
    return redirect(target, code=303)


def _survey_form(opened: OpenedLink, **kwargs: object) -> SurveyForm:
    assert opened.survey is not None
    return build_survey_form(
        opened.survey,
        g.locale,
        int(current_app.config["SURVEY_MAX_TEXT_LENGTH"]),
        **kwargs,
    )
