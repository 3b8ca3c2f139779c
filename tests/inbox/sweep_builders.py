"""The inbox's objects for the tenant-isolation sweep (``tests.oa_console.tenant_world``):
each builder creates one inside the given tenant."""

from __future__ import annotations

from django.utils import timezone


def build_conversation(workspace, account):
    from inbox.models import Conversation, ConversationMessage
    from tests.segments.factories import FriendFactory

    friend = FriendFactory(account=account)  # another than build_friend's (one row per id)
    conversation = Conversation.unscoped.create(account=account, friend=friend, unread_count=1)
    conversation.sweep_message = ConversationMessage.unscoped.create(
        account=account,
        conversation=conversation,
        direction="in",
        message_type="text",
        text="hello",
        occurred_at=timezone.now(),
    )
    return conversation


def build_answer(workspace, account):
    from inbox.models import OutboundAnswer

    return OutboundAnswer.unscoped.create(
        account=account,
        conversation=build_conversation(workspace, account),
        messages=[{"type": "text", "text": "hi"}],
        method="push",
        status="confirm_push",
    )


def build_saved_reply(workspace, account):
    from inbox.models import SavedReply

    return SavedReply.unscoped.create(account=account, name="Thanks", text="Thank you!")
