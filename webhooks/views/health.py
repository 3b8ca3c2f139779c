"""The OA's webhook health page: connection status, processing state, chart, recent events."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oa_console.charts import figure_html
from oa_console.csv_download import csv_response
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from webhooks import charts, selectors, services

# The status section polls itself (its own id is the htmx target).
HEALTH_PARTIALS = ("webhook-status",)


@require_GET
def webhook_health(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    account = request.account
    zone = ZoneInfo(account.time_zone)
    today = timezone.now().astimezone(zone).date()
    days = selectors.HEALTH_WINDOW_DAYS
    rows = selectors.webhook_event_daily_counts(account=account, days=days, today=today)
    if request.GET.get("download") == "csv":
        header, table = charts.events_per_day_table(rows, days=days, today=today)
        return csv_response(header, table, filename=f"{account.slug}-webhook-events-{today}.csv")
    context = {
        "health": selectors.webhook_health(account=account),
        "recent": selectors.webhook_event_recent(account=account, limit=50),
        "may_operate": can(request, Capability.OPERATE_WEBHOOK),
        "days": days,
    }
    if not (request.htmx and request.htmx.target in HEALTH_PARTIALS):  # fragments have no chart
        figure = charts.events_per_day_figure(
            rows, days=days, today=today, title=_("Events per day by type"), y_title=_("Events")
        )
        # figure_html escapes the JSON like json_script: event types LINE sends cannot break out.
        context["chart"] = mark_safe(figure_html(figure, div_id="webhook-events-chart"))
        context["has_events"] = bool(rows)
    return render_page(request, "webhooks/health.html", context, partials=HEALTH_PARTIALS)


@require_GET
def webhook_event_raw(
    request: HttpRequest, workspace_slug: str, account_slug: str, event_id: int
) -> HttpResponse:
    event = selectors.webhook_event_get(account=request.account, event_id=event_id)
    if event is None:
        raise Http404
    # The raw link targets ``#raw-<pk>``, an id per row: the fragment is named, not whitelisted.
    return render_page(
        request,
        "webhooks/event_raw.html",
        {"event": event, "raw": selectors.webhook_event_payload_pretty(event=event)},
        fragment="raw",
    )


@require_POST
def webhook_reprocess_failed(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    require(request, Capability.OPERATE_WEBHOOK)
    count = services.webhook_events_reprocess_failed(account=request.account)
    if count:
        messages.success(
            request,
            _("%(count)d failed events were queued for processing again.") % {"count": count},
        )
    else:
        messages.info(request, _("There were no failed events to reprocess."))
    return redirect("webhook_health", workspace_slug=workspace_slug, account_slug=account_slug)


@require_POST
def webhook_send_test_event(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    require(request, Capability.OPERATE_WEBHOOK)
    try:
        outcome = services.webhook_test_event_send(account=request.account)
    except ValueError:
        messages.error(
            request,
            _(
                "No verified request has arrived from LINE yet, so the bot user ID is unknown. Press "
                "“Verify” in the LINE Developers Console first, or enter the bot user ID in OA settings."
            ),
        )
    else:
        if outcome.status == 200:
            messages.success(
                request,
                _(
                    "A signed test event was accepted and stored. It is listed below as skipped: it "
                    "creates no friend or interaction."
                ),
            )
        else:
            messages.error(
                request,
                _("The test event was refused with HTTP %(status)d (%(detail)s).")
                % {"status": outcome.status, "detail": outcome.detail},
            )
    return redirect("webhook_health", workspace_slug=workspace_slug, account_slug=account_slug)
