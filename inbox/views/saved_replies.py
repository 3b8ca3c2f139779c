"""The OA's saved replies: a paginated list, a form to write or edit one, and delete.

Every member who may answer chats may keep them (agents write the answers they repeat);
others read the list.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from inbox.models import SavedReply
from inbox.selectors.answers import saved_reply_get, saved_reply_list
from inbox.services.saved_replies import (
    MAX_TEXT,
    saved_reply_create,
    saved_reply_delete,
    saved_reply_update,
    saved_reply_variables,
)
from oa_console.permissions import agent_page, can, require
from oa_console.roles import Capability

PER_PAGE = 50


class SavedReplyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _list(request: HttpRequest):
    return redirect(
        "saved_reply_list",
        workspace_slug=request.workspace.slug,
        account_slug=request.account.slug,
    )


@agent_page
@require_http_methods(["GET"])
def saved_reply_list_page(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    require(request, Capability.USE_INBOX)
    page = Paginator(saved_reply_list(account=request.account), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inbox/saved_replies.html",
        {"page_obj": page, "can_edit": can(request, Capability.ANSWER_CHATS)},
    )


def _form_page(request: HttpRequest, reply: SavedReply | None) -> HttpResponse:
    require(request, Capability.ANSWER_CHATS)
    account = request.account
    initial = {"name": reply.name, "text": reply.text} if reply else None
    form = SavedReplyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if reply is None:
                saved_reply_create(account=account, name=data["name"], text=data["text"])
            else:
                saved_reply_update(reply=reply, name=data["name"], text=data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved reply “%(name)s” saved.") % {"name": data["name"]})
            return _list(request)
    return render(
        request,
        "inbox/saved_reply_form.html",
        {
            "form": form,
            "reply": reply,
            "variables": [f"{{{name}}}" for name in saved_reply_variables(account=account)],
        },
    )


def _reply(request: HttpRequest, reply_id: int) -> SavedReply:
    reply = saved_reply_get(account=request.account, pk=reply_id)
    if reply is None:
        raise Http404
    return reply


@agent_page
@require_http_methods(["GET", "POST"])
def saved_reply_create_page(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    return _form_page(request, None)


@agent_page
@require_http_methods(["GET", "POST"])
def saved_reply_edit_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, reply_id: int
) -> HttpResponse:
    return _form_page(request, _reply(request, reply_id))


@agent_page
@require_POST
def saved_reply_delete_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, reply_id: int
) -> HttpResponse:
    reply = _reply(request, reply_id)
    require(request, Capability.ANSWER_CHATS)
    saved_reply_delete(reply=reply)
    messages.success(request, _("Saved reply “%(name)s” deleted.") % {"name": reply.name})
    return _list(request)
