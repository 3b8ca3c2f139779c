# ruff: noqa: F811  (fixtures imported from design_helpers)
"""Every rich menu call to LINE against the fake LINE server (each request validated against
messaging-api.yml), with LINE's refusals classified as the publishing code reads them."""

from __future__ import annotations

import pytest

from oa_console.line import rich_menus as line
from tests.richmenus.design_helpers import fake_line, line_menus, picture  # noqa: F401

pytestmark = pytest.mark.django_db

MENU = {
    "size": {"width": 2500, "height": 843},
    "selected": False,
    "name": "Spring sale",
    "chatBarText": "Menu",
    "areas": [
        {
            "bounds": {"x": 0, "y": 0, "width": 1250, "height": 843},
            "action": {"type": "uri", "uri": "https://shop.example/sale"},
        },
        {
            "bounds": {"x": 1250, "y": 0, "width": 1250, "height": 843},
            "action": {"type": "richmenuswitch", "richMenuAliasId": "tab-b", "data": "tab=b"},
        },
    ],
}


def _created(account) -> str:
    outcome = line.rich_menu_create(account=account, menu=MENU)
    assert outcome.accepted, outcome
    return outcome.data.rich_menu_id


def test_create_sends_the_menu_and_answers_lines_id(account, line_menus):
    menu_id = _created(account)
    assert line_menus.menus[menu_id]["areas"][1]["action"]["richMenuAliasId"] == "tab-b"
    assert line_menus.menus[menu_id]["chatBarText"] == "Menu"


def test_create_refused_for_too_many_areas_names_the_field(account, line_menus):
    area = MENU["areas"][0] | {"bounds": {"x": 0, "y": 0, "width": 100, "height": 100}}
    outcome = line.rich_menu_create(account=account, menu=MENU | {"areas": [area] * 21})
    assert outcome.kind == "rejected" and outcome.status == 400
    assert "areas: must be between 0 and 20" in outcome.message


def test_create_refused_for_an_area_outside_the_image(account, line_menus):
    area = {
        "bounds": {"x": 2000, "y": 0, "width": 600, "height": 843},
        "action": {"type": "message", "text": "hi"},
    }
    outcome = line.rich_menu_create(account=account, menu=MENU | {"areas": [area]})
    assert outcome.status == 400 and "out of the rich menu" in outcome.message


def test_image_upload_goes_to_the_menu_with_its_content_type(account, line_menus):
    menu_id = _created(account)
    data = picture(2500, 843, "JPEG")
    outcome = line.rich_menu_image_upload(
        account=account, rich_menu_id=menu_id, image=data, content_type="image/jpeg"
    )
    assert outcome.accepted
    assert line_menus.images[menu_id] == (data, "image/jpeg")


def test_image_over_one_megabyte_is_413(account, line_menus):
    menu_id = _created(account)
    data = picture(2500, 843, "PNG", noise=True)
    assert len(data) > line.MAX_IMAGE_BYTES
    outcome = line.rich_menu_image_upload(
        account=account, rich_menu_id=menu_id, image=data, content_type="image/png"
    )
    assert outcome.kind == "rejected" and outcome.status == 413
    assert menu_id not in line_menus.images


def test_image_of_another_type_is_refused(account, line_menus):
    menu_id = _created(account)
    outcome = line.rich_menu_image_upload(
        account=account, rich_menu_id=menu_id, image=b"GIF89a....", content_type="image/gif"
    )
    assert outcome.status == 415


def test_image_of_the_wrong_pixel_size_is_400(account, line_menus):
    menu_id = _created(account)
    outcome = line.rich_menu_image_upload(
        account=account, rich_menu_id=menu_id, image=picture(2500, 1686), content_type="image/png"
    )
    assert outcome.status == 400 and "does not match" in outcome.message


def test_unknown_menu_is_404_for_image_delete_and_default(account, line_menus):
    unknown = "richmenu-0000000000000000000000000000dead"
    assert line.rich_menu_image_upload(
        account=account, rich_menu_id=unknown, image=picture(), content_type="image/png"
    ).not_found
    assert line.rich_menu_delete(account=account, rich_menu_id=unknown).not_found
    assert line.rich_menu_default_set(account=account, rich_menu_id=unknown).not_found


def test_default_set_and_cancel(account, line_menus):
    menu_id = _created(account)
    line.rich_menu_image_upload(
        account=account, rich_menu_id=menu_id, image=picture(), content_type="image/png"
    )
    assert line.rich_menu_default_set(account=account, rich_menu_id=menu_id).accepted
    assert line_menus.default == menu_id
    assert line.rich_menu_default_cancel(account=account).accepted
    assert line_menus.default is None


def test_delete_removes_the_menu(account, line_menus):
    menu_id = _created(account)
    assert line.rich_menu_delete(account=account, rich_menu_id=menu_id).accepted
    assert menu_id in line_menus.deleted and menu_id not in line_menus.menus


def test_alias_create_conflict_update_and_delete(account, line_menus):
    first, second = _created(account), _created(account)
    assert line.rich_menu_alias_create(account=account, alias="tab-a", rich_menu_id=first).accepted
    again = line.rich_menu_alias_create(account=account, alias="tab-a", rich_menu_id=second)
    assert again.status == 400 and line.alias_conflict(again)
    assert line.rich_menu_alias_update(account=account, alias="tab-a", rich_menu_id=second).accepted
    assert line_menus.aliases["tab-a"] == second
    assert line.rich_menu_alias_delete(account=account, alias="tab-a").accepted
    assert "tab-a" not in line_menus.aliases
    assert not line.alias_conflict(line.rich_menu_alias_delete(account=account, alias="tab-a"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (picture(2500, 1686), ("image/png", 2500, 1686)),
        (picture(1200, 810, "JPEG"), ("image/jpeg", 1200, 810)),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"\xff\xd8\xff\xd9", None),
        (b"", None),
    ],
)
def test_image_info_reads_the_real_format_and_pixels(data, expected):
    info = line.image_info(data)
    assert (info and (info.content_type, info.width, info.height)) == expected
