"""The activity hub's ``richmenus.targeting`` subscriber: keep each friend's rich menu in step
with the segment and tag rules within seconds of what changed their segments, and count taps
on postback areas and on the designer's tracked links.

Any activity that can change a segment's members re-evaluates that friend (tags, attributes,
events, follows, messages for "last interaction" rules...). Friends whose call must wait (the
limiter, LINE's 429 or 5xx) are handed to a task with the wait as its countdown, so the drain
never sleeps and a reaction is never lost. Applying is idempotent: a redelivered batch finds
nothing left to change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from oa_console.activity.models import Activity
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from richmenus.models import RichMenuRule
from richmenus.services.targeting_apply import friend_rich_menus_sync
from richmenus.services.targeting_taps import link_taps_record, postback_taps_record

SUBSCRIBER = "richmenus.targeting"
KINDS = (
    Activity.Kind.FOLLOW,
    Activity.Kind.UNBLOCK,
    Activity.Kind.MESSAGE,
    Activity.Kind.POSTBACK,
    Activity.Kind.INTERACTION,
    Activity.Kind.LINK_CLICK,
    Activity.Kind.CUSTOM_EVENT,
    Activity.Kind.TAG_ADDED,
    Activity.Kind.TAG_REMOVED,
    Activity.Kind.ATTRIBUTE_CHANGED,
    Activity.Kind.MEMBER_ID_LINKED,
    Activity.Kind.CAMPAIGN_VISIT,
)


def rich_menus_react(activities: Sequence[ActivityRow]) -> None:
    per_account(activities, _react)


def _react(account: LineAccount, rows: list[ActivityRow]) -> None:
    clicks = [row for row in rows if row.kind == Activity.Kind.LINK_CLICK]
    if clicks:
        link_taps_record(account=account, activities=clicks)
    rows = [row for row in rows if row.friend_id is not None]
    if not rows:
        return
    postbacks = [row for row in rows if row.kind == Activity.Kind.POSTBACK]
    if postbacks:
        postback_taps_record(account=account, activities=postbacks)
    if not RichMenuRule.objects.for_account(account).filter(is_active=True).exists():
        return  # most OAs' activity: one query, no segment evaluated
    added: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        tag_id = (row.payload or {}).get("tag_id")
        if row.kind == Activity.Kind.TAG_ADDED and tag_id:
            added[row.friend_id].add(int(tag_id))
    friend_ids = {row.friend_id for row in rows}
    result = friend_rich_menus_sync(account=account, friend_ids=friend_ids, added_tags=added)
    if result.retry:
        from richmenus.targeting_tasks import sync_friend_rich_menus

        retried_tags = {pk: sorted(tags) for pk, tags in added.items() if pk in result.retry}
        enqueue_best_effort(
            sync_friend_rich_menus,
            (account.pk, sorted(result.retry), {str(k): v for k, v in retried_tags.items()}),
            countdown=max(1, result.retry_in),
        )
