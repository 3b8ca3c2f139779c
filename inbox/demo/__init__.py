"""``seed_chats``: a few weeks of conversations in each demo OA's language (``seed_demo``).

Up to ``CONVERSATIONS`` following friends per OA wrote to it over the last three weeks: texts,
stickers, photos and a shared location, through the same service the activity hub feeds; some
were answered by the team (each first answer stores how long the friend waited: minutes), and
the statuses vary (new, open, waiting, resolved). Seeded random
generators; an OA that already has the scripted chats is left alone, so a second run adds
nothing. (The demo's webhook friends' own messages reach the inbox through the hub as well.)
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from inbox.demo.texts import LANGUAGE_BY_OA, SCRIPTS
from inbox.models import Conversation, ConversationMessage
from inbox.services.ingestion import Inbound, inbound_messages_record
from oa_console.tenancy import tenant_scope
from segments.models import Friend

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_ORDER = 57
AGENT_OA = "taipei-cafe"  # the OA the demo agent login is limited to (seed_demo's DEMO_LOGINS)
CONVERSATIONS = 12
HISTORY_DAYS = 21
STATUSES = ["new", "open", "waiting", "resolved", "resolved", "open"]


def _inbound(friend: Friend, n: int, kind: str, text: str, payload: dict, at) -> Inbound:
    return Inbound(
        event_key=f"demo-chat-{friend.pk}-{n}",
        friend_id=friend.pk,
        message_type=kind,
        line_message_id=f"{friend.pk}{n:04d}",
        text=text,
        payload=payload,
        occurred_at=at,
    )


def _seed_account(account, users: list, rng: random.Random) -> int:
    lines = SCRIPTS[LANGUAGE_BY_OA.get(account.slug, "ja")]
    friends = list(
        Friend.objects.for_account(account)
        .filter(status=Friend.Status.FOLLOWING)
        .order_by("pk")[:CONVERSATIONS]
    )
    now = timezone.now()
    created = 0
    for index, friend in enumerate(friends):
        script = lines[index % len(lines)]
        start = now - timedelta(days=rng.randint(1, HISTORY_DAYS), hours=rng.randint(0, 12))
        items, replies, at, waiting_since = [], [], start, None
        for n, (direction, kind, text, payload) in enumerate(script):
            at += timedelta(minutes=rng.randint(1, 40))
            if direction == "in":
                items.append(_inbound(friend, n, kind, text, payload, at))
                waiting_since = at
            else:
                # The first answer after the friend's latest message stores how long they
                # waited, as ``outbound_messages_record`` does: the Chats insights read it.
                waited = at - waiting_since if waiting_since else None
                replies.append((kind, text, at, waited))
                waiting_since = None
        created += inbound_messages_record(account=account, items=items)
        conversation = Conversation.objects.for_account(account).get(friend=friend)
        status = STATUSES[index % len(STATUSES)]
        answered = status in ("waiting", "resolved") or (status == "open" and index % 2)
        assignee = users[index % len(users)] if users and index % 3 else None
        for kind, text, sent_at, waited in replies if answered else []:
            ConversationMessage.objects.for_account(account).create(
                account=account,
                conversation=conversation,
                direction=ConversationMessage.Direction.OUT,
                message_type=kind,
                text=text,
                sent_by=ConversationMessage.SentBy.MANUAL,
                sent_by_user=assignee or (users[0] if users else None),
                responded_after=waited,
                occurred_at=sent_at,
            )
            conversation.last_message_at = sent_at
            conversation.last_message_type = kind
            conversation.last_message_direction = ConversationMessage.Direction.OUT
            conversation.last_message_preview = text[:100]
            conversation.last_unanswered_at = None
        conversation.status = status
        conversation.unread_count = (
            0 if answered or status == "resolved" else conversation.unread_count
        )
        conversation.assignee = assignee
        conversation.save()
    return created


def seed_chats(demo: DemoTenancy) -> int:
    total = 0
    for slug, account in demo.accounts.items():
        rng = random.Random(f"chats-{slug}")
        with tenant_scope(workspace=account.workspace, account=account):
            seeded = ConversationMessage.objects.for_account(account).filter(
                event_key__startswith="demo-chat-"
            )
            if seeded.exists():
                continue
            # The owner is in both workspaces; the demo agent sees one OA only.
            emails = ["owner@demo.example"] + (["agent@demo.example"] if slug == AGENT_OA else [])
            users = [demo.users[email] for email in emails if email in demo.users]
            total += _seed_account(account, users, rng)
    return total
