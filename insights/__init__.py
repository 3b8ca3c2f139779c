"""Imports (the Insight CSV exports, and the job pipeline every import type uses: other apps
register theirs in ``insights.services.kinds``), Insight API sync, metric computation and
dashboards."""
