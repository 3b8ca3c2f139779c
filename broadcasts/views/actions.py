"""A broadcast's workflow actions: plain POST forms answered with a redirect (or the page again
with the refused form)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from broadcasts.forms import ReviewForm, ScheduleForm
from broadcasts.models import Broadcast
from broadcasts.services import sending, variants, workflow
from broadcasts.views import test_send
from broadcasts.views.common import (
    Status,
    broadcast_post,
    detail_url,
    sample_name,
)
from broadcasts.views.detail import rerender
from oa_console.roles import Capability
from segments.services.sending_rules import local_to_utc


def act(request: HttpRequest, broadcast: Broadcast, action, success: str) -> HttpResponse:
    try:
        action()
    except workflow.BroadcastConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(detail_url(request, broadcast))


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_submit(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    return act(
        request,
        broadcast,
        lambda: workflow.broadcast_submit(broadcast=broadcast, user=request.user),
        _("Submitted for review."),
    )


@broadcast_post(Capability.APPROVE_BROADCASTS)
def broadcast_approve(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return rerender(request, broadcast, review_form=form)
    return act(
        request,
        broadcast,
        lambda: workflow.broadcast_approve(
            broadcast=broadcast,
            user=request.user,
            comment=form.cleaned_data["comment"],
            request=request,
        ),
        _("Approved."),
    )


@broadcast_post(Capability.APPROVE_BROADCASTS)
def broadcast_reject(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            workflow.broadcast_reject(
                broadcast=broadcast, user=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            form.add_error("comment", " ".join(exc.messages))
        except workflow.BroadcastConflict as exc:
            messages.error(request, str(exc))
            return redirect(detail_url(request, broadcast))
        else:
            messages.success(request, _("Sent back to the author as a draft."))
            return redirect(detail_url(request, broadcast))
    return rerender(request, broadcast, review_form=form)


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_schedule(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    form = ScheduleForm(request.POST)
    send_now = "send_now" in request.POST
    if form.is_valid():
        local = form.cleaned_data["send_at"]
        if local is None and not send_now:
            form.add_error("send_at", _("Choose a date and time, or send now."))
        else:
            try:
                send_at = None if send_now else local_to_utc(account=request.account, local=local)
                broadcast = workflow.broadcast_schedule(broadcast=broadcast, send_at=send_at)
            except ValidationError as exc:
                form.add_error("send_at", " ".join(exc.messages))
            except workflow.BroadcastConflict as exc:
                messages.error(request, str(exc))
                return redirect(detail_url(request, broadcast))
            else:
                if broadcast.status == Status.SCHEDULED:
                    messages.success(request, _("Scheduled."))
                else:
                    messages.success(request, _("Send time saved; it is scheduled once approved."))
                return redirect(detail_url(request, broadcast))
    return rerender(request, broadcast, schedule_form=form)


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_cancel(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    return act(
        request,
        broadcast,
        lambda: workflow.broadcast_cancel(broadcast=broadcast, request=request),
        _("Cancelled. Nothing will be sent."),
    )


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_delete(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    try:
        workflow.broadcast_delete(broadcast=broadcast)
    except workflow.BroadcastConflict as exc:
        messages.error(request, str(exc))
        return redirect(detail_url(request, broadcast))
    messages.success(request, _("Deleted."))
    return redirect("account_broadcasts", request.workspace.slug, request.account.slug)


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_test(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    """Push the broadcast to the friend picked by name, or to the user's linked LINE account
    ("Send a test to me"); see broadcasts/test_send.py."""
    friend = test_send.test_recipient(request)
    if friend is None:
        error = _("Link your LINE account first: show a code and send it to the OA.")
        return rerender(request, broadcast, test_error=error)
    try:
        sending.broadcast_send_test(
            account=request.account,
            broadcast=broadcast,
            line_user_id=friend.line_user_id,
            display_name=sample_name(request),
        )
    except ValidationError as exc:
        return rerender(request, broadcast, test_error=" ".join(exc.messages))
    if request.POST.get("friend"):
        name = friend.display_name or _("the friend")
        messages.success(request, _("Test sent to %(name)s.") % {"name": name})
    else:
        messages.success(request, _("Test sent. Check LINE on your phone."))
    return redirect(test_send.panel_url(request, broadcast))


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_send_winner(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    """Create the follow-up draft that sends the chosen (or leading) variant to the friends
    who waited; it then goes through review and scheduling like any broadcast."""
    raw = request.POST.get("variant") or ""
    try:
        followup = variants.broadcast_send_winner(
            account=request.account,
            broadcast=broadcast,
            user=request.user,
            variant_id=int(raw) if raw.isdigit() else None,
        )
    except variants.WinnerConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Follow-up draft created: submit it for review to send the winner to the rest."),
        )
        return redirect(detail_url(request, followup))
    return redirect(detail_url(request, broadcast))
