"""Editing a menu's tap areas one at a time: an area is changed in place from the design
page ("Edit" fills the area form), and adding, editing or deleting one area leaves the other
areas' rows, and so the taps recorded against them, where they were."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from oa_console.tenancy import tenant_scope
from richmenus.models import RichMenuArea, RichMenuTap
from richmenus.services.areas import AreaInput, area_add, area_delete, areas_replace
from tests.richmenus.design_helpers import drafted

pytestmark = pytest.mark.django_db


def _url(account, name, *args):
    return reverse(name, args=[account.workspace.slug, account.slug, *args])


def _three_areas(account):
    with tenant_scope(workspace=account.workspace, account=account):
        menu = drafted(account)
        third = menu.width // 3
        areas = [
            AreaInput(n * third, 0, third, menu.height, f"Area {n + 1}", "postback", f"tap={n + 1}")
            for n in range(3)
        ]
        areas_replace(menu=menu, areas=areas)
        rows = list(RichMenuArea.objects.filter(menu=menu))
        for row in rows:
            RichMenuTap.objects.create(
                account=account, menu=menu, area=row, kind="postback", tapped_at=timezone.now()
            )
    return menu, rows


def _tapped_areas(account, menu) -> list[str]:
    with tenant_scope(workspace=account.workspace, account=account):
        taps = RichMenuTap.objects.filter(menu=menu).select_related("area").order_by("pk")
        return [tap.area.label if tap.area else "" for tap in taps]


def test_edit_from_the_design_page_changes_the_area_in_place(owner_client, account):
    menu, rows = _three_areas(account)

    page = owner_client.get(_url(account, "rich_menu_detail", menu.pk) + "?edit=1")
    html = page.content.decode()
    assert "Edit tap area 2" in html and 'value="tap=2"' in html and 'name="position"' in html

    answer = owner_client.post(
        _url(account, "rich_menu_area_edit", menu.pk),
        {
            "position": 1,
            "label": "Coupons",
            "x": rows[1].x,
            "y": 0,
            "width": rows[1].width,
            "height": rows[1].height,
            "type": "message",
            "value": "Show me coupons",
        },
    )

    assert answer.status_code == 302
    with tenant_scope(workspace=account.workspace, account=account):
        edited = RichMenuArea.objects.get(pk=rows[1].pk)
    assert edited.action == {"type": "message", "text": "Show me coupons", "label": "Coupons"}
    assert _tapped_areas(account, menu) == ["Area 1", "Coupons", "Area 3"]


def test_a_refused_edit_is_answered_on_the_form_and_changes_nothing(owner_client, account):
    menu, rows = _three_areas(account)
    answer = owner_client.post(
        _url(account, "rich_menu_area_edit", menu.pk),
        {
            "position": 1,
            "label": "Wide",
            "x": 0,  # over area 1
            "y": 0,
            "width": rows[1].width,
            "height": rows[1].height,
            "type": "postback",
            "value": "tap=2",
        },
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Edit tap area 2" in html and "overlap" in html.lower()
    with tenant_scope(workspace=account.workspace, account=account):
        assert RichMenuArea.objects.get(pk=rows[1].pk).x == rows[1].x


def test_an_area_no_longer_on_the_menu_cannot_be_edited(owner_client, account):
    menu, _rows = _three_areas(account)
    answer = owner_client.post(
        _url(account, "rich_menu_area_edit", menu.pk),
        {
            "position": 7,
            "label": "",
            "x": 0,
            "y": 0,
            "width": 10,
            "height": 10,
            "type": "message",
            "value": "x",
        },
    )
    assert answer.status_code == 400
    assert "no longer on the menu" in answer.content.decode()


def test_adding_or_deleting_an_area_keeps_the_others_taps(account):
    menu, rows = _three_areas(account)
    with tenant_scope(workspace=account.workspace, account=account):
        area_delete(menu=menu, position=0)
        area_add(
            menu=menu,
            area=AreaInput(rows[0].x, 0, rows[0].width, menu.height, "New", "postback", "tap=9"),
        )
        remaining = list(RichMenuArea.objects.filter(menu=menu).values_list("pk", "position"))
    assert remaining[:2] == [(rows[1].pk, 0), (rows[2].pk, 1)]
    assert _tapped_areas(account, menu) == ["", "Area 2", "Area 3"]  # area 1's row went
