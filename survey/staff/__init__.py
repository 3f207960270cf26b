"""The staff home page; the dashboards build on it."""
