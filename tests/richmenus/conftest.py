"""Rich menu targeting fixtures: published menus made directly (the designer is another
module's), segments and tags of the OA, and the fake LINE server's per-user menus."""

from __future__ import annotations

import pytest
from django.utils import timezone

from richmenus.models import RichMenu, RichMenuArea, RichMenuAssignment, RichMenuRule
from richmenus.services import targeting_assignment
from richmenus.services.targeting import rich_menu_rule_create
from segments.models import Segment, Tag
from tests.fakes.line_rich_menu_links import RichMenuLinkScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)


def make_menu(account, name: str, line_id: str, *, areas=()) -> RichMenu:
    menu = RichMenu.unscoped.create(
        account=account,
        name=name,
        chat_bar_text="Menu",
        status=RichMenu.Status.PUBLISHED,
        line_rich_menu_id=line_id,
        published_at=timezone.now(),
    )
    for position, action in enumerate(areas):
        RichMenuArea.unscoped.create(
            account=account,
            menu=menu,
            position=position,
            x=position * 100,
            y=0,
            width=100,
            height=100,
            label=f"Area {position + 1}",
            action=action,
        )
    return menu


def make_tag(account, name: str) -> Tag:
    return Tag.unscoped.create(account=account, name=name)


def tag_segment(account, tag: Tag, name: str) -> Segment:
    return Segment.unscoped.create(
        account=account, name=name, rules={"field": "tag", "op": "has", "value": tag.pk}
    )


@pytest.fixture
def line_menus(fake_line):  # noqa: F811
    """LINE knows the menus whose ids start with richmenu-gold / -vip / -sale."""
    return RichMenuLinkScript(menus={"richmenu-gold1", "richmenu-vip1", "richmenu-sale1"}).install(
        fake_line
    )


@pytest.fixture
def world(account, scope, line_menus):
    """Three published menus: a segment rule each for gold members (priority 2) and VIPs
    (priority 1, so a friend in both sees the VIP menu), and a tag rule for the sale tag."""
    gold_tag, vip_tag, sale_tag = (make_tag(account, n) for n in ("gold", "vip", "sale"))
    gold = make_menu(account, "Gold", "richmenu-gold1")
    vip = make_menu(account, "VIP", "richmenu-vip1")
    sale = make_menu(account, "Sale", "richmenu-sale1")
    rich_menu_rule_create(
        account=account,
        kind=RichMenuRule.Kind.SEGMENT,
        segment_id=tag_segment(account, gold_tag, "Gold members").pk,
        menu_id=gold.pk,
        priority=2,
    )
    rich_menu_rule_create(
        account=account,
        kind=RichMenuRule.Kind.SEGMENT,
        segment_id=tag_segment(account, vip_tag, "VIPs").pk,
        menu_id=vip.pk,
        priority=1,
    )
    rich_menu_rule_create(
        account=account, kind=RichMenuRule.Kind.TAG, tag_id=sale_tag.pk, menu_id=sale.pk
    )
    return {"gold": gold_tag, "vip": vip_tag, "sale": sale_tag, "menus": (gold, vip, sale)}


def assignment_run(account) -> RichMenuAssignment:
    """Start the first assignment and run its steps to the end, as the task chain would."""
    assignment = targeting_assignment.rich_menu_assignment_start(account=account)
    while (
        targeting_assignment.rich_menu_assignment_step(
            account=account, assignment_id=assignment.pk
        ).again_in
        is not None
    ):
        pass
    assignment.refresh_from_db()
    return assignment
