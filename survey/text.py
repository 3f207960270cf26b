"""Text that may reach the database: one rule for every way in (survey form, API, CSV import).

PostgreSQL refuses NUL characters in text columns and no UTF-8 encoder accepts a lone
surrogate, while SQLite stores both: without this check the same answer was kept on one
database and lost with a 500 on the other. Such text is refused, never silently altered.
"""

from __future__ import annotations

import re

#: NUL and the UTF-16 surrogate range (only reachable as a lone surrogate in a Python str).
_UNSAFE = re.compile("[\x00\ud800-\udfff]")

UNSAFE_TEXT_MESSAGE = "contains a character that cannot be stored (NUL or a lone surrogate)"


class UnsafeTextError(ValueError):
    """Text with a character no database can store the same way; ``field`` names the input."""

    def __init__(self, field: str, position: int) -> None:
        super().__init__(f"{field}: {UNSAFE_TEXT_MESSAGE} at position {position}")
        self.field = field
        self.position = position


def find_unsafe_character(value: str) -> int | None:
    """Return the index of the first NUL or lone surrogate in value, or None."""
    match = _UNSAFE.search(value)
    return match.start() if match else None


def clean_text(value: str, field: str) -> str:
    """Return value unchanged, or raise UnsafeTextError naming the field."""
    position = find_unsafe_character(value)
    if position is not None:
        raise UnsafeTextError(field, position)
    return value


def strip_unsafe(value: str) -> str:
    """Return value without NUL or lone surrogates (for metadata such as a User-Agent)."""
    return _UNSAFE.sub("", value)
