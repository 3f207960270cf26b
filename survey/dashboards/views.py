"""Dashboard pages: each module below adds its routes to the one blueprint."""

from __future__ import annotations

from survey.dashboards.blueprint import bp

__all__ = ["bp"]
