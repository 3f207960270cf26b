"""Survey link tokens: at least 128 unguessable bits, stored only as a hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

#: 24 URL-safe characters carry 144 bits.
TOKEN_BYTES = 18
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    """Return a fresh random link token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def link_token_key(secret_key: str) -> bytes:
    """Return the key that derives sent links' tokens, kept apart from SECRET_KEY's other uses."""
    return hmac.new(secret_key.encode(), b"heard:link-tokens:v1", hashlib.sha256).digest()


def derived_token(key: bytes, purpose: str, row_id: int) -> str:
    """Return the token of a row's link: the same on every attempt, unguessable without the key.

    A message sent twice (a worker killed after the server accepted it, before the commit)
    then carries the same working link in both copies. Only the token's hash is stored, so
    the database alone still opens no survey.
    """
    digest = hmac.digest(key, f"{purpose}:{row_id}".encode(), "sha256")
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii")


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest stored in place of the token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(value: str) -> bool:
    """Return whether a string could be a token at all (cheap guard before a lookup)."""
    return bool(_TOKEN_SHAPE.match(value))
