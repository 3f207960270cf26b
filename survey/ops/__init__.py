"""Operational endpoints (health checks)."""
