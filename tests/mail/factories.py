"""Pending invitations for the outbox tests, made the way the intake makes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import insert, select

from survey.contacts.models import Contact
from survey.database import utcnow
from survey.distribution.models import Invitation, InvitationStatus
from survey.extensions import db
from survey.surveys.services import ensure_default_survey


def pending_invitations(
    app: Flask,
    count: int,
    *,
    locale: str = "es",
    name: str | None = None,
    domain: str = "example.com",
    send_after: datetime | None = None,
    expires_at: datetime | None = None,
    timezone: str | None = None,
    quiet_hours: tuple[int, int] = (0, 0),
) -> list[int]:
    """Insert contacts with pending, token-less invitations due now; return their ids.

    The survey's quiet hours are off unless given, so that tests pass at any hour of the day.
    """
    now = utcnow()
    with app.app_context():
        survey = ensure_default_survey()
        survey.quiet_start_hour, survey.quiet_end_hour = quiet_hours
        start = db.session.scalar(select(db.func.count(Contact.id))) or 0
        emails = [f"cliente{start + i}@{domain}" for i in range(count)]
        db.session.execute(
            insert(Contact),
            [
                {
                    "email": e,
                    "name": name,
                    "locale": locale,
                    "timezone": timezone,
                    "created_at": now,
                }
                for e in emails
            ],
        )
        contact_ids = db.session.scalars(
            select(Contact.id).where(Contact.email.in_(emails)).order_by(Contact.id)
        ).all()
        db.session.execute(
            insert(Invitation),
            [
                {
                    "survey_id": survey.id,
                    "contact_id": contact_id,
                    "status": InvitationStatus.PENDING,
                    "locale": locale,
                    "send_after": send_after or now - timedelta(seconds=1),
                    "expires_at": expires_at or now + timedelta(days=14),
                    "created_at": now,
                }
                for contact_id in contact_ids
            ],
        )
        db.session.commit()
        return list(
            db.session.scalars(
                select(Invitation.id)
                .where(Invitation.contact_id.in_(contact_ids))
                .order_by(Invitation.id)
            )
        )
