"""Conversations of an OA and their messages (read): the inbox's API.

Agents may call these (``agent_allowed``), as they may open the inbox pages.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError

from inbox.api.output import ConversationMessageOutputSerializer, ConversationOutputSerializer
from inbox.models import Conversation
from inbox.selectors.conversations import (
    ASSIGNEE_ME,
    ASSIGNEE_NONE,
    ConversationFilters,
    conversation_get,
    conversation_list,
)
from inbox.selectors.search import QUERY_MAX_LENGTH, conversation_search
from inbox.selectors.timeline import conversation_timeline
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.objects import acting_user
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability
from segments.selectors.tags import tag_choices

USE = Capability.USE_INBOX


class ConversationListApi(AccountApiView):
    pagination_class = StandardPagination
    agent_allowed = True

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, enum=Conversation.Status.values, description="only this status"
            ),
            OpenApiParameter(
                "assignee",
                str,
                enum=[ASSIGNEE_ME, ASSIGNEE_NONE],
                description="`me`: assigned to the calling member; `none`: to nobody",
            ),
            OpenApiParameter("tag", int, description="only friends with this tag (its id)"),
            OpenApiParameter(
                "mentions",
                bool,
                description="`true`: only conversations whose notes mention the calling member "
                "and that they have not opened since",
            ),
            OpenApiParameter(
                "q",
                str,
                description="search: the friend's name or any message's text holds it (any "
                "script: Japanese, Chinese and Thai too; case and full-width letters ignored)",
            ),
        ],
        responses=ConversationOutputSerializer(many=True),
        summary="List conversations",
        description=operation_description(
            "The OA's conversations (one per friend who wrote to it), the most recent message "
            "first, optionally only one `status` (new, open, waiting, resolved), `assignee`, "
            "friend's `tag`, unread `mentions` of the caller, or those matching the search `q`; "
            "the filters combine.",
            returns="a page (`count`, `next`, `previous`, `results`) of conversations.",
            capability=USE,
            errors=[
                (
                    400,
                    "an unknown `status`, `assignee` or `tag`, `assignee=me` or `mentions` with "
                    "an API key, or a `q` over 100 characters or with a NUL character.",
                ),
            ],
        ),
    )
    def get(self, request, account_id: int):
        self.require(USE)
        params = request.query_params
        status = params.get("status") or ""
        if status and status not in Conversation.Status.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        assignee = params.get("assignee") or ""
        if assignee and assignee not in (ASSIGNEE_ME, ASSIGNEE_NONE):
            raise ValidationError({"assignee": [_("Use “me” or “none”.")]})
        user = acting_user(request)
        if assignee == ASSIGNEE_ME and user is None:
            raise ValidationError(
                {"assignee": [_("An API key is not a member: “me” names nobody.")]}
            )
        filters = ConversationFilters(
            status=status,
            assignee=assignee,
            user=user,
            tag_id=self._tag_id(params.get("tag") or ""),
            mentions=self._mentions(params.get("mentions") or "", user),
            **self._search(params.get("q") or ""),
        )
        page = self.paginate(conversation_list(account=self.account, filters=filters))
        return self.paginated_response(ConversationOutputSerializer(page, many=True).data)

    def _tag_id(self, value: str) -> int | None:
        if not value:
            return None
        tag = int(value) if value.isdigit() else None
        if tag is None or tag not in {pk for pk, _name in tag_choices(account=self.account)}:
            raise ValidationError({"tag": [_("No tag with this id in the OA.")]})
        return tag

    def _mentions(self, value: str, user) -> bool:
        if value not in ("", "true", "false"):
            raise ValidationError({"mentions": [_("Use “true” or “false”.")]})
        if value == "true" and user is None:
            raise ValidationError(
                {"mentions": [_("An API key is not a member: nobody is mentioned.")]}
            )
        return value == "true"

    def _search(self, value: str) -> dict:
        query = value.strip()
        if len(query) > QUERY_MAX_LENGTH:
            raise ValidationError(
                {"q": [_("Search for at most %(count)d characters.") % {"count": QUERY_MAX_LENGTH}]}
            )
        if "\x00" in query:
            # What the page's form field refuses too: PostgreSQL cannot hold NUL in a string.
            raise ValidationError({"q": [_("Null characters are not allowed.")]})
        if not query:
            return {}
        return {"query": query, "hits": conversation_search(accounts=[self.account], query=query)}


class ConversationMessageListApi(AccountApiView):
    pagination_class = StandardPagination
    agent_allowed = True

    @extend_schema(
        responses=ConversationMessageOutputSerializer(many=True),
        summary="List a conversation's messages",
        description=operation_description(
            "The conversation's messages in LINE's order (oldest first), both ways: the "
            "friend's (`direction` in, `status` received) and the OA's (`direction` out, "
            "`status` sent, with `sent_by`); then, as the conversation page shows them, the "
            "messages of agents' answers not sent yet, in the order they were written: "
            "`status` queued, sending_reply, confirm_push or failed (with `error`), `id` null "
            "and `answer_id` naming the answer (confirm its push or drop it on the page).",
            returns="a page (`count`, `next`, `previous`, `results`) of messages; the answers "
            "not sent come last, on the last page.",
            capability=USE,
            errors=[(404, "no conversation with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, conversation_id: int):
        conversation = conversation_get(account=self.account, pk=conversation_id)
        if conversation is None:
            raise Http404
        self.require(USE)
        page = self.paginate(conversation_timeline(conversation=conversation))
        return self.paginated_response(ConversationMessageOutputSerializer(page, many=True).data)
