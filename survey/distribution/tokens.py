"""Survey link tokens: random, at least 128 bits, stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets

#: 24 URL-safe characters carry 144 random bits.
TOKEN_BYTES = 18
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    """Return a fresh random link token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest stored in place of the token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(value: str) -> bool:
    """Return whether a string could be a token at all (cheap guard before a lookup)."""
    return bool(_TOKEN_SHAPE.match(value))
