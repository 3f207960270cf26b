"""Staff login and logout, with failure counters, session rotation and timeouts."""

from __future__ import annotations

import hashlib
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import (
    current_user,
    login_user,
    logout_user,
    user_loaded_from_cookie,
)

from survey.auth.forms import LoginForm
from survey.auth.models import User
from survey.auth.policies import STAFF_ROLES, public, role_required
from survey.auth.services import authenticate, end_sessions, load_user
from survey.contacts.services import normalize_email
from survey.extensions import login_manager
from survey.security import client_address, failure_limit

bp = Blueprint("auth", __name__)

login_manager.user_loader(load_user)
login_manager.login_view = "auth.login"
login_manager.login_message = None

#: Session keys: when the staff member signed in, when they were last seen, and whether
#: "keep me signed in" was chosen (the cookie's own lifetime then bounds the session).
SIGNED_IN_AT, SEEN_AT, REMEMBERED = "auth_at", "seen_at", "auth_remember"


def _safe_next(target: str | None) -> str:
    """Return a local path to go to after login; never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("staff.home")


def _account_key(email: str) -> str:
    # A digest: the counters' storage (Redis) never holds staff emails.
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def _login_wait(email: str) -> int | None:
    """Return the seconds this account or address must wait before trying again, or None."""
    waits = [
        failure_limit("login_account").blocked(_account_key(email)),
        failure_limit("login_ip").blocked(client_address()),
    ]
    return max((w for w in waits if w is not None), default=None)


def _count_failure(email: str) -> None:
    failure_limit("login_account").fail(_account_key(email))
    failure_limit("login_ip").fail(client_address())


def _start_session(remember: bool) -> None:
    now = int(time.time())
    session[SIGNED_IN_AT], session[SEEN_AT], session[REMEMBERED] = now, now, remember


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 422 if request.method == "POST" else 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        email = normalize_email(form.email.data or "")
        wait = _login_wait(email)
        if wait is not None:
            minutes = max(1, -(-wait // 60))
            form.password.errors.append(
                _(
                    "Too many failed attempts. Please wait %(minutes)s min and try again.",
                    minutes=minutes,
                )
            )
            status, headers = 429, {"Retry-After": str(wait)}
        else:
            user = authenticate(email, form.password.data or "")
            if user is not None:
                # A new session at login: nothing set before it (fixation) survives.
                session.clear()
                login_user(user, remember=bool(form.remember.data))
                _start_session(bool(form.remember.data))
                return redirect(_safe_next(request.args.get("next")))
            _count_failure(email)
            form.password.errors.append(_("Wrong email or password."))
    return render_template("auth/login.html", form=form), status, headers


@bp.post("/logout")
@role_required(*STAFF_ROLES)
def logout() -> ResponseReturnValue:
    """Sign the user out everywhere: this session, others, and "keep me signed in" cookies."""
    end_sessions(current_user._get_current_object())
    logout_user()
    for key in (SIGNED_IN_AT, SEEN_AT, REMEMBERED):
        session.pop(key, None)
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))


def _expired(now: float) -> bool:
    config = current_app.config
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        return True
    if session.get(REMEMBERED):
        # "Keep me signed in": bounded by the cookie's lifetime, revocable by logout.
        lifetime: float = config["REMEMBER_COOKIE_DURATION"].total_seconds()
        return now - signed_in > lifetime
    idle = float(config["SURVEY_SESSION_IDLE_MINUTES"]) * 60
    absolute = float(config["SURVEY_SESSION_MAX_HOURS"]) * 3600
    return now - seen > idle or now - signed_in > absolute


@bp.before_app_request
def end_expired_sessions() -> None:
    """Sign out a staff session idle or old beyond the settings; refresh its last-seen time."""
    if "_user_id" not in session:
        return
    now = time.time()
    if _expired(now):
        logout_user()
        for key in (SIGNED_IN_AT, SEEN_AT, REMEMBERED):
            session.pop(key, None)
        return
    # Written at most once a minute: each write re-sends the session cookie.
    if now - session[SEEN_AT] >= 60:
        session[SEEN_AT] = int(now)


def _restored_from_cookie(sender: Flask, user: User) -> None:
    # The browser was closed; "keep me signed in" brought the staff member back.
    _start_session(True)


user_loaded_from_cookie.connect(_restored_from_cookie)
