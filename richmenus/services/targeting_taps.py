"""Recording taps on rich menu areas from the activity hub: postbacks (matched to an area by
their data) and the designer's tracked link clicks (``richmenus.services.links`` publishes a
``link_click`` naming the menu and the link, no friend: matched to the area by its link).

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


@transaction.atomic
def link_taps_record(*, account: LineAccount, activities: Sequence[ActivityRow]) -> int:
    """Record the menu link clicks (``rich_menu_id`` and ``url`` in the payload) as taps of
    the area with that link; idempotent per activity."""
    clicks = [row for row in activities if isinstance((row.payload or {}).get("rich_menu_id"), int)]
    if not clicks:
        return 0
    menu_ids = {row.payload["rich_menu_id"] for row in clicks}
    areas = list(
        RichMenuArea.objects.for_account(account)
        .filter(menu_id__in=menu_ids, action__type="uri")
        .order_by("position", "pk")
        .values("pk", "menu_id", "action")
    )
    rules = {menu_id: menu_single_rule(account, menu_id) for menu_id in menu_ids}
    taps = []
    for row in clicks:
        menu_id, url = row.payload["rich_menu_id"], row.payload.get("url")
        area = next(
            (a for a in areas if a["menu_id"] == menu_id and a["action"].get("uri") == url), None
        )
        taps.append(
            RichMenuTap(
                account=account,
                menu_id=menu_id,
                area_id=area["pk"] if area else None,
                rule_id=rules[menu_id],
                kind=RichMenuTap.Kind.LINK,
                tapped_at=row.occurred_at,
                activity_id=row.id,
            )
        )
    known = set(
        RichMenu.objects.for_account(account).filter(pk__in=menu_ids).values_list("pk", flat=True)
    )
    RichMenuTap.objects.for_account(account).bulk_create(
        [tap for tap in taps if tap.menu_id in known], ignore_conflicts=True
    )
    return len(taps)
