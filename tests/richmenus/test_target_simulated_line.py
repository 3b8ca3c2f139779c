"""The embedded demo's simulated LINE answers the per-user rich menu calls as LINE does, so a
segment menu applied in ``make run`` never shows an error."""

import pytest
from django.test import RequestFactory

from broadcasts import simulated_line

USER = "U" + "a" * 32


@pytest.fixture(autouse=True)
def simulated(settings):
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.DEBUG = True


def _call(method: str, path: str, body: bytes = b"{}"):
    request = getattr(RequestFactory(), method)(
        f"/simulated-line/{path}",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer demo",
    )
    return simulated_line.simulated_line(request, path)


@pytest.mark.django_db
def test_rich_menu_links_are_accepted():
    bulk = b'{"richMenuId": "richmenu-x", "userIds": ["%s"]}' % USER.encode()
    assert _call("post", "v2/bot/richmenu/bulk/link", bulk).status_code == 202
    assert _call("post", "v2/bot/richmenu/bulk/unlink", bulk).status_code == 202
    assert _call("post", f"v2/bot/user/{USER}/richmenu/richmenu-x").status_code == 200
    assert _call("delete", f"v2/bot/user/{USER}/richmenu").status_code == 200
    assert _call("post", "v2/bot/user/not-a-user/richmenu/richmenu-x").status_code == 404
