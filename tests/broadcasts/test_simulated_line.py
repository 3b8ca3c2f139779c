"""The demo's simulated LINE: only with DEBUG, LINE's retry-key answers, labelled on pages."""

from __future__ import annotations

import uuid

import pytest
from django.test import RequestFactory

from broadcasts import simulated_line

pytestmark = pytest.mark.django_db
# Retry keys are remembered in the cache (Redis in CI) for a day: a fresh key per run.
KEY = str(uuid.uuid4())


def post(path: str, key: str | None = KEY):
    headers = {"HTTP_AUTHORIZATION": "Bearer demo"}
    if key:
        headers["HTTP_X_LINE_RETRY_KEY"] = key
    request = RequestFactory().post(
        f"/simulated-line/{path}",
        data=b'{"to": ["U1"]}',
        content_type="application/json",
        **headers,
    )
    return simulated_line.simulated_line(request, path)


def test_off_unless_debug_and_enabled(settings):
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.DEBUG = False
    assert simulated_line.host() is None
    assert post("v2/bot/message/multicast").status_code == 404


def test_retry_key_is_answered_like_line(settings):
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.DEBUG = True
    assert simulated_line.host() == settings.PUBLIC_BASE_URL + "/simulated-line"
    first = post("v2/bot/message/multicast")
    assert first.status_code == 200
    again = post("v2/bot/message/multicast")
    assert again.status_code == 409
    assert again["x-line-accepted-request-id"] == first["x-line-request-id"]
    assert post("v2/bot/message/narrowcast", key=None).status_code == 202
    assert post("v2/bot/insight/followers", key=None).status_code == 404


def test_pages_say_the_line_is_simulated(settings, account, marketer):
    from django.urls import reverse

    from tests.conftest import client_for

    url = reverse("account_broadcasts", args=[account.workspace.slug, account.slug])
    assert 'data-testid="simulated-line"' not in client_for(marketer).get(url).content.decode()
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.DEBUG = True
    assert "Simulated LINE" in client_for(marketer).get(url).content.decode()


def test_a_friends_photo_content_is_a_picture(settings):
    """The demo's chats show their photos: the content path answers a real PNG."""
    import struct
    import zlib

    settings.BROADCASTS_SIMULATED_LINE = True
    settings.DEBUG = True
    path = "v2/bot/message/1234/content"
    request = RequestFactory().get(f"/simulated-line/{path}", HTTP_AUTHORIZATION="Bearer demo")
    response = simulated_line.simulated_line(request, path)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    png = response.content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (96, 96)
    length = struct.unpack(">I", png[33:37])[0]
    pixels = zlib.decompress(png[41 : 41 + length])
    assert len(pixels) == height * (1 + 3 * width) and pixels[1:4] == bytes((6, 199, 85))
