# ruff: noqa: F811  (fixtures imported from design_helpers)
"""The rich menus API end to end against the fake LINE: create a menu with areas, upload its
image, publish it, make it the default and schedule it; refusals in the error envelope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.api_helpers import account_url, api
from tests.richmenus.design_helpers import fake_line, line_menus, picture  # noqa: F401

pytestmark = pytest.mark.django_db

MENU = {
    "name": "Main",
    "chat_bar_text": "Menu",
    "size": "compact",
    "alias": "main",
    "areas": [
        {
            "x": 0,
            "y": 0,
            "width": 1250,
            "height": 843,
            "label": "Shop",
            "type": "uri",
            "value": "https://shop.example/",
        },
        {
            "x": 1250,
            "y": 0,
            "width": 1250,
            "height": 843,
            "type": "datetimepicker",
            "mode": "datetime",
            "data": "reserve",
        },
    ],
}


def test_create_upload_publish_default_and_schedule(owner, account, line_menus):
    client = api(owner)
    created = client.post(account_url(account, "api_rich_menu_list"), MENU, format="json")
    assert created.status_code == 201, created.json()
    menu = created.json()
    assert [a["action"]["type"] for a in menu["areas"]] == ["uri", "datetimepicker"]
    image = SimpleUploadedFile("m.png", picture(2500, 843), content_type="image/png")
    uploaded = client.put(
        account_url(account, "api_rich_menu_image", rich_menu=menu["id"]),
        {"image": image},
        format="multipart",
    )
    assert uploaded.status_code == 200 and uploaded.json()["has_image"]
    published = client.post(account_url(account, "api_rich_menu_publish", rich_menu=menu["id"]))
    assert published.status_code == 200 and published.json()["status"] == "published"
    line_id = published.json()["line_rich_menu_id"]
    assert line_menus.aliases == {"main": line_id}
    default = client.post(account_url(account, "api_rich_menu_default", rich_menu=menu["id"]))
    assert default.json()["is_default"] and line_menus.default == line_id
    start = timezone.now() + timedelta(days=1)
    scheduled = client.post(
        account_url(account, "api_rich_menu_schedules", rich_menu=menu["id"]),
        {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=2)).isoformat()},
        format="json",
    )
    assert scheduled.status_code == 201 and scheduled.json()["status"] == "pending"
    listed = client.get(account_url(account, "api_rich_menu_list")).json()
    assert [m["id"] for m in listed["results"]] == [menu["id"]]
    cancelled = client.delete(account_url(account, "api_rich_menu_default_cancel"))
    assert cancelled.status_code == 204 and line_menus.default is None


def test_bad_input_names_the_field(owner, account, line_menus):
    client = api(owner)
    bad = MENU | {"chat_bar_text": "x" * 15, "areas": MENU["areas"] + [MENU["areas"][0]]}
    answer = client.post(account_url(account, "api_rich_menu_list"), bad, format="json")
    assert answer.status_code == 400
    assert "chat_bar_text" in answer.json()["error"]["fields"]


def test_overlapping_areas_are_refused_and_nothing_is_half_written(owner, account, line_menus):
    client = api(owner)
    menu = client.post(
        account_url(account, "api_rich_menu_list"), MENU | {"areas": []}, format="json"
    ).json()
    overlapping = MENU | {"areas": MENU["areas"] + [MENU["areas"][0]]}
    answer = client.put(
        account_url(account, "api_rich_menu_detail", rich_menu=menu["id"]),
        overlapping,
        format="json",
    )
    assert answer.status_code == 400 and "overlaps" in str(
        answer.json()["error"]["fields"]["areas"]
    )
    assert (
        client.get(account_url(account, "api_rich_menu_detail", rich_menu=menu["id"])).json()[
            "areas"
        ]
        == []
    )


def test_line_refusing_the_image_answers_502_with_lines_reason(owner, account, line_menus):
    client = api(owner)
    menu = client.post(account_url(account, "api_rich_menu_list"), MENU, format="json").json()
    image = SimpleUploadedFile("m.png", picture(2500, 843), content_type="image/png")
    client.put(
        account_url(account, "api_rich_menu_image", rich_menu=menu["id"]),
        {"image": image},
        format="multipart",
    )
    line_menus.server.fail_next("setRichMenuImage", 413, message="Request Entity Too Large")
    answer = client.post(account_url(account, "api_rich_menu_publish", rich_menu=menu["id"]))
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "line_refused"
    assert "Request Entity Too Large" in answer.json()["error"]["message"]
    detail = client.get(account_url(account, "api_rich_menu_detail", rich_menu=menu["id"])).json()
    assert detail["status"] == "failed" and "Request Entity Too Large" in detail["error"]


def test_a_viewer_reads_but_cannot_publish(viewer, owner, account, line_menus):
    menu = api(owner).post(account_url(account, "api_rich_menu_list"), MENU, format="json").json()
    client = api(viewer)
    assert (
        client.get(account_url(account, "api_rich_menu_detail", rich_menu=menu["id"])).status_code
        == 200
    )
    assert (
        client.post(account_url(account, "api_rich_menu_publish", rich_menu=menu["id"])).status_code
        == 403
    )


def test_a_create_whose_areas_are_refused_creates_nothing(owner, account, line_menus):
    client = api(owner)
    overlapping = MENU | {"areas": MENU["areas"] + [MENU["areas"][0]]}
    answer = client.post(account_url(account, "api_rich_menu_list"), overlapping, format="json")
    assert answer.status_code == 400
    assert client.get(account_url(account, "api_rich_menu_list")).json()["count"] == 0
