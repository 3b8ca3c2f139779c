"""Rich menu targeting fixtures: published menus made directly (the designer is another
module's), segments and tags of the OA, and the fake LINE server's per-user menus."""

from __future__ import annotations

import pytest
from django.utils import timezone

from richmenus.models import RichMenu, RichMenuArea
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
