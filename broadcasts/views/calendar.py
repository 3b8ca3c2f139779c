"""The content calendar (week and month of planned and sent broadcasts) with drag to
reschedule, and the OA's sending-rules page."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from broadcasts import selectors
from broadcasts.forms import SendingRulesForm
from broadcasts.models import Broadcast
from broadcasts.services import workflow
from broadcasts.services.aggregation import aggregation_unit_usage
from broadcasts.views.common import broadcast_post
from oa_console.permissions import can, require
from oa_console.query_fields import QueryDateField, date_in_range
from oa_console.roles import Capability
from oa_console.views._render import render_page
from segments.services.sending_rules import local_to_utc, sending_rules_get, sending_rules_update

DEFAULT_TIME = time(10, 0)  # a draft dragged onto a day with no time yet goes out at 10:00
MOVABLE = ("draft", "in_review", "approved", "scheduled")


def _range(view: str, anchor: date) -> tuple[date, date]:
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=7)
    first = anchor.replace(day=1)
    start = first - timedelta(days=first.weekday())
    next_month = (first + timedelta(days=32)).replace(day=1)
    end = next_month + timedelta(days=(7 - next_month.weekday()) % 7)
    return start, end


class CalendarQueryForm(forms.Form):
    """``?view=month|week&date=YYYY-MM-DD``. A date the calendar cannot show (not a date, or
    out of range: year 9999 overflowed computing the next month) is ignored with a notice,
    and the calendar opens on today, as it does without one."""

    view = forms.ChoiceField(choices=[("month", "month"), ("week", "week")], required=False)
    date = QueryDateField()


def _calendar_query(request: HttpRequest, today: date) -> tuple[str, date]:
    form = CalendarQueryForm(request.GET)
    form.is_valid()
    if "date" in form.errors:
        messages.warning(
            request,
            _("That date cannot be shown: %(error)s The calendar shows today.")
            % {"error": " ".join(form.errors["date"])},
        )
    view = form.cleaned_data.get("view") or "month"
    return view, form.cleaned_data.get("date") or today


def _calendar_context(request: HttpRequest) -> dict:
    zone = zoneinfo.ZoneInfo(request.account.time_zone)
    view, anchor = _calendar_query(request, datetime.now(zone).date())
    start, end = _range(view, anchor)
    broadcasts = selectors.broadcast_list(
        account=request.account,
        start=datetime.combine(start, time.min, zone),
        end=datetime.combine(end, time.min, zone),
    ).exclude(status="cancelled")
    by_day: dict[date, list] = {}
    for broadcast in broadcasts.order_by("send_at"):
        by_day.setdefault(broadcast.send_at.astimezone(zone).date(), []).append(broadcast)
    days = [start + timedelta(days=n) for n in range((end - start).days)]
    step = timedelta(days=7) if view == "week" else timedelta(days=31)
    previous_anchor = (anchor - step).replace(day=1) if view == "month" else anchor - step
    next_anchor = (
        (anchor.replace(day=1) + step).replace(day=1) if view == "month" else anchor + step
    )
    return {
        "view": view,
        "anchor": anchor,
        "days": [
            {"date": day, "items": by_day.get(day, []), "in_month": day.month == anchor.month}
            for day in days
        ],
        "previous_anchor": previous_anchor,
        "next_anchor": next_anchor,
        "can_draft": can(request, Capability.DRAFT_BROADCASTS),
        "movable": MOVABLE,
    }


@require_GET
def broadcast_calendar(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    return render_page(
        request,
        "broadcasts/calendar.html",
        _calendar_context(request),
        partials=["calendar-grid"],
    )


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_reschedule(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    """Drop on a day: same local time of day on the new date (10:00 when none was set)."""
    zone = zoneinfo.ZoneInfo(request.account.time_zone)
    error = ""
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        error = _("Choose a day on the calendar.")
    else:
        if not date_in_range(day):
            error = _("Choose a day on the calendar.")
    if not error:
        at = broadcast.send_at.astimezone(zone).time() if broadcast.send_at else DEFAULT_TIME
        try:
            send_at = local_to_utc(account=request.account, local=datetime.combine(day, at))
            workflow.broadcast_schedule(broadcast=broadcast, send_at=send_at)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except workflow.BroadcastConflict as exc:
            error = str(exc)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("“%(name)s” moved to %(day)s.") % {"name": broadcast.name, "day": day}
        )
    if request.htmx:
        response = render_page(
            request,
            "broadcasts/calendar.html",
            _calendar_context(request),
            partials=["calendar-grid"],
        )
        if error:
            response.status_code = 400
        return response
    calendar_url = reverse(
        "broadcast_calendar", args=[request.workspace.slug, request.account.slug]
    )
    return redirect(f"{calendar_url}?date={day}" if not error else calendar_url)


@require_http_methods(["GET", "POST"])
def broadcast_settings(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    rules = sending_rules_get(account=request.account)
    can_edit = can(request, Capability.APPROVE_BROADCASTS)
    form = SendingRulesForm(request.POST or None, instance=rules)
    if request.method == "POST":
        require(request, Capability.APPROVE_BROADCASTS)
        if form.is_valid():
            try:
                sending_rules_update(account=request.account, **form.cleaned_data)
            except ValidationError as exc:
                for field, problems in exc.message_dict.items():
                    for problem in problems:
                        form.add_error(field, problem)
            else:
                messages.success(request, _("Sending rules saved."))
                return redirect("broadcast_settings", request.workspace.slug, request.account.slug)
    response = render_page(
        request,
        "broadcasts/settings.html",
        {
            "form": form,
            "can_edit": can_edit,
            "can_draft": can(request, Capability.DRAFT_BROADCASTS),
            # LINE's count of this month's units, on request only (one LINE call).
            "unit_usage_asked": request.GET.get("usage") == "units",
            "unit_usage": aggregation_unit_usage(account=request.account)
            if request.method == "GET" and request.GET.get("usage") == "units"
            else None,
        },
    )
    if request.method == "POST":
        response.status_code = 400
    return response


@require_GET
def workspace_broadcast_calendar(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    """Every OA's broadcasts in one month or week (agencies plan across clients). Each item
    shows its OA's local time; moving one happens on that OA's own calendar."""
    view, anchor = _calendar_query(request, datetime.now(UTC).date())
    start, end = _range(view, anchor)
    # A day early and late, so each OA's local days are complete whatever its offset.
    broadcasts = selectors.broadcast_list_for_workspace(
        start=datetime.combine(start - timedelta(days=1), time.min, UTC),
        end=datetime.combine(end + timedelta(days=1), time.min, UTC),
    )
    by_day: dict[date, list] = {}
    for broadcast in broadcasts:
        local = broadcast.send_at.astimezone(zoneinfo.ZoneInfo(broadcast.account.time_zone))
        broadcast.local_send_at = local
        by_day.setdefault(local.date(), []).append(broadcast)
    days = [start + timedelta(days=n) for n in range((end - start).days)]
    step = timedelta(days=7) if view == "week" else timedelta(days=31)
    return render_page(
        request,
        "broadcasts/workspace_calendar.html",
        {
            "view": view,
            "anchor": anchor,
            "days": [
                {"date": d, "items": by_day.get(d, []), "in_month": d.month == anchor.month}
                for d in days
            ],
            "previous_anchor": (anchor - step).replace(day=1) if view == "month" else anchor - step,
            "next_anchor": (anchor.replace(day=1) + step).replace(day=1)
            if view == "month"
            else anchor + step,
        },
    )
