# ruff: noqa: F811  (fixtures imported from design_helpers)
"""A menu's links go to LINE through the click redirect: a tap is counted, published on the
activity hub and sent on to the shop; a token that is not ours goes nowhere."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from oa_console.activity.models import Activity
from richmenus.models import RichMenuLinkClick
from richmenus.services import publishing
from tests.richmenus.design_helpers import drafted, fake_line, line_menus  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_tap_on_a_published_link_is_counted_and_redirected(
    client, owner_client, account, line_menus
):
    menu = publishing.rich_menu_publish(menu=drafted(account))
    uri = line_menus.menus[menu.line_rich_menu_id]["areas"][0]["action"]["uri"]
    answer = client.get(urlsplit(uri).path)
    assert answer.status_code == 302 and answer["Location"] == "https://shop.example/"
    assert RichMenuLinkClick.unscoped.filter(menu_id=menu.pk).count() == 1
    activity = Activity.unscoped.get(kind=Activity.Kind.LINK_CLICK)
    assert activity.payload == {"url": "https://shop.example/", "rich_menu_id": menu.pk}
    page = owner_client.get(
        f"/w/{account.workspace.slug}/oa/{account.slug}/rich-menus/{menu.pk}/"
    ).content.decode()
    assert "1 tap in 30 days" in page


def test_an_altered_token_goes_nowhere(client, account, line_menus):
    menu = publishing.rich_menu_publish(menu=drafted(account))
    uri = line_menus.menus[menu.line_rich_menu_id]["areas"][0]["action"]["uri"]
    answer = client.get(urlsplit(uri).path[:-3] + "xyz")
    assert answer.status_code == 404
    assert not RichMenuLinkClick.unscoped.exists()
