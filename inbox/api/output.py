"""What the conversations API answers: a conversation and its messages."""

from __future__ import annotations

from rest_framework import serializers

from inbox.models import Conversation, ConversationMessage


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


class ConversationMessageOutputSerializer(serializers.ModelSerializer):
    payload = serializers.JSONField(
        help_text=(
            "LINE's message object without its id, type and text (sticker ids, emojis, a "
            "file's name and size, a location...), or a postback's data and params"
        )
    )

    class Meta:
        model = ConversationMessage
        fields = [
            "id",
            "direction",
            "message_type",
            "line_message_id",
            "text",
            "payload",
            "sent_by",
            "occurred_at",
        ]
