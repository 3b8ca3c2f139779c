"""One broadcast's page: review, schedule, audience and cost, progress and results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from broadcasts import results_display, selectors
from broadcasts.audiences import audience_for
from broadcasts.forms import ReviewForm, ScheduleForm
from broadcasts.models import Broadcast
from broadcasts.results_selectors import broadcast_results
from broadcasts.services import planning, results, variants
from broadcasts.variant_selectors import broadcast_variant_results
from broadcasts.views import test_send
from broadcasts.views.common import (
    BATCHES_SHOWN,
    PRE_SEND,
    broadcast_or_404,
    detail_url,
    local_zone,
    sample_name,
)
from oa_console.line.messages import DISPLAY_NAME
from oa_console.permissions import can
from oa_console.roles import Capability
from oa_console.views._render import render_page


def detail_context(request: HttpRequest, broadcast: Broadcast, **forms) -> dict:
    local_send_at = (
        timezone.localtime(broadcast.send_at, timezone=local_zone(request))
        if broadcast.send_at
        else None
    )
    arms = variants.variant_list(broadcast=broadcast)
    context = {
        "broadcast": broadcast,
        "audience": audience_for(broadcast.audience_kind),
        "sample_name": sample_name(request),
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
        **test_send.test_send_context(request, error=forms.get("test_error", "")),
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


@require_GET
def broadcast_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = broadcast_or_404(request, broadcast_id)
    context = detail_context(request, broadcast)
    if broadcast.holdout_percent and broadcast.started_at:
        events = selectors.broadcast_event_names(broadcast=broadcast)
        chosen = request.GET.get("event") if request.GET.get("event") in events else None
        context["lift_events"] = events
        if chosen or events:
            context["lift"] = selectors.broadcast_lift(
                broadcast=broadcast, event=chosen or events[0]
            )
    target = request.htmx.target if request.htmx else None
    if target == test_send.RESULTS:
        return render_page(
            request, "broadcasts/_test_send.html", context, partials=[test_send.RESULTS]
        )
    if target == "broadcast-cost" or request.GET.get("panel") == "cost":
        context["estimate"] = planning.broadcast_estimate(broadcast=broadcast)
        context["quota"] = selectors.message_quota(account=request.account)
        context["cost_loaded"] = True
    return render_page(
        request,
        "broadcasts/broadcast_detail.html",
        context,
        partials=["broadcast-cost", "broadcast-progress", test_send.PANEL],
    )


def rerender(request: HttpRequest, broadcast: Broadcast, **forms) -> HttpResponse:
    response = render_page(
        request, "broadcasts/broadcast_detail.html", detail_context(request, broadcast, **forms)
    )
    response.status_code = 400
    return response


@require_POST
def broadcast_line_stats(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    """Fetch LINE's statistics for a sent broadcast/narrowcast (any member may refresh them)."""
    broadcast = broadcast_or_404(request, broadcast_id)
    try:
        results.broadcast_line_stats_fetch(broadcast=broadcast)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("LINE's statistics updated."))
    return redirect(detail_url(request, broadcast))
