"""Insight CSV imports, Insight API sync, metric computation and dashboards."""
