"""Column type for string enums, stored as plain VARCHAR so SQLite and PostgreSQL agree."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def enum_column(enum_class: type[StrEnum], length: int = 20) -> Enum:
    """Return a VARCHAR-backed Enum type that stores the members' values."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
