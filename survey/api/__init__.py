"""The JSON API (touchpoints in) and its keys."""
