"""The dashboards blueprint, shared by the page modules that add routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboards", __name__, url_prefix="/dashboard")
