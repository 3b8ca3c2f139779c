"""Recording taps on rich menu areas: postbacks arrive as activities (matched to an area by
their data), tracked links through the click redirect (``richmenus.services.links``).

A tap is credited to the menu the friend was shown: among the published menus with an area
sending that postback data, the one the console linked to the friend, else the most recently
published one. The rule that had linked the friend's menu is kept with the tap, for the taps
per segment rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from oa_console.activity.registry import ActivityRow
from oa_console.models import LineAccount
from richmenus.models import FriendRichMenu, RichMenu, RichMenuArea, RichMenuRule, RichMenuTap


def _postback_data(row: ActivityRow) -> str:
    data = (row.payload or {}).get("data") or {}
    return str(data.get("data", "")) if isinstance(data, dict) else ""


@transaction.atomic
def postback_taps_record(*, account: LineAccount, activities: Sequence[ActivityRow]) -> int:
    """Record the postbacks that came from a menu area; idempotent per activity."""
    datas = {_postback_data(row) for row in activities} - {""}
    if not datas:
        return 0
    areas = list(
        RichMenuArea.objects.for_account(account)
        .filter(
            menu__status=RichMenu.Status.PUBLISHED,
            action__type="postback",
            action__data__in=sorted(datas),
        )
        .order_by("-menu__published_at", "-menu_id", "position")
        .values("pk", "menu_id", "action")
    )
    if not areas:
        return 0
    friend_ids = [row.friend_id for row in activities]
    current = {
        row["friend_id"]: row
        for row in FriendRichMenu.objects.for_account(account)
        .filter(friend_id__in=friend_ids)
        .values("friend_id", "menu_id", "rule_id")
    }
    taps = []
    for row in activities:
        data = _postback_data(row)
        matching = [area for area in areas if area["action"].get("data") == data]
        if not matching:
            continue
        linked = current.get(row.friend_id)
        area = next(
            (a for a in matching if linked and a["menu_id"] == linked["menu_id"]), matching[0]
        )
        rule_id = linked["rule_id"] if linked and linked["menu_id"] == area["menu_id"] else None
        taps.append(
            RichMenuTap(
                account=account,
                menu_id=area["menu_id"],
                area_id=area["pk"],
                friend_id=row.friend_id,
                rule_id=rule_id,
                kind=RichMenuTap.Kind.POSTBACK,
                tapped_at=row.occurred_at,
                activity_id=row.id,
            )
        )
    RichMenuTap.objects.for_account(account).bulk_create(taps, ignore_conflicts=True)
    return len(taps)


def menu_single_rule(account: LineAccount, menu_id: int) -> int | None:
    """The segment rule that shows this menu when exactly one active rule does: a link tap
    (whose friend LINE does not name) is then that rule's."""
    ids = list(
        RichMenuRule.objects.for_account(account)
        .filter(menu_id=menu_id, is_active=True, kind=RichMenuRule.Kind.SEGMENT)
        .values_list("pk", flat=True)[:2]
    )
    return ids[0] if len(ids) == 1 else None
