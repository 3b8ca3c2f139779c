"""How the conversation list reads each conversation's last message, and how the conversation
shows a tap on a postback button: words a member reads, never a bare type or LINE's raw data."""

from __future__ import annotations

import copy
import html
import re

import pytest
from django.urls import reverse

from inbox.models import Conversation
from inbox.services.outbound import outbound_messages_record
from tests.conftest import client_for
from tests.inbox.helpers import deliver, fixture_user_messages, text_event

pytestmark = pytest.mark.django_db

USERS = [f"U{n:032x}" for n in range(1, 9)]


def _postback(data: str, *, user: str, params: dict | None = None) -> dict:
    event = copy.deepcopy(next(e for e in fixture_user_messages() if e["type"] == "postback"))
    event["postback"] = {"data": data, **({"params": params} if params else {})}
    event["source"] = {"type": "user", "userId": user}
    event["timestamp"] = 1_700_000_100_000
    return event


def _message(user: str, message: dict) -> dict:
    event = text_event("", user=user)
    event["message"] = {"id": user[-6:], **message}
    return event


def _previews(account, owner) -> dict[str, str]:
    """Each row's friend (by LINE user id) and its last-message preview."""
    url = reverse("account_inbox", args=[account.workspace.slug, account.slug])
    body = client_for(owner).get(url).content.decode()
    users = dict(
        Conversation.unscoped.filter(account=account).values_list("pk", "friend__line_user_id")
    )
    rows = re.findall(
        r'<a href="[^"]*/(\d+)/">.*?</a></td>\s*'
        r'<td class="inbox-preview" data-testid="conversation-preview">([^<]*)<',
        body,
    )
    return {users[int(pk)]: html.unescape(text) for pk, text in rows}


def test_the_list_names_what_was_sent_and_shows_a_postback_tap_with_its_data(account, owner):
    deliver(
        account,
        [
            _postback("action=menu&item=latte", user=USERS[0]),
            _message(USERS[1], {"type": "sticker", "packageId": "446", "stickerId": "1988"}),
            _message(USERS[2], {"type": "location", "title": "Shop", "address": "Shibuya"}),
            _message(USERS[3], {"type": "image", "contentProvider": {"type": "line"}}),
            text_event("Is the shop open?", user=USERS[4]),
            text_event("Thanks!", user=USERS[5]),
            text_event("Hello", user=USERS[6]),
            text_event("Any coupon?", user=USERS[7]),
        ],
    )
    friends = {
        c.friend.line_user_id: c.friend_id
        for c in Conversation.unscoped.filter(account=account).select_related("friend")
    }
    for user, messages in (
        (USERS[5], [{"type": "text", "text": "You are welcome"}]),
        (USERS[6], [{"type": "sticker", "packageId": "446", "stickerId": "1989"}]),
        (USERS[7], [{"type": "coupon", "couponId": "01JCOUPON"}]),
    ):
        outbound_messages_record(
            account=account, friend_id=friends[user], messages=messages, sent_by="manual"
        )

    previews = _previews(account, owner)

    assert previews[USERS[0]] == "Tapped a button: action=menu&item=latte"
    assert previews[USERS[1]] == "Sent a sticker"
    assert previews[USERS[2]] == "Sent a location"
    assert previews[USERS[3]] == "Sent an image"
    assert previews[USERS[4]] == "Is the shop open?"
    assert previews[USERS[5]] == "You: You are welcome"
    assert previews[USERS[6]] == "You sent a sticker"
    assert previews[USERS[7]] == "You sent a coupon"  # not "a template message"
    assert not any(re.search(r"\[|Postback", text) for text in previews.values())


def test_the_conversation_shows_a_postback_tap_and_a_pickers_choice_in_words(account, owner):
    deliver(
        account,
        [_postback("action=book&slot=1", user=USERS[0], params={"date": "2026-03-01"})],
    )
    conversation = Conversation.unscoped.get(account=account)
    url = reverse("conversation_detail", args=["alpha", account.slug, conversation.pk])
    body = html.unescape(client_for(owner).get(url).content.decode())
    assert "Tapped a button: action=book&slot=1" in body
    assert "Date chosen: 2026-03-01" in body
    assert "Postback:" not in body


def test_the_conversation_shows_a_coupon_the_oa_sent_by_its_id(account, owner):
    deliver(account, [text_event("Any coupon?", user=USERS[0])])
    conversation = Conversation.unscoped.get(account=account)
    outbound_messages_record(
        account=account,
        friend_id=conversation.friend_id,
        messages=[{"type": "coupon", "couponId": "01JCOUPON"}],
        sent_by="manual",
    )
    url = reverse("conversation_detail", args=["alpha", account.slug, conversation.pk])
    body = html.unescape(client_for(owner).get(url).content.decode())
    assert 'data-type="coupon"' in body
    assert "Coupon ID 01JCOUPON" in body
    assert "Template message" not in body
