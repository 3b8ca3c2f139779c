"""What the inbox holds about a friend, for personal-data requests (registered into
``segments.personal_data`` from ``InboxConfig.ready``): their conversation with the OA and
every message of it, both ways.

Erasure deletes what was said, both ways: every message's text and LINE payload, their media
files, their search grams, the team's internal notes about the friend, and the conversation's
preview and LINE tokens. The rows stay, flagged
``content_deleted``, attached to the friend row that segments' erasure anonymises: the Chats
insights (answers by kind, response times, busiest hours) keep counting them, anonymously.
Who asked and when is the personal-data request's audit entry (``friend.erased``) and its
``FriendErasure`` row; the inbox's own counts join its summary.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import (
    AutoReplySend,
    Conversation,
    ConversationMessage,
    ConversationNote,
    MessageContent,
)
from inbox.services.retention import messages_content_delete
from segments.personal_data.registry import (
    PersonalDataProvider,
    Section,
    Subject,
    register_provider,
)


def export(subject: Subject) -> list[Section]:
    messages = (
        ConversationMessage.objects.for_account(subject.account)
        .filter(conversation__friend=subject.friend)
        .order_by("occurred_at", "id")
    )
    return [
        Section(
            "chat_messages",
            _("Chat messages with the OA"),
            [
                {
                    "direction": message.direction,
                    "type": message.message_type,
                    "text": message.text,
                    "line_message": message.payload,
                    "sent_by": message.sent_by,
                    "at": message.occurred_at,
                }
                for message in messages
            ],
        )
    ]


def erase(subject: Subject) -> dict[str, int]:
    account = subject.account
    conversations = Conversation.objects.for_account(account).filter(friend=subject.friend)
    message_ids = list(
        ConversationMessage.objects.for_account(account)
        .filter(conversation__in=conversations)
        .values_list("pk", flat=True)
    )
    media = (
        MessageContent.objects.for_account(account)
        .filter(message_id__in=message_ids)
        .exclude(storage_name="")
        .count()
    )
    counts = {
        "chat_messages": messages_content_delete(account=account, message_ids=message_ids),
        "chat_media_files": media,
    }
    counts["chat_conversations"] = conversations.update(
        last_message_preview="",
        reply_token="",
        reply_token_at=None,
        mark_as_read_token="",
        updated_at=timezone.now(),  # an open list shows the preview gone
    )
    # Auto-replies on their way or finished carry the messages sent, the friend's name in them.
    counts["chat_auto_replies"] = (
        AutoReplySend.objects.for_account(account)
        .filter(friend=subject.friend)
        .delete()[1]
        .get(AutoReplySend._meta.label, 0)
    )
    # Internal notes are what the team wrote about the friend: deleted with the rest.
    counts["chat_notes"] = (
        ConversationNote.objects.for_account(account)
        .filter(conversation__in=conversations)
        .delete()[1]
        .get(ConversationNote._meta.label, 0)
    )
    return counts


PROVIDER = PersonalDataProvider(app="inbox", export=export, erase=erase, order=30)


def register_personal_data() -> None:
    """Join the personal-data requests (called from ``InboxConfig.ready``)."""
    register_provider(PROVIDER)
