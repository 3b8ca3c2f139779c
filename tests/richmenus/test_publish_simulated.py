"""The embedded demo's simulated LINE answers the rich menu calls publishing makes: a new id
per menu, an image only as a JPEG or PNG of at most 1 MB, the default and alias calls."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from broadcasts import simulated_line
from tests.richmenus.design_helpers import picture


@pytest.fixture(autouse=True)
def _simulated(settings):
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.DEBUG = True


def _call(method: str, path: str, body: bytes = b"{}", content_type: str = "application/json"):
    factory = getattr(RequestFactory(), method)
    if method == "get":
        request = factory(f"/simulated-line/{path}", HTTP_AUTHORIZATION="Bearer demo")
    else:
        request = factory(
            f"/simulated-line/{path}",
            data=body,
            content_type=content_type,
            HTTP_AUTHORIZATION="Bearer demo",
        )
    return simulated_line.simulated_line(request, path)


def test_create_answers_a_new_menu_id_each_time():
    first = json.loads(_call("post", "v2/bot/richmenu").content)["richMenuId"]
    second = json.loads(_call("post", "v2/bot/richmenu").content)["richMenuId"]
    assert first.startswith("richmenu-") and first != second


def test_the_image_must_be_jpeg_or_png_of_at_most_1_mb():
    path = "v2/bot/richmenu/richmenu-1/content"
    assert _call("post", path, picture(), "image/png").status_code == 200
    assert _call("post", path, b"GIF89a", "image/gif").status_code == 415
    assert _call("post", path, picture(2500, 843, noise=True), "image/png").status_code == 413


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "v2/bot/user/all/richmenu/richmenu-1"),
        ("delete", "v2/bot/user/all/richmenu"),
        ("delete", "v2/bot/richmenu/richmenu-1"),
        ("post", "v2/bot/richmenu/alias"),
        ("post", "v2/bot/richmenu/alias/main"),
        ("delete", "v2/bot/richmenu/alias/main"),
    ],
)
def test_default_delete_and_alias_calls_are_accepted(method, path):
    assert _call(method, path).status_code == 200


def test_a_call_it_does_not_simulate_is_404():
    assert _call("get", "v2/bot/richmenu/list").status_code == 404
