"""Administration pages: importing touchpoints (more settings to come)."""
