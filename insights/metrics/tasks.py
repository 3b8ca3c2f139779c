"""TEMPORARY, for the integrator to delete: ``insights/metrics/refresh.py`` (owned by another
helper during issue 15) still imports the metric tasks from here; they live in ``insights.tasks``
now (same task names). Point refresh.py's three import lines at ``insights.tasks``, then delete."""

from insights.tasks import recompute_account_metrics, refresh_account_metrics

__all__ = ["recompute_account_metrics", "refresh_account_metrics"]
