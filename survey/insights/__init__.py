"""Insights: reporting reads (funnel, counts, dashboard queries), enrichment and rollups."""
