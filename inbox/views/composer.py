"""Answering from the conversation page: the composer, its answers on their way, the push
confirmation, and the loading animation while an agent types.

The composer (``inbox/_composer.html``, included in the conversation page) says how the answer
will go: by the free reply API while the friend's reply token is valid and unclaimed, else by
push, which needs the agent's confirmation of its cost. Every form works without JavaScript
(post, then back to the page); htmx swaps the composer in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inbox.models import Conversation, OutboundAnswer
from inbox.selectors.answers import answer_get, answers_pending, saved_reply_list
from inbox.selectors.conversations import conversation_get
from inbox.services.answers import (
    PUSH_NOT_CONFIRMED,
    AnswerRefused,
    answer_confirm_push,
    answer_create,
    answer_discard,
    answer_method,
)
from inbox.tasks import show_loading_soon
from inbox.views.composer_form import AnswerForm
from oa_console.permissions import agent_page, can, require
from oa_console.roles import Capability
from segments.models import Friend

COMPOSER = "inbox/_composer.html"


@dataclass
class Composer:
    """What ``inbox/_composer.html`` shows."""

    conversation: Conversation
    can_answer: bool
    blocked: bool
    method: str
    pending: list[OutboundAnswer] = field(default_factory=list)
    form: AnswerForm | None = None

    @property
    def polling(self) -> bool:
        """Follow the answers while one is on its way."""
        return any(
            a.status in (OutboundAnswer.Status.QUEUED, OutboundAnswer.Status.SENDING_REPLY)
            for a in self.pending
        )


def _form(request: HttpRequest, conversation: Conversation, data=None, files=None) -> AnswerForm:
    return AnswerForm(
        data,
        files,
        account=request.account,
        friend=conversation.friend,
        saved_replies=saved_reply_list(account=request.account),
    )


def composer_context(
    request: HttpRequest, conversation: Conversation, form: AnswerForm | None = None
) -> dict:
    """The composer's part of the conversation page's context."""
    account = request.account
    allowed = can(request, Capability.ANSWER_CHATS)
    return {
        "composer": Composer(
            conversation=conversation,
            can_answer=allowed,
            blocked=conversation.friend.status == Friend.Status.BLOCKED,
            method=answer_method(account=account, conversation=conversation),
            pending=answers_pending(account=account, conversation=conversation),
            form=(form or _form(request, conversation)) if allowed else None,
        )
    }


def _conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    conversation = conversation_get(account=request.account, pk=conversation_id)
    if conversation is None:
        raise Http404
    return conversation


def _page(request: HttpRequest, conversation: Conversation):
    return redirect(
        "conversation_detail",
        workspace_slug=request.workspace.slug,
        account_slug=request.account.slug,
        conversation_id=conversation.pk,
    )


def _composer(request: HttpRequest, conversation: Conversation, form=None, status: int = 200):
    return TemplateResponse(
        request, COMPOSER, composer_context(request, conversation, form), status=status
    )


@agent_page
@require_POST
def answer_send(
    request: HttpRequest, workspace_slug: str, account_slug: str, conversation_id: int
) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    require(request, Capability.ANSWER_CHATS)
    form = _form(request, conversation, request.POST, request.FILES)
    if form.is_valid():
        try:
            answer_create(
                account=request.account,
                conversation=conversation,
                messages=form.messages,
                user=request.user,
                confirm_push=form.cleaned_data["confirm_push"],
                images=form.images,
            )
        except AnswerRefused as refusal:
            form.add_error(
                "confirm_push" if refusal.code == PUSH_NOT_CONFIRMED else None, str(refusal)
            )
        except ValidationError as exc:
            form.add_error(None, exc.message_dict.get("messages", exc.messages))
        else:
            if request.htmx:
                return _composer(request, conversation)
            messages.success(request, _("Your answer is on its way."))
            return _page(request, conversation)
    if request.htmx:
        return _composer(request, conversation, form)
    # Without JavaScript: the composer on a page of its own, its errors in place.
    return TemplateResponse(
        request,
        "inbox/answer_page.html",
        {"conversation": conversation, **composer_context(request, conversation, form)},
    )


def _answer(request: HttpRequest, conversation: Conversation, answer_id: int) -> OutboundAnswer:
    answer = answer_get(account=request.account, conversation=conversation, pk=answer_id)
    if answer is None:
        raise Http404
    return answer


def _answer_action(request: HttpRequest, conversation_id: int, answer_id: int, act) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    answer = _answer(request, conversation, answer_id)
    require(request, Capability.ANSWER_CHATS)
    try:
        act(answer)
    except AnswerRefused as refusal:
        messages.error(request, str(refusal))
    if request.htmx:
        return _composer(request, conversation)
    return _page(request, conversation)


@agent_page
@require_POST
def answer_push(
    request: HttpRequest,
    workspace_slug: str,
    account_slug: str,
    conversation_id: int,
    answer_id: int,
) -> HttpResponse:
    """The agent accepts the cost of a push for an answer the reply token could not carry."""
    return _answer_action(
        request,
        conversation_id,
        answer_id,
        lambda answer: answer_confirm_push(account=request.account, answer=answer),
    )


@agent_page
@require_POST
def answer_drop(
    request: HttpRequest,
    workspace_slug: str,
    account_slug: str,
    conversation_id: int,
    answer_id: int,
) -> HttpResponse:
    """Drop an answer not sent (waiting for a push confirmation, or failed)."""
    return _answer_action(
        request,
        conversation_id,
        answer_id,
        lambda answer: answer_discard(account=request.account, answer=answer),
    )


@agent_page
@require_GET
def answer_status(
    request: HttpRequest, workspace_slug: str, account_slug: str, conversation_id: int
) -> HttpResponse:
    """The answers on their way (the composer polls it while one is being sent); without
    htmx, the conversation page that shows them."""
    conversation = _conversation(request, conversation_id)
    require(request, Capability.USE_INBOX)
    if not request.htmx:
        return _page(request, conversation)
    return TemplateResponse(
        request, f"{COMPOSER}#answer-status", composer_context(request, conversation)
    )


@agent_page
@require_POST
def typing(
    request: HttpRequest, workspace_slug: str, account_slug: str, conversation_id: int
) -> HttpResponse:
    """An agent types an answer: the friend sees LINE's loading animation (the composer asks
    at most every 15 s; a worker calls LINE)."""
    conversation = _conversation(request, conversation_id)
    require(request, Capability.ANSWER_CHATS)
    if conversation.friend.status != Friend.Status.BLOCKED:
        show_loading_soon(request.account.pk, conversation.pk)
    return HttpResponse(status=204)
