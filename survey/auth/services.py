"""Creating staff accounts and checking their passwords."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from survey.auth.models import Role, User, user_team
from survey.contacts.addresses import AddressError, checked_email
from survey.contacts.models import Team
from survey.contacts.services import normalize_email
from survey.database import utcnow
from survey.extensions import db

MIN_PASSWORD_LENGTH = 10

logger = logging.getLogger(__name__)


class AccountError(ValueError):
    """A request that cannot become a valid account; the message says why."""


def create_user(
    email: str, password: str, role: Role | str, team_slugs: Sequence[str] = ()
) -> User:
    """Create and commit a staff account, limited to these teams when any are given."""
    try:
        address = checked_email(email)
    except AddressError as error:
        raise AccountError(f"invalid email {email!r}: {error}") from None
    try:
        chosen_role = Role(role)
    except ValueError:
        raise AccountError(f"role must be one of {', '.join(Role)}") from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User.id).where(User.email == address)) is not None:
        raise AccountError(f"a user with email {address} already exists")
    teams = _teams_for(chosen_role, team_slugs)
    user = User(email=address, role=chosen_role, teams=teams)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    logger.info(
        "created %s user %s limited to teams %s", chosen_role, user.id, _ids(teams) or "none"
    )
    return user


def set_user_teams(email: str, team_slugs: Sequence[str]) -> User:
    """Limit a user to these teams and commit; no slug at all gives back every team."""
    user: User | None = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise AccountError(f"no user with email {email.strip()}")
    user.teams = _teams_for(user.role, team_slugs)
    db.session.commit()
    logger.info("limited user %s to teams %s", user.id, _ids(user.teams) or "none (every team)")
    return user


def allowed_team_ids(user: User) -> frozenset[int] | None:
    """Return the ids of the teams a user may see, or None for every team."""
    if user.role is Role.ADMIN:
        return None
    ids = frozenset(
        db.session.scalars(select(user_team.c.team_id).where(user_team.c.user_id == user.id))
    )
    return ids or None


def _teams_for(role: Role, team_slugs: Sequence[str]) -> list[Team]:
    """Return the teams named by slug; raise AccountError naming any unknown slug."""
    slugs = sorted({slug.strip().lower() for slug in team_slugs if slug.strip()})
    if not slugs:
        return []
    if role is Role.ADMIN:
        raise AccountError("an admin sees every team: --team is for managers and analysts")
    teams = list(db.session.scalars(select(Team).where(Team.slug.in_(slugs)).order_by(Team.slug)))
    unknown = sorted(set(slugs) - {team.slug for team in teams})
    if unknown:
        raise AccountError(f"no team with slug {', '.join(unknown)}")
    return teams


def _ids(teams: Sequence[Team]) -> str:
    return ", ".join(str(team.id) for team in teams)


@cache
def _dummy_hash() -> str:
    # Hashed with the same method and cost as real passwords, once per process.
    return generate_password_hash("no account has this password")


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, recording the login, or None.

    An unknown email still costs one password hash, so the answer's timing does not tell
    which emails have accounts.
    """
    user: User | None = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """End every session and "keep me signed in" cookie of the user (logout everywhere)."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.commit()
    logger.info("ended the sessions of user %s", user.id)


def change_password(user: User, password: str) -> None:
    """Set a new password and end every session and cookie issued before."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    user.set_password(password)
    user.session_version = User.session_version + 1
    db.session.commit()
    logger.info("changed the password of user %s", user.id)


def load_user(user_id: str) -> User | None:
    """Return the user for a session id "<id>.<version>" (Flask-Login's loader), or None.

    An id from before the last logout or password change names an old version: refused.
    """
    row_id, _, version = user_id.partition(".")
    if not (row_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(row_id))
    if user is None or user.session_version != int(version):
        return None
    return user
