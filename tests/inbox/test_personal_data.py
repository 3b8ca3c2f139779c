"""A friend's chat in personal-data requests: exported whole, its content erased."""

from __future__ import annotations

import json

import pytest

from inbox.models import Conversation, ConversationMessage
from segments.models import Friend
from segments.personal_data import services
from tests.inbox.helpers import FRIEND, deliver, text_event

pytestmark = pytest.mark.django_db

BYSTANDER = "U" + "b0" * 16


def test_export_and_erasure_of_a_friends_chat(account, scope):
    deliver(
        account,
        [text_event("My address is 1-2-3 Ginza"), text_event("Bystander here", user=BYSTANDER)],
    )
    friend = Friend.objects.get(account=account, line_user_id=FRIEND)
    document = services.friend_personal_data_collect(account=account, friend=friend)
    (chat,) = [s for s in document["sections"] if s["key"] == "chat_messages"]
    assert [row["text"] for row in chat["records"]] == ["My address is 1-2-3 Ginza"]
    assert "Bystander here" not in json.dumps(document, ensure_ascii=False)

    services.friend_erase(account=account, friend=friend, request=None)
    # The rows stay, anonymous and without content (counted by the Chats insights).
    conversation = Conversation.unscoped.get(account=account, friend=friend)
    assert conversation.last_message_preview == ""
    texts = {
        (m.conversation_id == conversation.pk, m.text, m.content_deleted)
        for m in ConversationMessage.unscoped.filter(account=account)
    }
    assert texts == {(True, "", True), (False, "Bystander here", False)}  # the other stays
