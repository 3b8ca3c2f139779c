"""Follower syncs: reading LINE's follower id list (``GET /v2/bot/followers/ids``) into friends.

Modules, by concern:
- ``sync``: requesting a sync, running it page by page with LINE's continuation token, the
  nightly fan-out and the sweep of lost jobs, and the end of a sync (who is no longer listed);
- ``pages``: one page read from LINE and what each of LINE's answers means for a sync;
- ``store``: writing what a page says into friends (the same for LINE's list and the demo's).

The package's public functions are importable from it directly
(``follower_syncs.follower_sync_request``).
"""

from segments.services.follower_syncs.sync import (
    SyncStep,
    follower_sync_enqueue,
    follower_sync_nightly,
    follower_sync_on_connect,
    follower_sync_request,
    follower_sync_run,
    follower_sync_sweep,
)

__all__ = [
    "SyncStep",
    "follower_sync_enqueue",
    "follower_sync_nightly",
    "follower_sync_on_connect",
    "follower_sync_request",
    "follower_sync_run",
    "follower_sync_sweep",
]
