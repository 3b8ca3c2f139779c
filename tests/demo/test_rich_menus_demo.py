"""The demo's tabbed default menu: two tabs per OA joined by aliases, each switching to the
other, published (LINE ids set) with its picture, and the first tab the default."""

from __future__ import annotations

import pytest

from oa_console.line.rich_menus import image_info
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from richmenus.models import RichMenu, RichMenuArea
from richmenus.services.menus import rich_menu_image_read
from tests.oa_console.commands.helpers import run

# django_db like the package's other tests: pytest-django runs unmarked tests last, after the
# package's seeded demo was rolled back, and the demo would be seeded a second time for them.
pytestmark = pytest.mark.django_db


def test_each_demo_oa_has_a_published_tabbed_default_menu():
    run("seed_demo")
    for account in LineAccount.unscoped.select_related("workspace"):
        with tenant_scope(workspace=account.workspace, account=account):
            # The tab set (the gold members' segment menu, rich menus targeting, is apart).
            tabs = list(RichMenu.objects.filter(tab_set__isnull=False).order_by("tab_position"))
            assert len(tabs) == 2, account.slug
            assert [tab.is_default for tab in tabs] == [True, False]
            assert all(tab.status == "published" and tab.line_rich_menu_id for tab in tabs)
            assert tabs[0].tab_set_id == tabs[1].tab_set_id
            for tab, other in ((tabs[0], tabs[1]), (tabs[1], tabs[0])):
                info = image_info(rich_menu_image_read(menu=tab))
                assert (info.width, info.height) == (tab.width, tab.height) == (2500, 843)
                switches = [
                    area.action
                    for area in RichMenuArea.objects.filter(menu=tab)
                    if area.action["type"] == "richmenuswitch"
                ]
                assert [s["richMenuAliasId"] for s in switches] == [other.alias]
