"""Surveys and their questions."""
