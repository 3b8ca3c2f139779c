"""The Insights coupons page: its charts, the table of coupons from the CSV exports, and the
console's own coupons with what broadcasts, journeys and chats sent of each."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coupons.selectors import coupon_sent_rows
from coupons.sent import sources as sent_sources
from insights.dashboards.views.common import count_cell, dashboard_page, rate_cell
from insights.metrics.coupons import coupon_list

CONSOLE_PER_PAGE = 20


def _coupon_count(row, name: str) -> str:
    value = getattr(row, name)
    if value is not None and name in row.partly_hidden:
        # Some days LINE hid: the sum of the visible ones is a lower bound.
        return _("at least %(value)s") % {"value": count_cell(value)}
    return count_cell(value)


def _coupon_table(account, window, console_page: str | None = None):
    rows = coupon_list(account=account, date_from=window.date_from, date_to=window.date_to)
    items = [
        {
            "name": row.name,
            "as_of": row.as_of,
            "cells": [
                *(_coupon_count(row, name) for name in ("views", "claimed", "used")),
                rate_cell(row.usage_rate),
            ],
            "days_left_out": row.days_left_out,
        }
        for row in rows
    ]
    context = {"coupons": items, **_console_coupons(account, console_page)}
    if items:
        context["has_data"] = True  # snapshots alone fill the page, not the daily charts
    return context


def _console_coupons(account, page: str | None) -> dict:
    """The console's own coupons beside the CSV figures: what each sending app sent of them.
    LINE's Coupon API reports no acquisitions or uses, so the page says so instead."""
    rows = coupon_sent_rows(account=account)
    return {
        "console_coupons": Paginator(rows, CONSOLE_PER_PAGE).get_page(page),
        "sent_sources": [source.label for source in sent_sources()],
    }


@require_GET
def coupons(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    page = request.GET.get("console_page")
    return dashboard_page(
        request, "coupons", lambda account, window: _coupon_table(account, window, page)
    )
