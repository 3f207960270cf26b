"""Deterministic demo data for trying Heard on a laptop."""
