"""What the inbox holds about a friend, for personal-data requests (registered into
``segments.personal_data`` from ``InboxConfig.ready``): their conversation with the OA and
every message of it, both ways.

Erasure deletes the messages and the conversation: a chat is the person's own words and the
team's answers to them, with nothing anonymous worth keeping (the dashboards count messages
from the webhook's interactions, which segments' own erasure anonymises).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from inbox.models import Conversation, ConversationMessage
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
    conversations = Conversation.objects.for_account(subject.account).filter(friend=subject.friend)
    messages = ConversationMessage.objects.for_account(subject.account).filter(
        conversation__in=conversations
    )
    # Per model: the cascades (search grams, sessions, notes) are not counted as messages.
    counts = {"chat_messages": messages.delete()[1].get(ConversationMessage._meta.label, 0)}
    counts["chat_conversations"] = conversations.delete()[1].get(Conversation._meta.label, 0)
    return counts


PROVIDER = PersonalDataProvider(app="inbox", export=export, erase=erase, order=30)


def register_personal_data() -> None:
    """Join the personal-data requests (called from ``InboxConfig.ready``)."""
    register_provider(PROVIDER)
