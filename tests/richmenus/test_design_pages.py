"""The design pages as a member uses them without JavaScript: create a menu, upload its image,
add tap areas by numbers, and every bad input answered in place on its field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oa_console.tenancy import tenant_scope
from richmenus.models import RichMenu, RichMenuArea
from tests.richmenus.design_helpers import drafted, picture

pytestmark = pytest.mark.django_db


def _url(account, name, *args):
    return reverse(name, args=[account.workspace.slug, account.slug, *args])


def _menu(account, **filters) -> RichMenu:
    with tenant_scope(workspace=account.workspace, account=account):
        return RichMenu.objects.get(**filters)


def _areas(account, menu):
    with tenant_scope(workspace=account.workspace, account=account):
        return list(
            RichMenuArea.objects.filter(menu=menu).values("x", "y", "width", "height", "action")
        )


def test_create_upload_and_draw_an_area_without_javascript(owner_client, account):
    answer = owner_client.post(
        _url(account, "rich_menu_new"),
        {"name": "Main", "chat_bar_text": "Menu", "size": "compact", "tab_position": 0},
    )
    menu = _menu(account, name="Main")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/rich-menus/{menu.pk}/")
    upload = SimpleUploadedFile("menu.png", picture(2500, 843), content_type="image/png")
    answer = owner_client.post(_url(account, "rich_menu_image_upload", menu.pk), {"image": upload})
    assert answer.status_code == 302
    answer = owner_client.post(
        _url(account, "rich_menu_area_add", menu.pk),
        {
            "label": "Shop",
            "x": 0,
            "y": 0,
            "width": 1250,
            "height": 843,
            "type": "uri",
            "value": "https://shop.example/",
        },
    )
    assert answer.status_code == 302
    assert _areas(account, menu) == [
        {
            "x": 0,
            "y": 0,
            "width": 1250,
            "height": 843,
            "action": {"type": "uri", "uri": "https://shop.example/", "label": "Shop"},
        }
    ]
    page = owner_client.get(_url(account, "rich_menu_detail", menu.pk)).content.decode()
    assert "left: 0.0%; top: 0.0%; width: 50.0%; height: 100.0%" in page
    assert _url(account, "rich_menu_image", menu.pk) in page
    image = owner_client.get(_url(account, "rich_menu_image", menu.pk))
    assert image["Content-Type"] == "image/png" and image.content == picture(2500, 843)
    listing = owner_client.get(_url(account, "account_rich_menus")).content.decode()
    assert "Main" in listing and 'data-testid="nav-rich-menus"' in listing


def test_chat_bar_text_over_14_is_shown_on_its_field(owner_client, account):
    answer = owner_client.post(
        _url(account, "rich_menu_new"),
        {"name": "Main", "chat_bar_text": "Fifteen letters", "size": "large", "tab_position": 0},
    )
    assert answer.status_code == 400
    assert "at most 14 characters" in answer.content.decode()


def test_alias_used_by_another_menu_is_refused(owner_client, account):
    drafted(account, name="First", alias="main")
    answer = owner_client.post(
        _url(account, "rich_menu_new"),
        {
            "name": "Second",
            "chat_bar_text": "Menu",
            "size": "large",
            "alias": "main",
            "tab_position": 0,
        },
    )
    assert answer.status_code == 400
    assert "already uses this alias" in answer.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (picture(2500, 1686), "this size needs 2500 x 843"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00", "JPEG or PNG"),
        (picture(2500, 843, noise=True), "larger than 1 MB"),
    ],
)
def test_bad_images_are_refused_on_the_image_field(owner_client, account, data, message):
    menu = drafted(account)
    upload = SimpleUploadedFile("menu.png", data, content_type="image/png")
    answer = owner_client.post(_url(account, "rich_menu_image_upload", menu.pk), {"image": upload})
    assert answer.status_code == 400
    assert message in answer.content.decode()


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [(700, 300, "LINE takes 800 to 2500"), (1000, 200, "at least 250"), (1000, 800, "1.45 times")],
)
def test_custom_size_limits(owner_client, account, width, height, message):
    menu = drafted(account, size="custom")
    upload = SimpleUploadedFile("menu.png", picture(width, height), content_type="image/png")
    answer = owner_client.post(_url(account, "rich_menu_image_upload", menu.pk), {"image": upload})
    assert answer.status_code == 400 and message in answer.content.decode()


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ({"x": 2000, "y": 0, "width": 600, "height": 100}, "reaches outside the 2500 x 843 image"),
        ({"x": 100, "y": 100, "width": 300, "height": 300}, "overlaps Shop"),
        (
            {"x": 1300, "y": 0, "width": 100, "height": 100, "value": "javascript:alert(1)"},
            "https://",
        ),
        (
            {"x": 1300, "y": 0, "width": 100, "height": 100, "type": "richmenuswitch", "alias": ""},
            "Choose the tab",
        ),
    ],
)
def test_bad_areas_are_answered_in_place(owner_client, account, area, message):
    menu = drafted(account)
    form = {"label": "New", "type": "uri", "value": "https://shop.example/b"} | area
    answer = owner_client.post(_url(account, "rich_menu_area_add", menu.pk), form)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert len(_areas(account, menu)) == 1


def test_a_21st_area_is_refused(owner_client, account):
    from richmenus.services.areas import AreaInput

    areas = [AreaInput(i * 100, 0, 100, 100, f"A{i}", "message", "hi") for i in range(20)]
    menu = drafted(account, areas=areas)
    answer = owner_client.post(
        _url(account, "rich_menu_area_add", menu.pk),
        {"x": 0, "y": 200, "width": 100, "height": 100, "type": "message", "value": "hi"},
    )
    assert answer.status_code == 400
    assert "at most 20 tap areas" in answer.content.decode()


def test_htmx_area_errors_swap_only_the_form(owner_client, account):
    menu = drafted(account)
    answer = owner_client.post(
        _url(account, "rich_menu_area_add", menu.pk),
        {"x": 2400, "y": 0, "width": 600, "height": 100, "type": "message", "value": "hi"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="area-form",
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and body.lstrip().startswith('<div id="area-form">')
    assert "reaches outside" in body


def test_a_viewer_sees_the_menu_but_cannot_change_it(client, account, viewer):
    menu = drafted(account)
    client.force_login(viewer)
    page = client.get(_url(account, "rich_menu_detail", menu.pk)).content.decode()
    assert 'data-testid="area-form"' not in page and 'data-testid="publish"' not in page
    answer = client.post(
        _url(account, "rich_menu_area_add", menu.pk),
        {"x": 1300, "y": 0, "width": 100, "height": 100, "type": "message", "value": "hi"},
    )
    assert answer.status_code == 403
