# ruff: noqa: F811  (fixtures imported from design_helpers)
"""Publishing from the pages against the fake LINE: publish, LINE's refusal shown on the menu,
the re-publish note, default, schedule in the OA's time zone, archive and tab sets."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from oa_console.tenancy import tenant_scope
from richmenus.models import RichMenu, RichMenuSchedule
from richmenus.services.areas import AreaInput, areas_replace
from richmenus.services.menus import tab_set_create
from tests.richmenus.design_helpers import drafted, fake_line, line_menus  # noqa: F401

pytestmark = pytest.mark.django_db


def _url(account, name, *args):
    return reverse(name, args=[account.workspace.slug, account.slug, *args])


def _fresh(account, menu) -> RichMenu:
    with tenant_scope(workspace=account.workspace, account=account):
        return RichMenu.objects.get(pk=menu.pk)


def test_publish_default_and_the_republish_note(owner_client, account, line_menus):
    menu = drafted(account, alias="main")
    answer = owner_client.post(_url(account, "rich_menu_publish", menu.pk), follow=True)
    assert "Published to LINE." in answer.content.decode()
    menu = _fresh(account, menu)
    assert menu.status == "published" and line_menus.aliases["main"] == menu.line_rich_menu_id
    owner_client.post(_url(account, "rich_menu_make_default", menu.pk))
    assert line_menus.default == menu.line_rich_menu_id
    areas_replace(menu=menu, areas=[AreaInput(0, 0, 2500, 843, "All", "message", "Hi")])
    page = owner_client.get(_url(account, "rich_menu_detail", menu.pk)).content.decode()
    assert 'data-testid="changed-note"' in page and "retires the old one" in page
    listing = owner_client.get(_url(account, "account_rich_menus")).content.decode()
    assert 'data-testid="default-badge"' in listing


def test_lines_refusal_is_shown_on_the_menu(owner_client, account, line_menus):
    menu = drafted(account)
    line_menus.server.fail_next("createRichMenu", 400, message="invalid rich menu size")
    page = owner_client.post(_url(account, "rich_menu_publish", menu.pk), follow=True)
    body = page.content.decode()
    assert 'data-testid="menu-error"' in body and "invalid rich menu size" in body
    assert _fresh(account, menu).status == "failed"


def test_schedule_is_read_in_the_oas_time_zone(owner_client, account, line_menus):
    menu = drafted(account)
    owner_client.post(_url(account, "rich_menu_publish", menu.pk))
    local = (
        (timezone.now() + timedelta(days=3))
        .astimezone(zoneinfo.ZoneInfo(account.time_zone))
        .replace(second=0, microsecond=0)
    )
    answer = owner_client.post(
        _url(account, "rich_menu_schedule_add", menu.pk),
        {"starts_at": local.strftime("%Y-%m-%dT%H:%M"), "ends_at": ""},
    )
    assert answer.status_code == 302
    with tenant_scope(workspace=account.workspace, account=account):
        schedule = RichMenuSchedule.objects.get()
    assert schedule.starts_at == local
    past = owner_client.post(
        _url(account, "rich_menu_schedule_add", menu.pk),
        {"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T09:00"},
    )
    assert past.status_code == 400 and "The end must come after the start." in past.content.decode()


def test_archive_deletes_at_line(owner_client, account, line_menus):
    menu = drafted(account)
    owner_client.post(_url(account, "rich_menu_publish", menu.pk))
    line_id = _fresh(account, menu).line_rich_menu_id
    owner_client.post(_url(account, "rich_menu_archive", menu.pk))
    assert _fresh(account, menu).status == "archived" and line_id in line_menus.deleted


def test_tab_set_page_publishes_every_tab(owner_client, account, line_menus):
    tabs = tab_set_create(account=account, name="Tabs")
    one = drafted(account, name="One", alias="tab-one")
    two = drafted(
        account,
        name="Two",
        alias="tab-two",
        areas=[AreaInput(0, 0, 1000, 843, "One", "richmenuswitch", "tab-one")],
    )
    with tenant_scope(workspace=account.workspace, account=account):
        RichMenu.objects.filter(pk=one.pk).update(tab_set=tabs, tab_position=0)
        RichMenu.objects.filter(pk=two.pk).update(tab_set=tabs, tab_position=1)
    page = owner_client.get(_url(account, "rich_menu_tab_set", tabs.pk)).content.decode()
    assert page.count('data-testid="tab-row"') == 2
    owner_client.post(_url(account, "rich_menu_tab_set", tabs.pk), {"make_default": "on"})
    assert set(line_menus.aliases) == {"tab-one", "tab-two"}
    assert line_menus.default == line_menus.aliases["tab-one"]


def test_a_marketer_designs_but_cannot_publish(client, account, marketer, line_menus):
    menu = drafted(account)
    client.force_login(marketer)
    assert client.post(_url(account, "rich_menu_publish", menu.pk)).status_code == 403
    page = client.get(_url(account, "rich_menu_detail", menu.pk)).content.decode()
    assert 'data-testid="area-form"' in page and 'data-testid="publish"' not in page
