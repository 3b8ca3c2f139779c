"""The baseline beside bench/richmenus.py's first assignment: the same bulk link calls made by
a minimal client against the same fake LINE server, so the assignment's ratio to it is the
console's own overhead on this machine (LINE's rate limit sets the other floor)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import urllib3

from bench._common import Timing
from oa_console.models import LineAccount


def minimal_client_timing(
    account: LineAccount, line_url: str, *, menu_id: str, gold: int, bulk: int
) -> Timing:
    """The gold friends' bulk link calls (``bulk`` users a call) with bodies built beforehand,
    posted by urllib3 on as many threads as the assignment uses."""
    from oa_console.tenancy import tenant_scope
    from richmenus.services.targeting_assignment import PARALLEL_CALLS
    from segments.models import Friend

    with tenant_scope(workspace=account.workspace, account=account):
        users = list(
            Friend.objects.for_account(account)
            .filter(member_tier="gold")
            .order_by("pk")
            .values_list("line_user_id", flat=True)[:gold]
        )
    bodies = [
        json.dumps({"richMenuId": menu_id, "userIds": users[i : i + bulk]}).encode()
        for i in range(0, len(users), bulk)
    ]
    pool = urllib3.PoolManager(maxsize=PARALLEL_CALLS)
    headers = {
        "Authorization": f"Bearer {account.access_token}",
        "Content-Type": "application/json",
    }
    url = line_url.rstrip("/") + "/v2/bot/richmenu/bulk/link"

    def post(body: bytes) -> int:
        return pool.request("POST", url, body=body, headers=headers).status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=PARALLEL_CALLS) as threads:
        statuses = list(threads.map(post, bodies))
    seconds = time.perf_counter() - started
    if any(status != 202 for status in statuses):
        raise RuntimeError(f"the minimal client got {sorted(set(statuses))} from the fake LINE")
    return Timing("minimal client, same calls, same fake", (seconds,), items=len(users))
