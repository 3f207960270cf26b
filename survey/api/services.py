"""API keys: made at random, shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select

from survey.api.models import ApiKey
from survey.database import utcnow
from survey.extensions import db

#: Recognisable in logs, secret scanners and password managers.
KEY_PREFIX = "hrd_"
#: 32 random bytes (256 bits), URL-safe base64.
KEY_BYTES = 32
#: Characters kept in ``ApiKey.prefix`` (``hrd_`` and 8 more) so a key can be told apart.
SHOWN_PREFIX_LENGTH = 12
#: last_used_at is for people ("used today?"); writing it on every request would only add load.
LAST_USED_PRECISION = timedelta(minutes=1)
_NAME_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$")


class ApiKeyError(ValueError):
    """A key request that cannot be carried out; the message says why."""


class KeyCheck(StrEnum):
    VALID = "valid"
    MISSING = "missing"  # 401
    UNKNOWN = "unknown"  # 401
    REVOKED = "revoked"  # 403


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: the only moment the key itself exists outside its owner."""

    api_key: ApiKey
    key: str


def hash_key(key: str) -> str:
    """Return the SHA-256 hex digest stored in place of the key."""
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def create_api_key(name: str) -> NewApiKey:
    """Create and commit a key under a unique name; return it with the key to show once."""
    name = name.strip()
    if not _NAME_SHAPE.match(name):
        raise ApiKeyError(
            f"key name {name!r}: use up to 100 letters, digits, spaces, '_', '.' or '-'"
        )
    if db.session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise ApiKeyError(f"a key named {name!r} already exists")
    key = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    api_key = ApiKey(name=name, prefix=key[:SHOWN_PREFIX_LENGTH], key_hash=hash_key(key))
    db.session.add(api_key)
    db.session.commit()
    return NewApiKey(api_key, key)


def revoke_api_key(name_or_prefix: str, *, now: datetime | None = None) -> ApiKey:
    """Revoke the key with this name or shown prefix and commit; refuse an ambiguous prefix."""
    wanted = name_or_prefix.strip()
    if not wanted:
        raise ApiKeyError("name the key to revoke, or give its prefix")
    matches = db.session.scalars(
        select(ApiKey).where(or_(ApiKey.name == wanted, ApiKey.prefix == wanted))
    ).all()
    if not matches:
        raise ApiKeyError(f"no API key named {wanted!r} or with prefix {wanted!r}")
    if len(matches) > 1:
        names = ", ".join(sorted(k.name for k in matches))
        raise ApiKeyError(f"{wanted!r} matches several keys ({names}): revoke by name")
    api_key = matches[0]
    if api_key.revoked_at is None:
        api_key.revoked_at = now or utcnow()
        db.session.commit()
    return api_key


def list_api_keys() -> list[ApiKey]:
    """Return every key, oldest first (revoked ones included)."""
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def check_api_key(
    key: str | None, *, now: datetime | None = None
) -> tuple[KeyCheck, ApiKey | None]:
    """Return whether a presented key is valid, recording its use (commits when it does)."""
    if not key:
        return KeyCheck.MISSING, None
    digest = hash_key(key)
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
    # The lookup is by hash; the constant-time compare keeps the last step free of timing hints.
    if api_key is None or not hmac.compare_digest(api_key.key_hash, digest):
        return KeyCheck.UNKNOWN, None
    if api_key.revoked_at is not None:
        return KeyCheck.REVOKED, api_key
    now = now or utcnow()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        api_key.last_used_at = now
        db.session.commit()
    return KeyCheck.VALID, api_key
