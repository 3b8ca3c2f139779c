"""Every metric the dashboards and the API know, with its definition.

Two kinds exist. *Stored* metrics are rows of ``MetricDaily`` (one value per OA, day and
source); ``agg`` says how days combine into a week or month: ``sum`` for flows (adds, clicks)
and ``last`` for running totals (friends, blocked), which LINE reports as levels. *Ratio*
metrics are never stored: they are computed at read time from two stored metrics over the same
period, so a weekly open rate is total opens over total deliveries, not an average of daily
rates, and days whose inputs LINE hid are left out of both sides (see ``series``).

Metrics marked ``internal`` (the ``.parts.`` names, ``chats.responses``) are inputs of ratios; the
API accepts them but the pages do not show them.
"""

from __future__ import annotations

from insights.metrics.catalogue import engagement, friends, messages
from insights.metrics.catalogue.metric import Metric

# The catalogue's order is the order of docs/metrics.md and of the API's list.
METRICS: tuple[Metric, ...] = (
    *friends.FRIENDS,
    *messages.BROADCASTS,
    *messages.CHATS,
    *engagement.COUPONS,
    *engagement.REWARD_CARDS,
    *engagement.PROFILE,
    *friends.TAGS,
)

BY_NAME: dict[str, Metric] = {metric.name: metric for metric in METRICS}
STORED = tuple(m for m in METRICS if not m.is_ratio)
PUBLIC_NAMES = tuple(m.name for m in METRICS if not m.internal)


def metric_get(name: str) -> Metric | None:
    return BY_NAME.get(name)


def inputs_of(names) -> list[str]:
    """The stored metrics needed to answer ``names`` (ratios need both of their parts)."""
    needed: list[str] = []
    for name in names:
        metric = BY_NAME[name]
        parts = [metric.numerator, metric.denominator] if metric.is_ratio else [name]
        if metric.excluded:
            parts.append(metric.excluded)
        needed.extend(part for part in parts if part not in needed)
    return needed
