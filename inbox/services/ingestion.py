"""Friends' messages and postbacks into conversations: the ``inbox.messages`` subscriber.

The activity hub delivers batches; each OA's part of a batch is written set-based: one read of
the events already recorded, one read (and insert) of the conversations, one insert of the
messages and one update of the conversations. An event already recorded (a redelivered batch,
a replayed raw store) is skipped by its webhook event id, so nothing is added twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from inbox.models import Conversation, ConversationMessage
from inbox.services.media import message_contents_track
from inbox.services.team_hooks import inbound_recorded
from oa_console.activity.models import Activity
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.bulk import rows_update
from oa_console.models import LineAccount

SUBSCRIBER = "inbox.messages"
KINDS = (Activity.Kind.MESSAGE, Activity.Kind.POSTBACK)
# What a friend can send in a 1:1 chat (LINE's message event types).
MESSAGE_TYPES = frozenset({"text", "sticker", "image", "video", "audio", "file", "location"})
PREVIEW_LENGTH = 100

# Statuses an inbound message moves a conversation out of: the friend wrote again.
REOPENED_BY_INBOUND = {Conversation.Status.WAITING, Conversation.Status.RESOLVED}


@dataclass(frozen=True)
class Inbound:
    """A friend's message or postback as the activity hub hands it over."""

    event_key: str
    friend_id: int
    message_type: str
    line_message_id: str
    text: str
    payload: dict
    occurred_at: datetime
    reply_token: str = ""
    mark_as_read_token: str = ""


def inbound_from_activity(row: ActivityRow) -> Inbound | None:
    """The conversation message an activity is, or None (a group's message, an unknown type)."""
    payload = row.payload or {}
    event_key = str(payload.get("event_key") or "")
    if row.friend_id is None or not event_key:
        return None
    reply_token = str(payload.get("reply_token") or "")
    if row.kind == Activity.Kind.POSTBACK:
        data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
        return Inbound(
            event_key=event_key,
            friend_id=row.friend_id,
            message_type=ConversationMessage.Type.POSTBACK,
            line_message_id="",
            text=str(data.get("data", "")),
            payload=data,
            occurred_at=row.occurred_at,
            reply_token=reply_token,
        )
    message_type = payload.get("message_type")
    if message_type not in MESSAGE_TYPES:
        return None
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    return Inbound(
        event_key=event_key,
        friend_id=row.friend_id,
        message_type=message_type,
        line_message_id=str(payload.get("message_id") or ""),
        text=str(payload.get("text") or ""),
        payload=message,
        occurred_at=row.occurred_at,
        reply_token=reply_token,
        mark_as_read_token=str(message.get("markAsReadToken") or ""),
    )


def inbox_messages_react(activities: Sequence[ActivityRow]) -> None:
    """The hub's handler: every OA's part of the batch, in that OA's scope."""
    per_account(list(activities), _record_rows)


def _record_rows(account: LineAccount, rows: list[ActivityRow]) -> None:
    inbound_messages_record(
        account=account,
        items=[item for item in map(inbound_from_activity, rows) if item is not None],
    )


def recorded_event_keys(account: LineAccount, keys: set[str]):
    """The OA's messages recorded from these webhook events. ``event_key <> ''`` is spelled
    out: it is the unique index's condition (``conversation_message_event_once``), and
    PostgreSQL proves it from an ``IN`` list of at most 100 keys only; a hub batch brings up to
    a thousand, and without it every batch read the OA's millions of messages (2 s a batch at
    20 million, bench/inbox.py)."""
    return (
        ConversationMessage.objects.for_account(account)
        .filter(event_key__in=keys)
        .exclude(event_key="")
    )


@transaction.atomic
def inbound_messages_record(*, account: LineAccount, items: Sequence[Inbound]) -> int:
    """Record friends' messages in their conversations; returns how many were new."""
    messages = ConversationMessage.objects.for_account(account)
    keys = {item.event_key for item in items}
    if not keys:
        return 0
    seen = set(recorded_event_keys(account, keys).values_list("event_key", flat=True))
    fresh: dict[str, Inbound] = {}
    for item in items:
        if item.event_key not in seen:
            fresh.setdefault(item.event_key, item)
    if not fresh:
        return 0
    conversations = _conversations_for(account, {item.friend_id for item in fresh.values()})
    created = messages.bulk_create(
        [
            ConversationMessage(
                account=account,
                conversation=conversations[item.friend_id],
                direction=ConversationMessage.Direction.IN,
                message_type=item.message_type,
                line_message_id=item.line_message_id,
                event_key=item.event_key,
                text=item.text,
                payload=item.payload,
                occurred_at=item.occurred_at,
            )
            for item in fresh.values()
        ]
    )
    message_contents_track(account=account, messages=created)
    _update_conversations(account, conversations, list(fresh.values()))
    inbound_recorded(account=account, messages=created)
    return len(fresh)


def _conversations_for(account: LineAccount, friend_ids: set[int]) -> dict[int, Conversation]:
    """The friends' conversations, locked for the update that follows; missing ones created."""
    scoped = Conversation.objects.for_account(account)
    missing = friend_ids - set(
        scoped.filter(friend_id__in=friend_ids).values_list("friend_id", flat=True)
    )
    if missing:
        scoped.bulk_create(
            [Conversation(account=account, friend_id=pk) for pk in sorted(missing)],
            ignore_conflicts=True,  # another writer created it meanwhile: the read finds it
        )
    return {
        conversation.friend_id: conversation
        for conversation in scoped.select_for_update().filter(friend_id__in=friend_ids)
    }


def _update_conversations(
    account: LineAccount, conversations: dict[int, Conversation], items: list[Inbound]
) -> None:
    """Unread counts, status and the last message, in LINE's order, with one UPDATE."""
    by_friend: dict[int, list[Inbound]] = {}
    for item in items:
        by_friend.setdefault(item.friend_id, []).append(item)
    changed = []
    now = timezone.now()  # a bulk update leaves auto_now alone: the poll compares updated_at
    for friend_id, received in by_friend.items():
        conversation = conversations[friend_id]
        conversation.unread_count += len(received)
        if conversation.status in REOPENED_BY_INBOUND:
            conversation.status = Conversation.Status.OPEN
        # LINE's order: the latest time, and among equal times the one that came last.
        latest = received[0]
        for item in received[1:]:
            if item.occurred_at >= latest.occurred_at:
                latest = item
        if conversation.last_message_at is None or latest.occurred_at >= (
            conversation.last_message_at
        ):
            conversation.last_message_at = latest.occurred_at
            conversation.last_message_type = latest.message_type
            conversation.last_message_direction = ConversationMessage.Direction.IN
            conversation.last_message_preview = latest.text[:PREVIEW_LENGTH]
        if conversation.last_unanswered_at is None or latest.occurred_at > (
            conversation.last_unanswered_at
        ):
            conversation.last_unanswered_at = latest.occurred_at
        _keep_tokens(conversation, received)
        conversation.updated_at = now
        changed.append(conversation)
    rows_update(
        Conversation,
        changed,
        [
            "unread_count",
            "status",
            "last_message_at",
            "last_message_type",
            "last_message_direction",
            "last_message_preview",
            "last_unanswered_at",
            "reply_token",
            "reply_token_at",
            "mark_as_read_token",
            "updated_at",
        ],
    )


def _keep_tokens(conversation: Conversation, received: list[Inbound]) -> None:
    """The newest reply token and mark-as-read token the friend's messages carried (an older
    event delivered late never replaces a newer token)."""
    for item in sorted(received, key=lambda item: item.occurred_at):
        if item.reply_token and (
            conversation.reply_token_at is None or item.occurred_at >= conversation.reply_token_at
        ):
            conversation.reply_token = item.reply_token
            conversation.reply_token_at = item.occurred_at
        if item.mark_as_read_token:
            conversation.mark_as_read_token = item.mark_as_read_token
