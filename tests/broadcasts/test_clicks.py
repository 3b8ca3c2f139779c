"""The public click redirect: a valid token records the click and redirects; an unknown,
tampered or expired token shows a safe page and redirects nowhere."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from broadcasts.messages import CLICK_SALT, click_token
from broadcasts.models import Click
from tests.broadcasts.conftest import make_broadcast, make_friends

pytestmark = pytest.mark.django_db

MESSAGES = [
    {"type": "text", "text": "A https://shop.example/a"},
    {"type": "text", "text": "B https://shop.example/b"},
]


def url(token: str) -> str:
    return reverse("broadcast_click", args=[token])


def test_valid_token_records_the_click_and_redirects(account):
    (friend,) = make_friends(account, 1)
    broadcast = make_broadcast(account, messages=MESSAGES)
    token = click_token(broadcast_id=broadcast.pk, url_index=1, friend_id=friend.pk)
    response = Client().get(url(token))
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example/b"
    click = Click.unscoped.get()
    assert (click.broadcast_id, click.friend_id, click.url) == (
        broadcast.pk,
        friend.pk,
        "https://shop.example/b",
    )


def test_token_without_friend_counts_the_click_for_the_link(account):
    broadcast = make_broadcast(account, messages=MESSAGES)
    token = click_token(broadcast_id=broadcast.pk, url_index=0, friend_id=None)
    assert Client().get(url(token))["Location"] == "https://shop.example/a"
    assert Click.unscoped.get().friend_id is None


def test_unknown_token_shows_a_safe_page(account):
    response = Client().get(url("not-a-token"))
    assert response.status_code == 404
    assert "know this link" in response.content.decode()
    assert not Click.unscoped.exists()


def test_tampered_token_redirects_nowhere(account):
    broadcast = make_broadcast(account, messages=MESSAGES)
    token = click_token(broadcast_id=broadcast.pk, url_index=0, friend_id=None)
    payload, rest = token.split(":", 1)
    forged = signing.dumps([broadcast.pk, 1, 0], salt="another-salt", compress=True)
    for bad in (payload[:-1] + ("A" if payload[-1] != "A" else "B") + ":" + rest, forged):
        response = Client().get(url(bad))
        assert response.status_code == 404
        assert "Location" not in response
    assert not Click.unscoped.exists()


def test_expired_token_says_so(account, settings):
    broadcast = make_broadcast(account, messages=MESSAGES)
    token = click_token(broadcast_id=broadcast.pk, url_index=0, friend_id=None)
    settings.BROADCAST_CLICK_MAX_AGE = -1
    response = Client().get(url(token))
    assert response.status_code == 410
    assert b"This link has expired" in response.content


def test_link_index_outside_the_broadcast_is_unknown(account, other_account):
    broadcast = make_broadcast(account, messages=MESSAGES)
    token = signing.dumps([broadcast.pk, 5, 0], salt=CLICK_SALT, compress=True)
    assert Client().get(url(token)).status_code == 404
    (stranger,) = make_friends(other_account, 1)
    token = click_token(broadcast_id=broadcast.pk, url_index=0, friend_id=stranger.pk)
    assert Client().get(url(token)).status_code == 302
    assert Click.unscoped.get().friend_id is None  # another OA's friend is never attributed
