"""What the conversations API answers: a conversation and its messages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inbox.models import Conversation, ConversationMessage
from inbox.selectors.timeline import RECEIVED, SENT, UNSENT_STATUSES


class ConversationFriendSerializer(serializers.Serializer):
    line_user_id = serializers.CharField()
    display_name = serializers.CharField()
    picture_url = serializers.CharField()


class ConversationOutputSerializer(serializers.ModelSerializer):
    friend = ConversationFriendSerializer(read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    last_message_preview = serializers.CharField(
        help_text="the beginning of the last message when it was text, else empty"
    )

    class Meta:
        model = Conversation
        fields = [
            "id",
            "friend",
            "status",
            "assignee",
            "unread_count",
            "last_message_at",
            "last_message_type",
            "last_message_direction",
            "last_message_preview",
            "last_unanswered_at",
            "created_at",
            "updated_at",
        ]


MESSAGE_STATUSES = [RECEIVED, SENT, *UNSENT_STATUSES]


class ConversationMessageOutputSerializer(serializers.Serializer):
    """A stored message, or one message of an agent's answer not sent yet (``status`` says
    which; ``id`` is null and ``answer_id`` names the answer for the latter)."""

    id = serializers.IntegerField(
        allow_null=True, help_text="the stored message's id; null for an answer not sent"
    )
    status = serializers.SerializerMethodField(
        help_text=(
            "`received`: the friend's message; `sent`: the OA's, delivered. An agent's answer "
            "not sent yet (listed after the stored messages): `queued` (on its way), "
            "`sending_reply` (LINE is being asked), `confirm_push` (the reply token is gone: "
            "waiting for a member to accept a push), `failed` (`error` says why)."
        )
    )
    answer_id = serializers.SerializerMethodField(
        help_text="the answer this message belongs to, for an answer not sent; else null"
    )
    error = serializers.SerializerMethodField(
        help_text="why the answer failed or waits (LINE's reason included); else empty"
    )
    direction = serializers.ChoiceField(choices=ConversationMessage.Direction.choices)
    message_type = serializers.ChoiceField(choices=ConversationMessage.Type.choices)
    line_message_id = serializers.CharField()
    text = serializers.CharField()
    payload = serializers.JSONField(
        help_text=(
            "LINE's message object without its id, type and text (sticker ids, emojis, a "
            "file's name and size, a location...), or a postback's data and params"
        )
    )
    sent_by = serializers.ChoiceField(
        choices=[("", ""), *ConversationMessage.SentBy.choices], allow_blank=True
    )
    occurred_at = serializers.DateTimeField(
        help_text="when it was sent or received; for an answer not sent, when it was written"
    )

    @extend_schema_field({"type": "string", "enum": [str(status) for status in MESSAGE_STATUSES]})
    def get_status(self, item) -> str:
        if isinstance(item, ConversationMessage):
            return RECEIVED if item.direction == ConversationMessage.Direction.IN else SENT
        return str(item.status)

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_answer_id(self, item) -> int | None:
        return getattr(item, "answer_id", None)

    def get_error(self, item) -> str:
        return getattr(item, "error", "")
