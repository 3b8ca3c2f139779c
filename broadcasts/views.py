"""Broadcast pages: the list, the composer with its live chat preview, one broadcast (review,
schedule, audience and cost, progress, results) and its workflow actions.

Every action is a plain POST form that works without JavaScript; htmx only swaps fragments
(the preview while typing, the cost panel, the progress while sending). Who may do what is
checked here (Capability); what the state allows is the services' decision.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from broadcasts import results_display, selectors, test_send_views
from broadcasts.composer import BroadcastForm, apply_variant_action, audience_reach
from broadcasts.forms import ReviewForm, ScheduleForm
from broadcasts.messages import DISPLAY_NAME
from broadcasts.models import Broadcast
from broadcasts.results_selectors import broadcast_results
from broadcasts.services import planning, results, sending, variants, workflow
from broadcasts.services.rules import local_to_utc
from broadcasts.variant_selectors import broadcast_variant_results
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from segments.selectors.segments import segment_list

PER_PAGE = 25
BATCHES_SHOWN = 50
Status = Broadcast.Status
PRE_SEND = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED)


def _broadcast_or_404(request: HttpRequest, broadcast_id: int) -> Broadcast:
    broadcast = selectors.broadcast_get(account=request.account, broadcast_id=broadcast_id)
    if broadcast is None:
        raise Http404
    return broadcast


def _detail_url(request: HttpRequest, broadcast: Broadcast) -> str:
    return reverse(
        "broadcast_detail", args=[request.workspace.slug, request.account.slug, broadcast.pk]
    )


@require_GET
def broadcast_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    wanted = request.GET.get("status") or None
    if wanted not in (None, *Status.values):
        wanted = None
    broadcasts = selectors.broadcast_list(account=request.account, status=wanted)
    page = Paginator(broadcasts, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "broadcasts/broadcast_list.html",
        {
            "page_obj": page,
            "statuses": Status.choices,
            "wanted": wanted or "",
            "can_draft": can(request, Capability.DRAFT_BROADCASTS),
        },
    )


def _sample_name(request: HttpRequest) -> str:
    return request.user.first_name or _("Aiko")


def _composer(request: HttpRequest, broadcast: Broadcast | None) -> HttpResponse:
    require(request, Capability.DRAFT_BROADCASTS)
    account = request.account
    segments = list(segment_list(account=account))
    template = "broadcasts/broadcast_form.html"
    if request.method == "GET":
        initial = (
            BroadcastForm.initial_for(broadcast, variants.variant_list(broadcast=broadcast))
            if broadcast
            else {}
        )
        form = BroadcastForm(initial=initial, segments=segments)
        return render_page(
            request,
            template,
            {
                "form": form,
                "broadcast": broadcast,
                "previews": form.preview_sets() if broadcast else [],
                "sample_name": _sample_name(request),
                "reach": audience_reach(account=account),
            },
            partials=["broadcast-preview"],
        )
    if request.htmx and request.htmx.target == "broadcast-preview":
        # Checked first: htmx adds the last clicked submit button ("Add variant") to the form's
        # own preview requests too, and those must still answer with the preview.
        form = BroadcastForm(request.POST, request.FILES, segments=segments, account=account)
        return render_page(
            request,
            template,
            {"previews": form.preview_sets(), "sample_name": _sample_name(request)},
            partials=["broadcast-preview"],
        )
    if request.POST.get("audience_action") == "line-broadcast":
        # The audience panel's offer: all friends, clicks per link, so it goes out as one LINE
        # broadcast that reaches every friend LINE can message. Shown again, not yet saved.
        values = apply_variant_action(request.POST, "")
        values.update(audience_kind=Broadcast.AudienceKind.ALL, click_attribution="link")
        form = BroadcastForm(initial=values, segments=segments)
        return render_page(
            request,
            template,
            {
                "form": form,
                "broadcast": broadcast,
                "previews": form.preview_sets(),
                "sample_name": _sample_name(request),
                "reach": audience_reach(account=account),
                "line_broadcast_chosen": True,
            },
            partials=["broadcast-audience"],
        )
    if request.POST.get("variant_action"):
        # "Add variant" / "Remove variant": the same inputs with one variant more or less,
        # shown again (unbound, so nothing is validated or saved yet).
        form = BroadcastForm(
            initial=apply_variant_action(request.POST, request.POST["variant_action"]),
            segments=segments,
        )
        return render_page(
            request,
            template,
            {
                "form": form,
                "broadcast": broadcast,
                "previews": form.preview_sets(),
                "sample_name": _sample_name(request),
                "oob_preview": True,
                "reach": audience_reach(account=account),
            },
            partials=["broadcast-variants"],
        )
    form = BroadcastForm(request.POST, request.FILES, segments=segments, account=account)
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "goal": data["goal"],
            "messages": data["messages"],
            "audience_kind": data["audience_kind"],
            "segment_id": data["segment"],
            "demographic": data["demographic_json"],
            "track_clicks": data["track_clicks"],
            "click_attribution": data["click_attribution"],
            "repeat_weekdays": data["repeat_weekdays"],
            "holdout_percent": data["holdout_percent"] or 0,
            "variants": data["variants"],
            "variant_test_percent": data["variant_test_percent"] or 100,
        }
        try:
            if broadcast is None:
                broadcast = workflow.broadcast_create(
                    account=account, created_by=request.user, request=request, **fields
                )
                messages.success(request, _("Draft saved."))
            else:
                before = broadcast.status
                broadcast = workflow.broadcast_update(broadcast=broadcast, **fields)
                if before != broadcast.status:
                    messages.warning(
                        request, _("The broadcast changed, so it needs to be approved again.")
                    )
                else:
                    messages.success(request, _("Changes saved."))
            return redirect(_detail_url(request, broadcast))
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                target = {
                    "messages": "bubble_1_type",
                    "audience": "audience_kind",
                    "segment_id": "segment",
                    "holdout_percent": "holdout_percent",
                    "click_attribution": "click_attribution",
                    "variants": "variant_test_percent",
                }.get(field, _variant_field(field))
                for problem in problems:
                    form.add_error(target if target in form.fields else None, problem)
        except workflow.BroadcastConflict as exc:
            messages.error(request, str(exc))
            return redirect(_detail_url(request, broadcast))
    response = render_page(
        request,
        template,
        {
            "form": form,
            "broadcast": broadcast,
            "previews": form.preview_sets(),
            "sample_name": _sample_name(request),
            "reach": audience_reach(account=account),
        },
    )
    response.status_code = 400
    return response


def _variant_field(path: str) -> str:
    """The composer input of a service error path: ``variants[1].share`` → ``variant_2_share``,
    ``variants[1].messages`` → the first bubble of variant 2."""
    match = re.fullmatch(r"variants\[(\d)\]\.(name|share|messages)", path)
    if not match:
        return path
    k = int(match.group(1)) + 1
    if match.group(2) == "messages":
        return "bubble_1_type" if k == 1 else f"variant_{k}_bubble_1_type"
    return f"variant_{k}_{match.group(2)}"


@require_http_methods(["GET", "POST"])
def broadcast_new(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return _composer(request, None)


@require_http_methods(["GET", "POST"])
def broadcast_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = _broadcast_or_404(request, broadcast_id)
    if broadcast.status not in workflow.EDITABLE:
        messages.error(request, _("A broadcast that has started sending cannot be edited."))
        return redirect(_detail_url(request, broadcast))
    return _composer(request, broadcast)


def _detail_context(request: HttpRequest, broadcast: Broadcast, **forms) -> dict:
    local_send_at = (
        timezone.localtime(broadcast.send_at, timezone=_zone(request))
        if broadcast.send_at
        else None
    )
    arms = variants.variant_list(broadcast=broadcast)
    context = {
        "broadcast": broadcast,
        "sample_name": _sample_name(request),
        "preview": broadcast.messages,
        "variants": arms,
        "previews": [{"label": v.label, "messages": v.messages} for v in arms]
        or [{"label": "", "messages": broadcast.messages}],
        "ab_results": broadcast_variant_results(broadcast=broadcast)
        if arms and broadcast.started_at
        else None,
        "has_personalisation": any(DISPLAY_NAME in m.get("text", "") for m in broadcast.messages),
        "can_draft": can(request, Capability.DRAFT_BROADCASTS),
        "can_approve": can(request, Capability.APPROVE_BROADCASTS),
        "pre_send": broadcast.status in PRE_SEND,
        "review_form": forms.get("review_form") or ReviewForm(),
        "schedule_form": forms.get("schedule_form")
        or ScheduleForm(
            initial={"send_at": local_send_at.replace(tzinfo=None) if local_send_at else None}
        ),
        **test_send_views.test_send_context(request, error=forms.get("test_error", "")),
        "summary": selectors.broadcast_batch_summary(broadcast=broadcast),
        "retry": selectors.broadcast_retry(broadcast=broadcast),
        "batches": selectors.broadcast_batches(broadcast=broadcast).exclude(status="accepted")[
            :BATCHES_SHOWN
        ]
        if broadcast.status not in PRE_SEND
        else [],
        "clicks": selectors.broadcast_clicks_per_url(broadcast=broadcast)
        if broadcast.status not in PRE_SEND
        else [],
        "line_stats_available": results.line_stats_available(broadcast=broadcast),
        **_line_results_context(request, broadcast),
        "blocks": selectors.broadcast_blocks(broadcast=broadcast) if broadcast.started_at else None,
    }
    return context


def _line_results_context(request: HttpRequest, broadcast: Broadcast) -> dict:
    """LINE's figures of a sent broadcast, formatted as Insights > Broadcasts shows them."""
    if broadcast.status in PRE_SEND or not broadcast.started_at:
        return {"line_results": None}
    line = broadcast_results(broadcast=broadcast)
    fetched = (
        results_display.local_time(line.fetched_at, request.account) if line.fetched_at else ""
    )
    return {
        "line_results": line,
        "line_status": results_display.status_text(line, request.account),
        "line_summary": results_display.summary(line),
        "line_bubbles": results_display.bubble_rows(line),
        "line_urls": results_display.url_rows(line),
        "line_fetched_at": fetched,
    }


def _zone(request: HttpRequest):
    import zoneinfo

    return zoneinfo.ZoneInfo(request.account.time_zone)


@require_GET
def broadcast_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = _broadcast_or_404(request, broadcast_id)
    context = _detail_context(request, broadcast)
    if broadcast.holdout_percent and broadcast.started_at:
        events = selectors.broadcast_event_names(broadcast=broadcast)
        chosen = request.GET.get("event") if request.GET.get("event") in events else None
        context["lift_events"] = events
        if chosen or events:
            context["lift"] = selectors.broadcast_lift(
                broadcast=broadcast, event=chosen or events[0]
            )
    target = request.htmx.target if request.htmx else None
    if target == test_send_views.RESULTS:
        return render(request, "broadcasts/_test_send.html#test-friends", context)
    if target == "broadcast-cost" or request.GET.get("panel") == "cost":
        context["estimate"] = planning.broadcast_estimate(broadcast=broadcast)
        context["quota"] = selectors.message_quota(account=request.account)
        context["cost_loaded"] = True
    return render_page(
        request,
        "broadcasts/broadcast_detail.html",
        context,
        partials=["broadcast-cost", "broadcast-progress", test_send_views.PANEL],
    )


def _rerender(request: HttpRequest, broadcast: Broadcast, **forms) -> HttpResponse:
    response = render_page(
        request, "broadcasts/broadcast_detail.html", _detail_context(request, broadcast, **forms)
    )
    response.status_code = 400
    return response


def _act(request: HttpRequest, broadcast: Broadcast, action, success: str) -> HttpResponse:
    try:
        action()
    except workflow.BroadcastConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(_detail_url(request, broadcast))


@require_POST
def broadcast_submit(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.DRAFT_BROADCASTS)
    return _act(
        request,
        broadcast,
        lambda: workflow.broadcast_submit(broadcast=broadcast, user=request.user),
        _("Submitted for review."),
    )


@require_POST
def broadcast_approve(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.APPROVE_BROADCASTS)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _rerender(request, broadcast, review_form=form)
    return _act(
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


@require_POST
def broadcast_reject(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.APPROVE_BROADCASTS)
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
            return redirect(_detail_url(request, broadcast))
        else:
            messages.success(request, _("Sent back to the author as a draft."))
            return redirect(_detail_url(request, broadcast))
    return _rerender(request, broadcast, review_form=form)


@require_POST
def broadcast_schedule(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.DRAFT_BROADCASTS)
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
                return redirect(_detail_url(request, broadcast))
            else:
                if broadcast.status == Status.SCHEDULED:
                    messages.success(request, _("Scheduled."))
                else:
                    messages.success(request, _("Send time saved; it is scheduled once approved."))
                return redirect(_detail_url(request, broadcast))
    return _rerender(request, broadcast, schedule_form=form)


@require_POST
def broadcast_cancel(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.DRAFT_BROADCASTS)
    return _act(
        request,
        broadcast,
        lambda: workflow.broadcast_cancel(broadcast=broadcast, request=request),
        _("Cancelled. Nothing will be sent."),
    )


@require_POST
def broadcast_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.DRAFT_BROADCASTS)
    try:
        workflow.broadcast_delete(broadcast=broadcast)
    except workflow.BroadcastConflict as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(request, broadcast))
    messages.success(request, _("Deleted."))
    return redirect("account_broadcasts", request.workspace.slug, request.account.slug)


@require_POST
def broadcast_test(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    """Push the broadcast to the friend picked by name, or to the user's linked LINE account
    ("Send a test to me"); see broadcasts/test_send_views.py."""
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.DRAFT_BROADCASTS)
    friend = test_send_views.test_recipient(request)
    if friend is None:
        error = _("Link your LINE account first: show a code and send it to the OA.")
        return _rerender(request, broadcast, test_error=error)
    try:
        sending.broadcast_send_test(
            account=request.account,
            broadcast=broadcast,
            line_user_id=friend.line_user_id,
            display_name=_sample_name(request),
        )
    except ValidationError as exc:
        return _rerender(request, broadcast, test_error=" ".join(exc.messages))
    if request.POST.get("friend"):
        name = friend.display_name or _("the friend")
        messages.success(request, _("Test sent to %(name)s.") % {"name": name})
    else:
        messages.success(request, _("Test sent. Check LINE on your phone."))
    return redirect(test_send_views.panel_url(request, broadcast))


@require_POST
def broadcast_line_stats(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    """Fetch LINE's statistics for a sent broadcast/narrowcast (any member may refresh them)."""
    broadcast = _broadcast_or_404(request, broadcast_id)
    try:
        results.broadcast_line_stats_fetch(broadcast=broadcast)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("LINE's statistics updated."))
    return redirect(_detail_url(request, broadcast))


@require_POST
def broadcast_send_winner(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    """Create the follow-up draft that sends the chosen (or leading) variant to the friends
    who waited; it then goes through review and scheduling like any broadcast."""
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.DRAFT_BROADCASTS)
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
        return redirect(_detail_url(request, followup))
    return redirect(_detail_url(request, broadcast))
