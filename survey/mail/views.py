"""Unsubscribe links (/u/<token>) and the dev mail folder for admins (/dev/mail)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue

from survey.auth.models import Role
from survey.auth.policies import respondent, role_required
from survey.distribution.models import Invitation
from survey.extensions import csrf
from survey.i18n import supported_locale
from survey.mail.services import (
    find_unsubscribe_invitation,
    is_unsubscribed,
    list_dev_mail,
    read_dev_mail,
    unsubscribe_contact,
)
from survey.mail.transport import dev_mail_folder
from survey.security import count_failure, refuse_repeated_failures

bp = Blueprint("mail", __name__)


def _invitation(token: str) -> Invitation:
    # Guessed links count per address, on the survey links' counter (survey/security.py).
    if (refused := refuse_repeated_failures("survey_token")) is not None:
        abort(refused)
    invitation = find_unsubscribe_invitation(token)
    fallback = invitation.locale if invitation else None
    g.locale = supported_locale(request.args.get("lang")) or supported_locale(fallback)
    if invitation is None:
        count_failure("survey_token")
        abort(404)
    return invitation


@bp.get("/u/<token>")
@respondent
def show_unsubscribe(token: str) -> ResponseReturnValue:
    """Ask to confirm. Never writes: mail scanners open every link in a message."""
    invitation = _invitation(token)
    done = is_unsubscribed(invitation)
    return render_template("mail/unsubscribe.html", token=token, done=done, locale=g.locale)


@bp.post("/u/<token>")
@csrf.exempt
@respondent
def unsubscribe(token: str) -> ResponseReturnValue:
    """Unsubscribe the contact: the page's button, or a mail client's RFC 8058 one-click POST.

    Exempt from CSRF because the mail client posts without a page or a session; the
    secret token in the URL is the proof, and unsubscribing is the only thing it can do.
    """
    invitation = _invitation(token)
    unsubscribe_contact(invitation)
    return render_template("mail/unsubscribe.html", token=token, done=True, locale=g.locale)


@bp.get("/dev/mail")
@role_required(Role.ADMIN)
def list_dev_messages() -> ResponseReturnValue:
    """List the messages the file transport kept (development without SMTP)."""
    folder = dev_mail_folder(current_app.instance_path)
    return render_template(
        "mail/dev_list.html",
        messages=list_dev_mail(folder),
        folder=folder,
        smtp_host=current_app.config.get("SMTP_HOST"),
    )


@bp.get("/dev/mail/<name>")
@role_required(Role.ADMIN)
def show_dev_message(name: str) -> ResponseReturnValue:
    """Show one kept message: the HTML part in a sandboxed frame, the text part below."""
    message = read_dev_mail(dev_mail_folder(current_app.instance_path), name)
    if message is None:
        abort(404)
    return render_template("mail/dev_message.html", message=message)
