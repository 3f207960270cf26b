"""Unsubscribing from the email's link, and reading the dev mail folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, update

from survey.contacts.models import Contact
from survey.database import utcnow
from survey.distribution.models import Invitation
from survey.distribution.services import find_invitation_by_token
from survey.distribution.tokens import looks_like_token
from survey.extensions import db
from survey.signals import contact_unsubscribed


def find_unsubscribe_invitation(token: str) -> Invitation | None:
    """Return the invitation an unsubscribe link belongs to, without writing anything."""
    if not looks_like_token(token):
        return None
    invitation = find_invitation_by_token(token)
    if invitation is None or invitation.erased_at is not None:
        return None
    return invitation


def is_unsubscribed(invitation: Invitation) -> bool:
    """Return whether the invitation's contact has already unsubscribed."""
    return invitation.contact.unsubscribed_at is not None


def unsubscribe_contact(invitation: Invitation, now: datetime | None = None) -> bool:
    """Stop all surveys to the invitation's contact and commit; True if this call did it.

    The conditional UPDATE makes a mail client's one-click POST and the person's own click,
    arriving together, unsubscribe once and announce it once.
    """
    now = now or utcnow()
    result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(Contact)
        .where(Contact.id == invitation.contact_id, Contact.unsubscribed_at.is_(None))
        .values(unsubscribed_at=now)
        .execution_options(synchronize_session=False)
    )
    changed = result.rowcount
    if changed:
        contact_unsubscribed.send(contact_id=invitation.contact_id, unsubscribed_at=now)
    db.session.commit()
    return bool(changed)


#: What the file transport writes: "<UTC timestamp>-<label>.eml", nothing else is served.
DEV_MAIL_NAME = re.compile(r"^[0-9]{8}T[0-9]{12}Z-[A-Za-z0-9_.-]+\.eml$")


@dataclass(frozen=True)
class DevMailSummary:
    """One message in the dev mail folder, as the list shows it."""

    name: str
    to: str
    subject: str
    date: str


@dataclass(frozen=True)
class DevMailMessage:
    """One message with its parts, as the message page shows it."""

    summary: DevMailSummary
    headers: list[tuple[str, str]]
    text: str | None
    html: str | None


def list_dev_mail(folder: Path, limit: int = 200) -> list[DevMailSummary]:
    """Return the newest messages of the dev mail folder first."""
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.iterdir() if DEV_MAIL_NAME.match(p.name)), reverse=True)
    summaries = []
    parser = BytesHeaderParser(policy=policy.default)
    for name in names[:limit]:
        with (folder / name).open("rb") as handle:
            headers = parser.parse(handle)
        summaries.append(_summary(name, headers))
    return summaries


def _summary(name: str, message: EmailMessage) -> DevMailSummary:
    return DevMailSummary(
        name=name,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=str(message.get("Date", "")),
    )


def read_dev_mail(folder: Path, name: str) -> DevMailMessage | None:
    """Return one message of the dev mail folder, or None if there is no such file."""
    if not DEV_MAIL_NAME.match(name):
        return None
    path = folder / name
    if not path.is_file():
        return None
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return DevMailMessage(
        summary=_summary(name, message),
        headers=[(key, str(value)) for key, value in message.items()],
        text=text_part.get_content() if text_part is not None else None,
        html=html_part.get_content() if html_part is not None else None,
    )
