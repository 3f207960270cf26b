"""Staff login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from survey.auth.forms import LoginForm
from survey.auth.services import authenticate, load_user
from survey.extensions import login_manager

bp = Blueprint("auth", __name__)

login_manager.user_loader(load_user)
login_manager.login_view = "auth.login"
login_manager.login_message = None


def _safe_next(target: str | None) -> str:
    """Return a local path to go to after login; never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("staff.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong email or password."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign the user out."""
    logout_user()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))
