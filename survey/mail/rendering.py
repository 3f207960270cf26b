"""Building the invitation email: a text and an HTML part in the contact's language."""

from __future__ import annotations

import binascii
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from survey.contacts.addresses import smtp_address
from survey.distribution.services import survey_link


@dataclass(frozen=True)
class OutgoingMail:
    """A rendered message and its envelope, ready for a transport."""

    message_id: str
    sender: str
    recipient: str
    data: bytes
    #: Names the message in logs and in the dev mail folder ("invitation-12").
    label: str


@dataclass(frozen=True)
class InvitationContent:
    """What the email says, gathered from the invitation, its contact and its survey."""

    invitation_id: int
    email: str
    name: str | None
    locale: str
    expires_at: datetime | None
    survey_title: str
    #: The NPS prompt and the labels of both ends of its scale, in the contact's language.
    prompt: str
    low_label: str
    high_label: str


def _encoded(value: str) -> str:
    """Return a header value, as RFC 2047 encoded words when it is not plain ASCII."""
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def _quoted_printable(text: str) -> bytes:
    body = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True)
    return body.replace(b"\n", b"\r\n")


def compose_alternative(headers: list[tuple[str, str]], text: str, html: str) -> bytes:
    """Return a multipart/alternative message (text, then HTML) as CRLF bytes.

    Written out directly because the standard library's email package spends several
    milliseconds per message folding and re-parsing headers, more than the SMTP dialogue.
    Values must already be header-safe (see _encoded); bodies go out quoted-printable.
    """
    boundary = f"=_heard_{secrets.token_hex(12)}"
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    part = "Content-Type: text/{}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
    return b"".join(
        (
            head.encode("ascii"),
            b"MIME-Version: 1.0\r\n",
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode(),
            f"--{boundary}\r\n{part.format('plain')}\r\n\r\n".encode(),
            _quoted_printable(text),
            f"\r\n--{boundary}\r\n{part.format('html')}\r\n\r\n".encode(),
            _quoted_printable(html),
            f"\r\n--{boundary}--\r\n".encode(),
        )
    )


@functools.lru_cache(maxsize=8)
def _sender(mail_from: str) -> tuple[str, str]:
    """Return (From header, envelope address) for MAIL_FROM, parsed once."""
    name, address = parseaddr(mail_from)
    return formataddr((name, address), charset="utf-8"), address


def mail_domain() -> str:
    """Return the domain used in Message-IDs: MAIL_FROM's, else the base URL's host."""
    address = _sender(current_app.config["MAIL_FROM"])[1]
    if "@" in address:
        return address.rsplit("@", 1)[1]
    base = current_app.config["SURVEY_BASE_URL"].split("://", 1)[-1]
    return base.split("/", 1)[0].split(":", 1)[0] or "localhost"


def invitation_message_id(invitation_id: int, *, reminder: bool = False) -> str:
    """Return the invitation's stable Message-ID (the same for every retry)."""
    kind = "reminder" if reminder else "invitation"
    # Keyed, so the header reveals nothing guessable beyond the row id.
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        f"{kind}:{invitation_id}".encode(),
        hashlib.sha256,
    ).hexdigest()[:16]
    return f"<{kind}-{invitation_id}.{digest}@{mail_domain()}>"


def unsubscribe_url(token: str) -> str:
    """Return the absolute unsubscribe link for a token."""
    return f"{current_app.config['SURVEY_BASE_URL'].rstrip('/')}/u/{token}"


def email_sentences(locale: str, *, reminder: bool) -> dict[str, str]:
    """Return the email's fixed sentences in a language, translated once per process.

    Translating in the templates cost a third of the rendering time: the gettext lookups
    ran for every sentence of every email. Placeholders stay for render_invitation to fill.
    """
    cache: dict[tuple[str, bool], dict[str, str]] = current_app.extensions.setdefault(
        "heard_email_sentences", {}
    )
    key = (locale, reminder)
    if key not in cache:
        with force_locale(locale):
            cache[key] = {
                "subject": _("Reminder: how did we do?") if reminder else _("How did we do?"),
                "greeting_named": _("Hello %(name)s,"),
                "greeting": _("Hello,"),
                "intro": _(
                    "A few days ago we asked how we did. If you have a moment, your answer "
                    "still helps us."
                )
                if reminder
                else _(
                    "Thank you for contacting us. Could you spare a moment to tell us how it went?"
                ),
                "scale_hint": _("Choose a number from 0 (%(low)s) to 10 (%(high)s):"),
                "full_survey_colon": _("Or open the full survey:"),
                "full_survey": _("Or open the full survey"),
                "expires": _("The link works until %(date)s."),
                "why": _("You receive this email because you were in touch with us recently."),
                "stop_colon": _("To stop receiving surveys, open:"),
                "stop": _("Stop receiving surveys"),
            }
    return cache[key]


def render_invitation(
    content: InvitationContent,
    token: str,
    *,
    now: datetime,
    reminder: bool = False,
) -> OutgoingMail:
    """Render the invitation (or its reminder) for one token into a sendable message."""
    config = current_app.config
    locale = content.locale if content.locale in config["SURVEY_LOCALES"] else "es"
    # Collapsing whitespace also removes line breaks: a name can never add a header.
    display_name = " ".join((content.name or "").split())
    sentences = email_sentences(locale, reminder=reminder)
    text = dict(sentences)
    if display_name:
        text["greeting"] = sentences["greeting_named"] % {"name": display_name}
    text["scale_hint"] = sentences["scale_hint"] % {
        "low": content.low_label,
        "high": content.high_label,
    }
    if content.expires_at is not None:
        date = format_date(content.expires_at.date(), format="long", locale=locale)
        text["expires"] = sentences["expires"] % {"date": date}
    else:
        text["expires"] = ""
    survey_url = survey_link(token)
    context: dict[str, Any] = {
        "content": content,
        "locale": locale,
        "text": text,
        # survey_link(token, score=n), without building the same URL eleven times.
        "score_links": [(score, f"{survey_url}?score={score}") for score in range(11)],
        "survey_url": survey_url,
        "unsubscribe_url": unsubscribe_url(token),
    }
    env = current_app.jinja_env
    plain = env.get_template("email/invitation.txt").render(context)
    html = env.get_template("email/invitation.html").render(context)
    subject = sentences["subject"]

    message_id = invitation_message_id(content.invitation_id, reminder=reminder)
    sender, sender_address = _sender(config["MAIL_FROM"])
    if any(c in content.email for c in "\r\n<>,"):
        raise ValueError(f"not a single plain address: {content.email!r}")
    # An internationalised domain goes in punycode, in the envelope and the header alike.
    recipient = smtp_address(content.email)
    headers = [
        ("From", sender),
        ("To", formataddr((display_name, recipient), charset="utf-8")),
        ("Subject", _encoded(subject)),
        ("Date", format_datetime(now)),
        ("Message-ID", message_id),
    ]
    if reminder:
        # Threads the reminder under the first email in the customer's mail client.
        original = invitation_message_id(content.invitation_id)
        headers += [("In-Reply-To", original), ("References", original)]
    headers += [
        (
            "List-Unsubscribe",
            f"<{context['unsubscribe_url']}>,\r\n <mailto:{sender_address}?subject=unsubscribe>",
        ),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        # RFC 3834: out-of-office robots should not answer a survey.
        ("Auto-Submitted", "auto-generated"),
        ("Content-Language", locale),
    ]
    return OutgoingMail(
        message_id=message_id,
        sender=sender_address,
        recipient=recipient,
        data=compose_alternative(headers, plain, html),
        label=f"{'reminder' if reminder else 'invitation'}-{content.invitation_id}",
    )
