"""Dashboard pages: each module below adds its routes to the one blueprint."""

from __future__ import annotations

# Imported for their routes (each module registers its views on `bp`).
from survey.dashboards import (  # noqa: F401
    assets,
    comments,
    common,
    funnel,
    integrity,
    overview,
    shell,
    teams,
    themes,
)
from survey.dashboards.blueprint import bp

__all__ = ["bp"]
