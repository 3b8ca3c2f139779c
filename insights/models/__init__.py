"""Insight data, one module per entity: import jobs and their rows (``imports``), the Insight
API sync's state (``sync``), metric rollups (``metrics``) and broadcast statistics
(``broadcast_stats``). Every model is imported here: Django finds models through this package,
and migrations name ``insights.models.import_upload_path``."""

from insights.models.broadcast_stats import BroadcastBubbleStat, BroadcastUrlStat
from insights.models.imports import (
    HEARTBEAT_STALE_AFTER,
    ColumnMapping,
    ImportJob,
    InsightRecord,
    import_upload_path,
)
from insights.models.metrics import MetricDaily, MetricRefreshState, MetricSource
from insights.models.sync import BroadcastRequest, InsightSyncState

__all__ = [
    "HEARTBEAT_STALE_AFTER",
    "BroadcastBubbleStat",
    "BroadcastRequest",
    "BroadcastUrlStat",
    "ColumnMapping",
    "ImportJob",
    "InsightRecord",
    "InsightSyncState",
    "MetricDaily",
    "MetricRefreshState",
    "MetricSource",
    "import_upload_path",
]
