"""Reporting reads: funnels, response counts and (later) rollups and dashboard queries."""
