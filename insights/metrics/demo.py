"""``seed_metrics``: the demo's last seed step computes every demo OA's rollups at once, so the
Insights pages are full right after ``seed_demo`` instead of after the first debounced refresh
(the earlier steps' refresh requests still run later and find the same rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from insights.metrics.rollups import metrics_recompute
from insights.models import MetricDaily

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy


def seed_metrics(demo: DemoTenancy) -> int:
    """Recompute each demo OA in full; returns how many rollup rows are new."""
    created = 0
    for account in demo.accounts.values():
        before = MetricDaily.unscoped.filter(account=account).count()
        metrics_recompute(account=account)
        created += max(0, MetricDaily.unscoped.filter(account=account).count() - before)
    return created
