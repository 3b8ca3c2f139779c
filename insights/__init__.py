"""Imports (the Insight CSV exports, and the job pipeline every import type uses: other apps
register theirs in ``insights.imports.kinds``), Insight API sync, metric computation and
dashboards."""
