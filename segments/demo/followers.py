"""The demo's LINE follower list: as many followers as the demo OA's Insights target reach.

The embedded demo has no LINE. Its simulated LINE (``broadcasts/simulated_line.py``) answers
``GET /v2/bot/followers/ids`` and profiles from these functions, and ``seed_follower_sync``
applies the same list through the real sync service when the demo is loaded, so the friends list
shows every follower (with generated display names) and matches the Insights figures.

Ids are derived from the OA's channel id, so the list is the same on every run and machine; the
friends the webhook demo already knows as following are part of it, blocked ones are not
(LINE's list excludes blockers).
"""

from __future__ import annotations

import hashlib
import random
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from segments.models.follower_syncs import FollowerSync
from segments.models.friends import Friend
from segments.registries.target_reach import line_target_reach
from segments.services import follower_syncs, tagging
from segments.services.follower_syncs.pages import PAGE_SIZE, Page

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

NAMES = {
    "Asia/Tokyo": (
        ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"],
        ["陽菜", "蓮", "結衣", "湊", "美咲", "大翔", "さくら", "悠真", "葵", "颯太"],
        "ja",
    ),
    "Asia/Taipei": (
        ["陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊"],
        ["怡君", "志明", "雅婷", "建宏", "佩珊", "冠宇", "欣怡", "家豪", "淑芬", "俊傑"],
        "zh-TW",
    ),
    "Asia/Bangkok": (
        ["S.", "K.", "P.", "T.", "W.", "C.", "R.", "N.", "J.", "M."],
        ["Somchai", "Naree", "Anan", "Pim", "Kittisak", "Malee", "Ploy", "Arthit", "Chanya"],
        "th",
    ),
}
DEFAULT_NAMES = (
    ["Tan", "Lee", "Smith", "Garcia", "Wong", "Kim", "Brown", "Lim", "Ng", "Ito"],
    ["Alex", "Sam", "Jamie", "Taylor", "Morgan", "Chris", "Jordan", "Casey", "Robin"],
    "en",
)


def demo_follower_ids(account: LineAccount) -> list[str]:
    """The OA's followers as the simulated LINE lists them: the following friends the console
    already knows, then generated ids up to LINE's latest target reach."""
    with tenant_scope(workspace=account.workspace, account=account):
        reach = line_target_reach(account)
    known = sorted(
        Friend.objects.for_account(account)
        .filter(status=Friend.Status.FOLLOWING, source=Friend.Source.WEBHOOK)
        .values_list("line_user_id", flat=True)
    )
    target = reach.value if reach is not None else len(known)
    seed = account.channel_id or str(account.pk)
    generated = [
        "U" + hashlib.sha256(f"demo-follower:{seed}:{n}".encode()).hexdigest()[:32]
        for n in range(max(0, target - len(known)))
    ]
    return known + generated


def demo_profile(account: LineAccount, user_id: str) -> dict:
    """A generated LINE profile, the same for the same user on every call."""
    families, given, language = NAMES.get(account.time_zone, DEFAULT_NAMES)
    rng = random.Random(user_id)
    if language in ("ja", "zh-TW"):
        name = rng.choice(families) + ("" if language == "zh-TW" else " ") + rng.choice(given)
    else:
        name = f"{rng.choice(given)} {rng.choice(families)}"
    return {"userId": user_id, "displayName": name, "language": language.split("-")[0]}


def seed_follower_sync(demo: DemoTenancy) -> int:
    """Apply each demo OA's simulated follower list once, as a sync would, and give the new
    friends generated profiles. An OA with a finished sync is left alone (one query), so a
    restart of the demo does no work here."""
    created = 0
    for account in demo.accounts.values():
        if (
            FollowerSync.objects.for_account(account)
            .filter(status=FollowerSync.Status.DONE)
            .exists()
        ):
            continue
        created += _sync_from_simulated_list(account)
    return created


def _sync_from_simulated_list(account: LineAccount) -> int:
    listed = demo_follower_ids(account)

    def read_page(_account: LineAccount, token: str) -> Page:
        start = int(token or 0)
        end = start + PAGE_SIZE
        return listed[start:end], str(end) if end < len(listed) else ""

    job, _created = follower_syncs.follower_sync_request(
        account=account, trigger=FollowerSync.Trigger.DEMO, enqueue=False
    )
    follower_syncs.follower_sync_run(
        job_id=job.pk,
        read_page=read_page,
        budget=float("inf"),
        profile_for=lambda user_id: demo_profile(account, user_id),
    )
    job.refresh_from_db()
    # Today's tag-coverage point is retaken over the friends the list added, as the nightly job
    # would take it tonight: the trend ends where the live coverage figure stands.
    today = timezone.now().astimezone(ZoneInfo(account.time_zone)).date()
    with tenant_scope(workspace=account.workspace, account=account):
        tagging.tag_coverage_snapshot(account=account, day=today)
    return job.friends_added + 1
