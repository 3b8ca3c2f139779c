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
    """Recompute each demo OA in full; returns how many rollup rows are new.

    When this run of ``seed_demo`` created nothing before this step, an OA that has rollups
    keeps them: they were computed from the same rows by the run that seeded them (and the
    console's own changes since requested their refreshes), and a full recompute on every
    ``make run`` kept the web server from starting for seconds."""
    created = 0
    for account in demo.accounts.values():
        if not demo.created and MetricDaily.objects.for_account(account).exists():
            continue
        before = MetricDaily.objects.for_account(account).count()
        metrics_recompute(account=account)
        created += max(0, MetricDaily.objects.for_account(account).count() - before)
    return created
