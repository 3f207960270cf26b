"""Finding and creating teams and contacts."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.contacts.models import Contact, Team
from survey.extensions import db


class ContactError(ValueError):
    """Input that cannot make a valid contact or team."""


_SLUG_SHAPE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def normalize_email(email: str) -> str:
    """Return the email as stored: trimmed and lower-cased."""
    return email.strip().lower()


def slugify(name: str) -> str:
    """Return a URL-safe identifier for a team or survey name."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return slug[:64] or "team"


def get_or_create_team(slug_or_name: str) -> Team:
    """Return the team with this slug, creating it (not committed) when new."""
    slug = slugify(slug_or_name)
    if not _SLUG_SHAPE.match(slug):
        raise ContactError(f"invalid team name: {slug_or_name!r}")
    team = db.session.scalar(select(Team).where(Team.slug == slug))
    if team is None:
        team = Team(slug=slug, name=slug_or_name.strip())
        db.session.add(team)
        db.session.flush()
    return team


def get_or_create_contact(email: str, *, locale: str, name: str | None = None) -> Contact:
    """Return the contact with this email, creating it (not committed) when new."""
    address = normalize_email(email)
    contact = db.session.scalar(select(Contact).where(Contact.email == address))
    if contact is None:
        contact = Contact(email=address, name=name, locale=locale)
        db.session.add(contact)
        db.session.flush()
    return contact
