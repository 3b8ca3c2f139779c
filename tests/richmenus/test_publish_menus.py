# ruff: noqa: F811  (fixtures imported from design_helpers)
"""Publishing against the fake LINE: a menu with its image and alias, a re-publish that
retires the old LINE menu, tab sets, the default, archiving, and LINE's refusals recorded on
the row."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from richmenus.models import RichMenu
from richmenus.services import publishing
from richmenus.services.areas import AreaInput, areas_replace
from richmenus.services.menus import MenuInput, rich_menu_create, tab_set_create
from tests.richmenus.design_helpers import drafted, fake_line, line_menus  # noqa: F401

pytestmark = pytest.mark.django_db


def test_publish_creates_menu_image_and_alias(account, line_menus):
    menu = publishing.rich_menu_publish(menu=drafted(account, alias="main"))
    assert menu.status == RichMenu.Status.PUBLISHED and menu.error == ""
    sent = line_menus.menus[menu.line_rich_menu_id]
    assert sent["size"] == {"width": 2500, "height": 843}
    action = sent["areas"][0]["action"]
    assert action["type"] == "uri" and action["label"] == "Shop"
    assert "/r/m/" in action["uri"]  # the click redirect, not the shop itself
    assert menu.line_rich_menu_id in line_menus.images
    assert line_menus.aliases == {"main": menu.line_rich_menu_id}


def test_republishing_creates_a_new_line_menu_moves_alias_and_default_and_retires_the_old(
    account, line_menus
):
    menu = publishing.rich_menu_publish(menu=drafted(account, alias="main"))
    publishing.rich_menu_default_set(menu=menu)
    old = menu.line_rich_menu_id
    areas_replace(
        menu=menu,
        areas=[AreaInput(0, 0, 2500, 843, "All", "message", "Hello")],
    )
    menu.refresh_from_db()
    assert menu.changed_since_publish
    menu = publishing.rich_menu_publish(menu=menu)
    assert menu.line_rich_menu_id != old and not menu.changed_since_publish
    assert old in line_menus.deleted
    assert line_menus.aliases["main"] == menu.line_rich_menu_id
    assert line_menus.default == menu.line_rich_menu_id


def test_a_refused_image_fails_the_publish_with_lines_reason_and_leaves_no_menu(
    account, line_menus
):
    menu = drafted(account)
    line_menus.server.fail_next("setRichMenuImage", 413, message="Request Entity Too Large")
    with pytest.raises(publishing.PublishFailed):
        publishing.rich_menu_publish(menu=menu)
    menu.refresh_from_db()
    assert menu.status == RichMenu.Status.FAILED
    assert "Request Entity Too Large" in menu.error
    assert line_menus.menus == {} and len(line_menus.deleted) == 1


def test_a_refused_create_records_lines_details(account, line_menus):
    menu = drafted(account)
    line_menus.server.fail_next("createRichMenu", 400, message="invalid rich menu")
    with pytest.raises(publishing.PublishFailed):
        publishing.rich_menu_publish(menu=menu)
    menu.refresh_from_db()
    assert menu.status == RichMenu.Status.FAILED and "invalid rich menu" in menu.error


def test_an_alias_already_at_line_is_moved_to_the_new_menu(account, line_menus):
    line_menus.aliases["main"] = "richmenu-elsewhere"
    line_menus.menus["richmenu-elsewhere"] = {}
    menu = publishing.rich_menu_publish(menu=drafted(account, alias="main"))
    assert line_menus.aliases["main"] == menu.line_rich_menu_id


def test_publish_refuses_a_menu_without_image_or_areas(account, line_menus):
    menu = rich_menu_create(account=account, data=MenuInput(name="Bare", chat_bar_text="Menu"))
    with pytest.raises(ValidationError, match="image"):
        publishing.rich_menu_publish(menu=menu)
    assert line_menus.server.calls("createRichMenu") == []


def test_tab_set_publishes_every_tab_with_switches_by_alias_and_defaults_the_first(
    account, line_menus
):
    tabs = tab_set_create(account=account, name="Main tabs")
    second = drafted(account, name="News", alias="tab-news")
    first = drafted(
        account,
        name="Shop",
        alias="tab-shop",
        areas=[AreaInput(1250, 0, 1250, 843, "News", "richmenuswitch", "tab-news")],
    )
    areas_replace(
        menu=second, areas=[AreaInput(0, 0, 1250, 843, "Shop", "richmenuswitch", "tab-shop")]
    )
    for position, menu in enumerate((first, second)):
        RichMenu.objects.for_account(account).filter(pk=menu.pk).update(
            tab_set=tabs, tab_position=position
        )
    published = publishing.tab_set_publish(tab_set=tabs, make_default=True)
    assert [m.status for m in published] == ["published", "published"]
    assert set(line_menus.aliases) == {"tab-shop", "tab-news"}
    shop = line_menus.menus[line_menus.aliases["tab-shop"]]
    assert shop["areas"][0]["action"]["richMenuAliasId"] == "tab-news"
    assert line_menus.default == line_menus.aliases["tab-shop"]


def test_default_set_and_cancel_keep_one_default(account, line_menus):
    one = publishing.rich_menu_publish(menu=drafted(account, name="One"))
    two = publishing.rich_menu_publish(menu=drafted(account, name="Two"))
    publishing.rich_menu_default_set(menu=one)
    publishing.rich_menu_default_set(menu=two)
    assert list(RichMenu.objects.for_account(account).filter(is_default=True)) == [two]
    publishing.rich_menu_default_cancel(account=account)
    assert not RichMenu.objects.for_account(account).filter(is_default=True).exists()
    assert line_menus.default is None


def test_archive_deletes_menu_and_alias_at_line(account, line_menus):
    menu = publishing.rich_menu_publish(menu=drafted(account, alias="main"))
    line_id = menu.line_rich_menu_id
    menu = publishing.rich_menu_archive(menu=menu)
    assert menu.status == RichMenu.Status.ARCHIVED and line_id in line_menus.deleted
    assert line_menus.aliases == {}


def test_archive_of_a_menu_line_no_longer_has_still_archives(account, line_menus):
    menu = publishing.rich_menu_publish(menu=drafted(account))
    line_menus.menus.clear()
    assert publishing.rich_menu_archive(menu=menu).status == RichMenu.Status.ARCHIVED


def test_a_renamed_alias_is_moved_and_the_old_one_deleted_at_line(account, line_menus):
    from richmenus.services.menus import MenuInput, rich_menu_update

    menu = publishing.rich_menu_publish(menu=drafted(account, alias="spring"))
    menu = rich_menu_update(
        menu=menu, data=MenuInput(name="Main", chat_bar_text="Menu", alias="summer", size="compact")
    )
    assert menu.changed_since_publish
    menu = publishing.rich_menu_publish(menu=menu)
    assert line_menus.aliases == {"summer": menu.line_rich_menu_id}
