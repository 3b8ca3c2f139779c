"""Links are checked by parsing, at compose time (issue 14, defect 10).

``httpjavascript:alert(1)`` passed ``startswith("http")``, became a tracked link, and every
click on it then failed. Now the composer and the API refuse it with the reason at its place,
nothing but a web link is ever tracked, and the click redirect refuses to send anyone to
anything else, whatever is stored.
"""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from broadcasts.messages import click_token, tracked_urls
from broadcasts.models import Broadcast, Click
from broadcasts.services import clicks
from oa_console.line.messages import messages_errors
from tests.broadcasts.conftest import make_broadcast, make_friends
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
EVIL = "httpjavascript:alert(1)"


def _button(uri: str) -> dict:
    return {
        "type": "template",
        "altText": "Sale",
        "template": {
            "type": "buttons",
            "text": "Sale",
            "actions": [{"type": "uri", "label": "Open", "uri": uri}],
        },
    }


def _flex(uri: str) -> dict:
    return {
        "type": "flex",
        "altText": "Sale",
        "contents": {
            "type": "bubble",
            "body": {
                "type": "box",
                "layout": "vertical",
                "contents": [{"type": "text", "text": "Sale"}],
                "action": {"type": "uri", "label": "Open", "uri": uri},
            },
            "footer": {
                "type": "box",
                "layout": "vertical",
                "contents": [
                    {
                        "type": "button",
                        "action": {
                            "type": "uri",
                            "label": "Go",
                            "uri": "https://shop.example/",
                            "altUri": {"desktop": uri},
                        },
                    }
                ],
            },
        },
    }


@pytest.mark.parametrize(
    "message,path",
    [
        (_button(EVIL), "template/actions/0/uri"),
        (_flex(EVIL), "contents/body/action/uri"),
        (_flex("javascript:alert(1)"), "contents/footer/contents/0/action/altUri/desktop"),
        ({"type": "text", "text": "Sale https://" + "a" * 1000 + ".example"}, "text"),
        ({"type": "text", "text": "Sale https://shop.example@evil.example/x"}, "text"),
        (
            {
                "type": "image",
                "originalContentUrl": "http://img.example/a.jpg",
                "previewImageUrl": "https://img.example/a.jpg",
            },
            "originalContentUrl",
        ),
    ],
)
def test_every_place_a_link_goes_is_checked(message, path):
    errors = messages_errors([message])
    assert (1, path) in [(error.bubble, error.path) for error in errors], errors


def test_tel_and_line_schemes_are_not_offered():
    for uri in ("tel:+81312345678", "line://ti/p/@oa"):
        assert messages_errors([_button(uri)]), uri
    assert messages_errors([_button("https://shop.example/sale")]) == []


def test_api_refuses_the_link_with_its_place(account, marketer):
    client = APIClient()
    client.force_authenticate(marketer)
    url = reverse("api_broadcasts", kwargs={"account_id": account.pk})
    body = {"name": "Sale", "messages": [_button(EVIL)], "audience": {"all": True}}
    response = client.post(url, body, format="json")
    assert response.status_code == 400
    (problem,) = response.json()["error"]["fields"]["messages"]
    assert problem.startswith("Bubble 1 (template/actions/0/uri): The link must start with")
    assert not Broadcast.unscoped.exists()


def test_composer_shows_the_error_beside_the_card_link(account, marketer):
    url = reverse("broadcast_new", args=[account.workspace.slug, account.slug])
    data = {
        "name": "Summer sale",
        "audience_kind": "all",
        "track_clicks": "on",
        "bubble_1_type": "card",
        "bubble_1_alt": "Sale",
        "bubble_1_card_title": "10% off",
        "bubble_1_card_label": "Shop now",
        "bubble_1_card_url": EVIL,
    }
    response = client_for(marketer).post(url, data)
    assert response.status_code == 400
    body = unescape(response.content.decode())
    assert 'id="id_bubble_1_card_url_error"' in body
    assert "The link must start with https:// or http://." in body
    assert not Broadcast.unscoped.exists()


def test_a_stored_bad_link_is_never_followed_nor_counted(account):
    (friend,) = make_friends(account, 1)
    broadcast = make_broadcast(account)
    # Written past validation, as the old code accepted it, and already sent: tokens name
    # links by position, so the positions stay as they were when it was sent.
    messages = [_button(EVIL), {"type": "text", "text": "A https://shop.example/a"}]
    Broadcast.unscoped.filter(pk=broadcast.pk).update(messages=messages)
    assert tracked_urls(messages) == [EVIL, "https://shop.example/a"]

    bad = click_token(broadcast_id=broadcast.pk, url_index=0, friend_id=friend.pk)
    response = Client().get(reverse("broadcast_click", args=[bad]))
    assert response.status_code == 404 and "Location" not in response  # before: a 500
    assert not Click.unscoped.exists()
    good = click_token(broadcast_id=broadcast.pk, url_index=1, friend_id=friend.pk)
    response = Client().get(reverse("broadcast_click", args=[good]))
    assert response["Location"] == "https://shop.example/a"


def test_the_redirect_refuses_anything_but_a_web_link(account, monkeypatch):
    for stored in (EVIL, "javascript:alert(1)", "https://shop.example/\r\nSet-Cookie: x"):
        monkeypatch.setattr(
            "broadcasts.views.clicks.click_record",
            lambda **kwargs: clicks.ClickResult(url=stored),  # noqa: B023
        )
        response = Client().get(reverse("broadcast_click", args=["token"]))
        assert response.status_code == 404, stored
        assert "Location" not in response
