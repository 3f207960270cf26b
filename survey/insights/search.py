"""Names of the full-text search structures that live outside the SQLAlchemy metadata.

SQLite searches answers through an FTS5 virtual table (and the shadow tables FTS5 makes for
it), filled by triggers on ``answer_enrichment``; PostgreSQL uses the enrichment's
``search_vector`` column instead. Schema comparisons leave these tables out.
"""

from __future__ import annotations

from typing import Final

#: The SQLite FTS5 table: rowid = answer id, one column ``body``.
SEARCH_TABLE: Final = "answer_search"


def is_search_table(name: str | None) -> bool:
    """Return whether a table name belongs to SQLite's FTS5 search index."""
    return name is not None and (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_"))
