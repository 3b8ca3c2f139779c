"""Team work on a conversation through the API: assign, set the status, read and write notes.

Agents may call these (``agent_allowed``); viewers read notes but change nothing. Refusals in
the API's order: 404 for another OA's conversation, 403 for a read-only role, 400 naming the
field.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from inbox.api.output import ConversationOutputSerializer
from inbox.models import Conversation, ConversationNote
from inbox.selectors.conversations import conversation_get
from inbox.selectors.team import conversation_notes, inbox_members
from inbox.services.assignment import (
    ROUND_ROBIN,
    conversation_assign,
    conversation_assign_round_robin,
)
from inbox.services.notes import NOTE_MAX_LENGTH, note_create
from inbox.services.statuses import conversation_status_set
from inbox.team_roles import role_works_chats
from oa_console.api.base import AccountApiView
from oa_console.api.objects import acting_user, object_schema
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability

USE = Capability.USE_INBOX
MISSING = (404, "no conversation with this id in the OA.")
READ_ONLY = (403, "a viewer (read-only) or a role without the inbox.")


class NoteOutputSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    text = serializers.CharField()
    mentions = serializers.SerializerMethodField(help_text="e-mail addresses of those mentioned")

    class Meta:
        model = ConversationNote
        fields = ["id", "author", "text", "mentions", "created_at"]

    def get_mentions(self, note) -> list[str]:
        return sorted(mention.user.email for mention in note.mentions.all())


class AssignInput(serializers.Serializer):
    assignee = serializers.JSONField(
        allow_null=True,
        help_text="a member's id, `round_robin` (the next available member), or null (nobody)",
    )


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Conversation.Status.values)


class NoteInput(serializers.Serializer):
    text = serializers.CharField(max_length=NOTE_MAX_LENGTH)


def _member_id(value) -> int | None:
    """A member id given as a number or a string of digits (JSON clients differ)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class _TeamApi(AccountApiView):
    agent_allowed = True

    def conversation(self, conversation_id: int, *, writes: bool) -> Conversation:
        found = conversation_get(account=self.account, pk=conversation_id)
        if found is None:
            raise Http404
        self.require(USE)
        if writes and not role_works_chats(self.grant.role):
            raise PermissionDenied(_("Viewers read chats; they cannot change them."))
        return found

    def body(self, serializer_class: type[serializers.Serializer]) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, conversation: Conversation) -> Response:
        fresh = conversation_get(account=self.account, pk=conversation.pk)
        return Response(ConversationOutputSerializer(fresh).data)


class ConversationAssignApi(_TeamApi):
    @object_schema(
        missing=MISSING,
        summary="Assign a conversation",
        what="Assign the conversation to a member who may answer this OA's chats, to the next "
        "available member (`round_robin`: the one whose last assignment here is the oldest), "
        "or to nobody (null).",
        returns="the conversation.",
        responses=ConversationOutputSerializer,
        request=AssignInput,
        capability=USE,
        errors=[
            READ_ONLY,
            (
                400,
                "`assignee` is not a member who may answer this OA's chats, or nobody is "
                "available for `round_robin`.",
            ),
        ],
    )
    def post(self, request, account_id: int, conversation_id: int):
        conversation = self.conversation(conversation_id, writes=True)
        wanted = self.body(AssignInput)["assignee"]
        if wanted == ROUND_ROBIN:
            if (
                conversation_assign_round_robin(account=self.account, conversation=conversation)
                is None
            ):
                raise ValidationError(
                    {"assignee": [_("Nobody who may answer this OA's chats is available.")]}
                )
            return self.answer(conversation)
        if wanted is None:
            conversation_assign(account=self.account, conversation=conversation, user=None)
            return self.answer(conversation)
        members = {user.pk: user for user in inbox_members(account=self.account)}
        user = members.get(_member_id(wanted))
        if user is None:
            raise ValidationError({"assignee": [_("Not a member who may answer this OA's chats.")]})
        conversation_assign(account=self.account, conversation=conversation, user=user)
        return self.answer(conversation)


class ConversationStatusApi(_TeamApi):
    @object_schema(
        missing=MISSING,
        summary="Set a conversation's status",
        what="new, open, waiting (on the friend) or resolved. Resolving ends the conversation's "
        "session (its resolution time); a friend's next message reopens it.",
        returns="the conversation.",
        responses=ConversationOutputSerializer,
        request=StatusInput,
        capability=USE,
        errors=[READ_ONLY, (400, "an unknown `status`.")],
    )
    def post(self, request, account_id: int, conversation_id: int):
        conversation = self.conversation(conversation_id, writes=True)
        wanted = self.body(StatusInput)["status"]
        conversation_status_set(account=self.account, conversation=conversation, status=wanted)
        return self.answer(conversation)


class ConversationNotesApi(_TeamApi):
    pagination_class = StandardPagination

    @object_schema(
        missing=MISSING,
        summary="List a conversation's internal notes",
        what="The team's notes on the conversation, oldest first (never sent to LINE).",
        returns="a page (`count`, `next`, `previous`, `results`) of notes.",
        responses=NoteOutputSerializer(many=True),
        request=None,
        capability=USE,
    )
    def get(self, request, account_id: int, conversation_id: int):
        conversation = self.conversation(conversation_id, writes=False)
        notes = conversation_notes(conversation=conversation).prefetch_related("mentions__user")
        page = self.paginate(notes)
        return self.paginated_response(NoteOutputSerializer(page, many=True).data)

    @object_schema(
        missing=MISSING,
        summary="Write an internal note",
        what="A note on the conversation; `@` followed by a member's e-mail, full name or first "
        "name mentions them (they see it under the inbox's mentions filter).",
        returns="the note.",
        responses={201: NoteOutputSerializer},
        request=NoteInput,
        capability=USE,
        errors=[READ_ONLY, (400, "an empty or overlong `text`.")],
    )
    def post(self, request, account_id: int, conversation_id: int):
        conversation = self.conversation(conversation_id, writes=True)
        text = self.body(NoteInput)["text"]
        note = note_create(
            account=self.account,
            conversation=conversation,
            author=acting_user(request),
            text=text,
        )
        fresh = (
            conversation_notes(conversation=conversation)
            .prefetch_related("mentions__user")
            .get(pk=note.pk)
        )
        return Response(NoteOutputSerializer(fresh).data, status=status.HTTP_201_CREATED)
