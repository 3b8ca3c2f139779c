"""Rich menu objects of one tenant for the isolation sweep (tests/oa_console/tenant_world.py):
a menu with an image and a tab set, and a schedule of it."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from oa_console.demo_picture import demo_png


def build_rich_menu(workspace, account):
    from richmenus.models import RichMenu, RichMenuTabSet

    tab_set = RichMenuTabSet.unscoped.create(account=account, name="Tabs")
    name = default_storage.save(
        f"rich-menus/{account.pk}/sweep.png", ContentFile(demo_png(2500, 843))
    )
    return RichMenu.unscoped.create(
        account=account,
        name="Sweep menu",
        chat_bar_text="Menu",
        width=2500,
        height=843,
        size_template="compact",
        image=name,
        image_content_type="image/png",
        tab_set=tab_set,
    )


def build_rich_menu_schedule(workspace, account):
    from richmenus.models import RichMenuSchedule

    menu = build_rich_menu(workspace, account)
    return RichMenuSchedule.unscoped.create(
        account=account, menu=menu, starts_at=timezone.now() + timedelta(days=1)
    )
