"""Creating staff accounts and checking their passwords."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from survey.auth.models import Role, User
from survey.contacts.services import normalize_email
from survey.database import utcnow
from survey.extensions import db

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request that cannot become a valid account; the message says why."""


def create_user(email: str, password: str, role: Role | str) -> User:
    """Create and commit a staff account."""
    try:
        address = normalize_email(validate_email(email, check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise AccountError(f"invalid email {email!r}: {error}") from None
    try:
        chosen_role = Role(role)
    except ValueError:
        raise AccountError(f"role must be one of {', '.join(Role)}") from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User.id).where(User.email == address)) is not None:
        raise AccountError(f"a user with email {address} already exists")
    user = User(email=address, role=chosen_role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, recording the login, or None."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def load_user(user_id: str) -> User | None:
    """Return the user for a session id (Flask-Login's loader)."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
