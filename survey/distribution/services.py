"""Creating invitations and the links that reach them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import BindParameter, ColumnElement, or_, select

from survey.contacts.addresses import AddressError, checked_email
from survey.contacts.models import Contact, Team
from survey.contacts.services import get_or_create_contact, get_or_create_team
from survey.database import utcnow
from survey.distribution.models import (
    Invitation,
    InvitationOrigin,
    InvitationStatus,
    Touchpoint,
)
from survey.distribution.tokens import hash_token, new_token
from survey.extensions import db
from survey.surveys.models import Survey
from survey.surveys.services import DEFAULT_SURVEY_SLUG, get_survey


class InvitationError(ValueError):
    """A request that cannot become an invitation; the message says why."""


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation together with its token, which exists only in memory (None: not yet)."""

    invitation: Invitation
    token: str | None

    @property
    def link(self) -> str:
        if self.token is None:
            raise InvitationError("this invitation has no token yet: it gets one when sent")
        return survey_link(self.token)


def survey_link(token: str, *, score: int | None = None, lang: str | None = None) -> str:
    """Return the absolute survey link for a token, optionally pre-selecting a score."""
    base = current_app.config["SURVEY_BASE_URL"].rstrip("/")
    params: dict[str, str | int] = {}
    if score is not None:
        params["score"] = score
    if lang:
        params["lang"] = lang
    query = f"?{urlencode(params)}" if params else ""
    return f"{base}/r/{token}{query}"


def issue_invitation(
    survey: Survey,
    contact: Contact,
    *,
    team: Team | None = None,
    touchpoint: Touchpoint | None = None,
    origin: InvitationOrigin = InvitationOrigin.RULE,
    status: InvitationStatus = InvitationStatus.PENDING,
    send_after: datetime | None = None,
    locale: str | None = None,
    now: datetime | None = None,
    with_token: bool = True,
    expiry_days: int | None = None,
) -> IssuedInvitation:
    """Add an invitation to the session (the caller commits), with a fresh token by default.

    ``with_token=False`` leaves ``token_hash`` NULL: scheduled invitations get their token
    from the sending worker, so that no token ever waits in the database (see
    survey.distribution.intake). ``expiry_days`` defaults to SURVEY_LINK_EXPIRY_DAYS.
    """
    now = now or utcnow()
    token = new_token() if with_token else None
    if expiry_days is None:
        expiry_days = int(current_app.config["SURVEY_LINK_EXPIRY_DAYS"])
    start = send_after or now
    invitation = Invitation(
        survey=survey,
        contact=contact,
        team=team,
        touchpoint=touchpoint,
        token_hash=hash_token(token) if token is not None else None,
        status=status,
        origin=origin,
        locale=locale or contact.locale,
        send_after=start,
        expires_at=start + timedelta(days=expiry_days),
        created_at=now,
    )
    db.session.add(invitation)
    return IssuedInvitation(invitation=invitation, token=token)


def invite_by_email(
    email: str,
    *,
    survey_slug: str = DEFAULT_SURVEY_SLUG,
    team_slug: str | None = None,
    locale: str | None = None,
) -> IssuedInvitation:
    """Create a hand-made invitation for an email address and commit it."""
    locales = current_app.config["SURVEY_LOCALES"]
    if locale is not None and locale not in locales:
        raise InvitationError(f"locale must be one of {', '.join(locales)}, not {locale!r}")
    try:
        address = checked_email(email)
    except AddressError as error:
        raise InvitationError(f"invalid email {email!r}: {error}") from None
    survey = get_survey(survey_slug)
    if survey is None:
        raise InvitationError(f"no survey with slug {survey_slug!r}")
    chosen_locale = locale or current_app.config["SURVEY_DEFAULT_LOCALE"]
    contact = get_or_create_contact(address, locale=chosen_locale)
    if locale is not None:
        contact.locale = locale
    team = get_or_create_team(team_slug) if team_slug else None
    # A printed link is handed out by hand: nothing for the mail worker to send.
    issued = issue_invitation(
        survey,
        contact,
        team=team,
        origin=InvitationOrigin.MANUAL,
        status=InvitationStatus.SENT,
        locale=contact.locale,
    )
    db.session.commit()
    return issued


def find_invitation_by_token(token: str) -> Invitation | None:
    """Return the invitation a token opens, or None."""
    return db.session.scalar(select(Invitation).where(opened_by_token(token)))


def opened_by_token(token: str) -> ColumnElement[bool]:
    """Return the condition "this invitation is the one the token opens", for queries."""
    return opened_by_digest(hash_token(token))


def opened_by_digest(digest: str | BindParameter[str]) -> ColumnElement[bool]:
    """Return the same condition for a token's digest (or a bound parameter holding one)."""
    # The reminder email carries a second token; either one opens the same invitation.
    return or_(Invitation.token_hash == digest, Invitation.reminder_token_hash == digest)
