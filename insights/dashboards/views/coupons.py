"""The Insights coupons page: its charts and the table of coupons."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from insights.dashboards.views.common import count_cell, dashboard_page, rate_cell
from insights.metrics.coupons import coupon_list


def _coupon_count(row, name: str) -> str:
    value = getattr(row, name)
    if value is not None and name in row.partly_hidden:
        # Some days LINE hid: the sum of the visible ones is a lower bound.
        return _("at least %(value)s") % {"value": count_cell(value)}
    return count_cell(value)


def _coupon_table(account, window):
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
    context = {"coupons": items}
    if items:
        context["has_data"] = True  # snapshots alone fill the page, not the daily charts
    return context


@require_GET
def coupons(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return dashboard_page(request, "coupons", _coupon_table)
