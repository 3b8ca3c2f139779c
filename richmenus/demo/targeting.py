"""The demo's segment menu for gold members (``seed_demo``): a "Gold members" segment (found,
or made from the member tier), a published gold menu with a coupon and a points postback area
and a shop link, its segment rule applied to the gold friends (as a finished assignment would
have left it), and thirty days of taps on its areas.

The menu is made directly as published with a demo LINE id (the simulated LINE accepts any):
the designer's own demo publishes the default menus.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from oa_console.tenancy import tenant_scope
from richmenus.demo.design import demo_image_save, tiles_picture
from richmenus.models import (
    FriendRichMenu,
    RichMenu,
    RichMenuArea,
    RichMenuAssignment,
    RichMenuRule,
    RichMenuTap,
)
from segments.models import Friend, Segment

DEMO_ORDER = 38  # after the CRM (30), which makes the friends' member tiers and segments
SEGMENT_NAME = "Gold members"
MENU_NAME = "Gold members menu"
GOLD_RULES = {"field": "member_tier", "op": "eq", "value": "gold"}
AREAS = [
    ("Member coupons", {"type": "postback", "data": "menu=gold&item=coupons"}),
    ("My points", {"type": "postback", "data": "menu=gold&item=points"}),
    ("Gold shop", {"type": "uri", "uri": "https://shop.example.com/gold"}),
]
HISTORY_DAYS = 30
GOLD_TILES = ((212, 175, 55), (184, 134, 11), (238, 201, 94))


def _menu(account) -> RichMenu:
    now = timezone.now()
    menu = RichMenu.objects.for_account(account).create(
        account=account,
        name=MENU_NAME,
        chat_bar_text="Gold menu",
        width=2500,
        height=843,
        size_template="compact",
        image=demo_image_save(account, tiles_picture(GOLD_TILES)),
        image_content_type="image/png",
        status=RichMenu.Status.PUBLISHED,
        line_rich_menu_id=f"richmenu-demo{account.pk:04d}gold",
        published_at=now - timedelta(days=HISTORY_DAYS + 1),
    )
    for position, (label, action) in enumerate(AREAS):
        RichMenuArea.objects.for_account(account).create(
            account=account,
            menu=menu,
            position=position,
            x=position * 833,
            y=0,
            width=834 if position == 2 else 833,
            height=843,
            label=label,
            action=action,
        )
    return menu


def _seed_account(account) -> int:
    if RichMenu.objects.for_account(account).filter(name=MENU_NAME).exists():
        return 0
    segment = Segment.objects.for_account(account).filter(name=SEGMENT_NAME).first()
    created = 0
    if segment is None:
        segment = Segment.objects.for_account(account).create(
            account=account, name=SEGMENT_NAME, rules=GOLD_RULES
        )
        created += 1
    menu = _menu(account)
    rule = RichMenuRule.objects.for_account(account).create(
        account=account, kind=RichMenuRule.Kind.SEGMENT, segment=segment, menu=menu, priority=1
    )
    created += 1 + len(AREAS) + 1
    golds = list(
        Friend.objects.for_account(account)
        .filter(member_tier="gold", status=Friend.Status.FOLLOWING)
        .order_by("pk")
    )
    now = timezone.now()
    linked_at = now - timedelta(days=HISTORY_DAYS)
    FriendRichMenu.objects.for_account(account).bulk_create(
        [
            FriendRichMenu(
                account=account,
                friend=friend,
                menu=menu,
                source=FriendRichMenu.Source.SEGMENT,
                rule=rule,
                linked_at=linked_at,
            )
            for friend in golds
        ]
    )
    RichMenuAssignment.objects.for_account(account).create(
        account=account,
        status=RichMenuAssignment.Status.DONE,
        total=len(golds),
        done=len(golds),
        calls=(len(golds) + 499) // 500,
        started_at=linked_at,
        finished_at=linked_at + timedelta(seconds=2),
    )
    created += len(golds) + 1
    created += _taps(account, menu, rule, golds, now)
    return created


def _taps(account, menu, rule, golds, now) -> int:
    """Each day some gold friends tap coupons or points (known friends) and the shop link."""
    rng = random.Random(f"rich-menu-taps:{account.slug}")
    areas = list(menu.areas.order_by("position"))
    taps = []
    for day in range(HISTORY_DAYS):
        moment = now - timedelta(days=day, hours=rng.randint(0, 12))
        for friend in golds:
            if rng.random() < 0.15:
                area = areas[0] if rng.random() < 0.6 else areas[1]
                taps.append(
                    RichMenuTap(
                        account=account,
                        menu=menu,
                        area=area,
                        friend=friend,
                        rule=rule,
                        kind=RichMenuTap.Kind.POSTBACK,
                        tapped_at=moment,
                    )
                )
        for _ in range(rng.randint(0, max(1, len(golds) // 8))):
            taps.append(
                RichMenuTap(
                    account=account,
                    menu=menu,
                    area=areas[2],
                    rule=rule,
                    kind=RichMenuTap.Kind.LINK,
                    tapped_at=moment,
                )
            )
    RichMenuTap.objects.for_account(account).bulk_create(taps)
    return len(taps)


def seed_rich_menu_targeting(demo) -> int:
    created = 0
    for account in demo.accounts.values():
        with tenant_scope(workspace=account.workspace, account=account):
            created += _seed_account(account)
    return created
