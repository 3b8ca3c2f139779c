"""Answering a conversation through the API, and the OA's saved replies.

``POST …/conversations/<id>/messages/`` writes an answer the way the composer does (1 to 5 LINE
message objects, a saved reply filled in for the friend, or both) and answers 202: a worker
sends it. It goes by the free reply API while the friend's reply token is valid and unclaimed,
else only with ``"confirm_push": true`` (push counts against the quota): without it, 409
``push_not_confirmed``; a friend who blocked the OA is 409 ``friend_blocked``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from inbox.api.conversations import ConversationMessageListApi
from inbox.models import OutboundAnswer, SavedReply
from inbox.selectors.answers import saved_reply_get, saved_reply_list
from inbox.selectors.conversations import conversation_get
from inbox.services.answers import AnswerRefused, answer_create
from inbox.services.saved_replies import (
    saved_reply_create,
    saved_reply_delete,
    saved_reply_render,
    saved_reply_update,
)
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.objects import acting_user
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability

ANSWER = Capability.ANSWER_CHATS


class AnswerConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class AnswerInputSerializer(serializers.Serializer):
    messages = serializers.JSONField(
        required=False,
        help_text="LINE message objects (text, image, sticker, coupon, flex, template), 1 to 5 "
        "with the saved reply",
    )
    saved_reply = serializers.IntegerField(
        required=False, help_text="a saved reply's id: its text, filled in, is sent first"
    )
    confirm_push = serializers.BooleanField(
        required=False,
        default=False,
        help_text="accept a push (counts against the monthly quota) when the reply token is gone",
    )


class AnswerOutputSerializer(serializers.ModelSerializer):
    messages = serializers.JSONField(help_text="the LINE message objects sent, variables filled in")
    sent_by_user = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)

    class Meta:
        model = OutboundAnswer
        fields = [
            "id",
            "status",
            "method",
            "push_confirmed",
            "messages",
            "sent_by_user",
            "error",
            "created_at",
            "sent_at",
        ]


class ConversationMessagesApi(ConversationMessageListApi):
    """The conversation's messages (GET, read) and answering it (POST)."""

    @extend_schema(
        request=AnswerInputSerializer,
        responses={202: AnswerOutputSerializer},
        summary="Answer a conversation",
        description=operation_description(
            "Writes an answer to the conversation's friend; a worker sends it, exactly once: by "
            "the free reply API while the friend's reply token is valid and unused, else by "
            "push, which counts against the monthly quota and needs `confirm_push`.",
            returns="202 and the answer (`id`, `status` queued, `method` reply or push).",
            capability=ANSWER,
            errors=[
                (
                    400,
                    "no messages, invalid messages (`fields.messages` says which and why), "
                    "or an unknown `saved_reply`.",
                ),
                (404, "no conversation with this id in the OA."),
                (
                    409,
                    "`friend_blocked`: the friend blocked the OA; `push_not_confirmed`: the "
                    "reply token is gone and `confirm_push` was not true.",
                ),
            ],
        ),
    )
    def post(self, request, account_id: int, conversation_id: int):
        conversation = conversation_get(account=self.account, pk=conversation_id)
        if conversation is None:
            raise Http404
        self.require(ANSWER)
        body = AnswerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        messages = data.get("messages", [])
        if not isinstance(messages, list):
            raise ValidationError(
                {"messages": [_("Messages must be a list of LINE message objects.")]}
            )
        if "saved_reply" in data:
            reply = saved_reply_get(account=self.account, pk=data["saved_reply"])
            if reply is None:
                raise ValidationError(
                    {"saved_reply": [_("No saved reply with this id in the OA.")]}
                )
            text = saved_reply_render(text=reply.text, friend=conversation.friend)
            messages = [{"type": "text", "text": text}, *messages]
        try:
            answer = answer_create(
                account=self.account,
                conversation=conversation,
                messages=messages,
                user=acting_user(request),
                confirm_push=data["confirm_push"],
            )
        except AnswerRefused as refusal:
            raise AnswerConflict(str(refusal), code=refusal.code) from refusal
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(AnswerOutputSerializer(answer).data, status=status.HTTP_202_ACCEPTED)


class SavedReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedReply
        fields = ["id", "name", "text", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness is the service's to say (one message, on ``name``).
        validators: list = []


def _saved(call):
    try:
        return call()
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


class SavedReplyListApi(AccountApiView):
    pagination_class = StandardPagination
    agent_allowed = True

    @extend_schema(
        responses=SavedReplySerializer(many=True),
        summary="List saved replies",
        description=operation_description(
            "The OA's saved replies, by name.",
            returns="a page (`count`, `next`, `previous`, `results`) of saved replies.",
            capability=Capability.USE_INBOX,
        ),
    )
    def get(self, request, account_id: int):
        self.require(Capability.USE_INBOX)
        page = self.paginate(saved_reply_list(account=self.account))
        return self.paginated_response(SavedReplySerializer(page, many=True).data)

    @extend_schema(
        request=SavedReplySerializer,
        responses={201: SavedReplySerializer},
        summary="Create a saved reply",
        description=operation_description(
            "A text agents answer with; `{displayName}` and `{<attribute key>}` are filled in "
            "for the friend answered.",
            returns="201 and the saved reply.",
            capability=ANSWER,
            errors=[(400, "an empty or taken `name`, an empty `text` or an unknown variable.")],
        ),
    )
    def post(self, request, account_id: int):
        self.require(ANSWER)
        body = SavedReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reply = _saved(lambda: saved_reply_create(account=self.account, **body.validated_data))
        return Response(SavedReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class SavedReplyDetailApi(AccountApiView):
    agent_allowed = True

    def _reply(self, reply_id: int) -> SavedReply:
        reply = saved_reply_get(account=self.account, pk=reply_id)
        if reply is None:
            raise Http404
        return reply

    @extend_schema(
        responses=SavedReplySerializer,
        summary="Get a saved reply",
        description=operation_description(
            "One saved reply.",
            returns="the saved reply.",
            capability=Capability.USE_INBOX,
            errors=[(404, "no saved reply with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, reply_id: int):
        reply = self._reply(reply_id)
        self.require(Capability.USE_INBOX)
        return Response(SavedReplySerializer(reply).data)

    @extend_schema(
        request=SavedReplySerializer,
        responses=SavedReplySerializer,
        summary="Change a saved reply",
        description=operation_description(
            "Replaces the name and text (PATCH: the ones given).",
            returns="the saved reply.",
            capability=ANSWER,
            errors=[
                (400, "an empty or taken `name`, an empty `text` or an unknown variable."),
                (404, "no saved reply with this id in the OA."),
            ],
        ),
    )
    def put(self, request, account_id: int, reply_id: int):
        return self._change(request, reply_id, partial=False)

    @extend_schema(
        request=SavedReplySerializer,
        responses=SavedReplySerializer,
        summary="Change part of a saved reply",
        description=operation_description(
            "Changes the name or text given.",
            returns="the saved reply.",
            capability=ANSWER,
            errors=[
                (400, "an empty or taken `name`, an empty `text` or an unknown variable."),
                (404, "no saved reply with this id in the OA."),
            ],
        ),
    )
    def patch(self, request, account_id: int, reply_id: int):
        return self._change(request, reply_id, partial=True)

    def _change(self, request, reply_id: int, *, partial: bool):
        reply = self._reply(reply_id)
        self.require(ANSWER)
        body = SavedReplySerializer(reply, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = {"name": reply.name, "text": reply.text, **body.validated_data}
        reply = _saved(
            lambda: saved_reply_update(reply=reply, name=data["name"], text=data["text"])
        )
        return Response(SavedReplySerializer(reply).data)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Delete a saved reply",
        description=operation_description(
            "Deletes the saved reply (answers sent with it stay as they were).",
            returns="204, no body.",
            capability=ANSWER,
            errors=[(404, "no saved reply with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, reply_id: int):
        reply = self._reply(reply_id)
        self.require(ANSWER)
        saved_reply_delete(reply=reply)
        return Response(status=status.HTTP_204_NO_CONTENT)
