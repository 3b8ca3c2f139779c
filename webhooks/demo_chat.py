"""The demo's "A friend writes" button on the chats page, under ``make run`` only.

It sends one text message from a demo friend as LINE would: a signed webhook body with a reply
token and a mark-as-read token, through ``webhook_request_receive``, the path LINE's own
requests take (signature check, raw store, processing queue, the activity hub). The open inbox
shows it within seconds, and an auto-reply rule that matches answers it through the simulated
LINE. The button is the ``webhooks_demo_friend_message_button`` tag (``webhooks_demo``
library), shown on the inbox page; outside the embedded demo the URL answers 404 and the tag
renders nothing.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass

from django.utils import timezone

from oa_console.models import LineAccount
from segments.models import Friend
from webhooks.demo import DEMO_SCRIPTS
from webhooks.services.receiving import ReceiveOutcome, webhook_request_receive
from webhooks.services.signature import webhook_signature

# What a friend of an OA outside the demo's scripts writes.
FALLBACK_TEXTS = ["Hello! Are you open today?", "Can I book a table for two tonight?"]
CANDIDATES = 200


@dataclass(frozen=True)
class DemoFriendMessage:
    friend: Friend | None
    text: str
    outcome: ReceiveOutcome | None


def demo_friend_message_send(
    *, account: LineAccount, rng: random.Random | None = None
) -> DemoFriendMessage:
    """A following demo friend with a name writes one of the OA's demo texts (``outcome`` is
    None when nothing was sent: no such friend, or the OA's bot user id is not known)."""
    rng = rng or random.Random()
    friends = list(
        Friend.objects.for_account(account)
        .filter(status=Friend.Status.FOLLOWING)
        .exclude(display_name="")
        .order_by("pk")[:CANDIDATES]
    )
    if not friends:
        return DemoFriendMessage(friend=None, text="", outcome=None)
    friend = rng.choice(friends)
    texts = DEMO_SCRIPTS.get(account.slug, {}).get("texts") or FALLBACK_TEXTS
    text = rng.choice(texts)
    now_ms = int(timezone.now().timestamp() * 1000)
    event = {
        "type": "message",
        "mode": "active",
        "timestamp": now_ms,
        "source": {"type": "user", "userId": friend.line_user_id},
        "webhookEventId": f"DEMOCHAT{now_ms}{secrets.token_hex(5).upper()}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": secrets.token_hex(16),
        "message": {
            "id": str(now_ms),
            "type": "text",
            "quoteToken": secrets.token_hex(16),
            "markAsReadToken": secrets.token_hex(16),
            "text": text,
        },
    }
    # The demo OAs know their bot user id; a made-up destination must never be learned as one.
    if not account.bot_user_id:
        return DemoFriendMessage(friend=friend, text=text, outcome=None)
    body = json.dumps({"destination": account.bot_user_id, "events": [event]}).encode()
    outcome = webhook_request_receive(
        webhook_key=account.webhook_key,
        body=body,
        signature=webhook_signature(channel_secret=account.channel_secret, body=body),
        content_length=len(body),
    )
    return DemoFriendMessage(friend=friend, text=text, outcome=outcome)
