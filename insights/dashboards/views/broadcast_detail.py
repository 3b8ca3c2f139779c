"""The broadcast detail page of the Insights pages: the broadcast's figures and rates, the
blocks that followed it, and, where LINE's Insight API gave them (broadcasts sent from this
console), impressions per bubble and clicks per URL.

Each chart downloads as the CSV of exactly its bars: ``?chart=funnel|bubbles|urls&format=csv``.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from broadcasts import selectors as broadcasts_selectors
from insights.dashboards import charts
from insights.dashboards.views.common import count_cell, insights_subnav, rate_cell
from insights.metrics.broadcast_details import BroadcastDetails, broadcast_details_get
from insights.metrics.broadcasts import CONSOLE_KEY, BroadcastRow, broadcast_get
from oa_console.charts import figure_html
from oa_console.csv_download import CsvTable, csv_response
from oa_console.views._render import render_page

URLS_PER_PAGE = 25


def _bubble_columns(details: BroadcastDetails) -> list[tuple[str, str]]:
    columns = [("impressions", _("Impressions"))]
    if details.has_media:
        columns += [
            ("media_played", _("Plays started")),
            ("media_played_25", _("Played 25 %")),
            ("media_played_50", _("Played 50 %")),
            ("media_played_75", _("Played 75 %")),
            ("media_played_100", _("Played to the end")),
            ("unique_media_played", _("Users who played")),
            ("unique_media_played_100", _("Users who played to the end")),
        ]
    return columns


def _bubble_chart(details: BroadcastDetails) -> tuple[list[str], list[charts.Bars]]:
    items = [_("Bubble %(number)s") % {"number": b.number} for b in details.bubbles]
    keys = [("impressions", _("Impressions"))]
    if details.has_media:
        keys += [("media_played", _("Plays started")), ("media_played_100", _("Played to the end"))]
    bars = [
        charts.Bars(key, label, [getattr(b, key) for b in details.bubbles]) for key, label in keys
    ]
    return items, bars


def _url_chart(details: BroadcastDetails) -> tuple[list[str], list[charts.Bars]]:
    # Numbered: the same URL may appear twice, and each is its own bar.
    items = [f"{u.position + 1}. {u.url}" for u in details.urls]
    bars = [
        charts.Bars(key, label, [getattr(u, key) for u in details.urls])
        for key, label in (("clicks", _("Clicks")), ("unique_clicks", _("Unique clicks")))
    ]
    return items, bars


def _media_cell(value: int | None) -> str:
    # LINE's null for media means "no video or audio" as well as "fewer than 20".
    return count_cell(value) if value is not None else "—"


def _bubbles_context(details: BroadcastDetails) -> dict:
    columns = _bubble_columns(details)
    rows = [
        {
            "number": bubble.number,
            "cells": [
                count_cell(bubble.impressions)
                if key == "impressions"
                else _media_cell(getattr(bubble, key))
                for key, _label in columns
            ],
        }
        for bubble in details.bubbles
    ]
    items, bars = _bubble_chart(details)
    fig = charts.bars_figure(items, bars, title=_("Impressions per bubble"))
    return {
        "columns": [label for _key, label in columns],
        "rows": rows,
        "chart": mark_safe(figure_html(fig, div_id="chart-bubbles")) if rows else "",
        "hidden": any(b.impressions is None for b in details.bubbles),
        "has_media": details.has_media,
    }


def _urls_context(details: BroadcastDetails, request: HttpRequest) -> dict:
    page_obj = Paginator(details.urls, URLS_PER_PAGE).get_page(request.GET.get("urls_page"))
    rows = [
        {
            "number": u.position + 1,
            "bubble": u.seq if u.seq is not None else "—",
            "url": u.url,
            "cells": [
                count_cell(u.clicks),
                count_cell(u.unique_clicks),
                count_cell(u.unique_clicks_of_request),
            ],
        }
        for u in page_obj.object_list
    ]
    items, bars = _url_chart(details)
    fig = charts.bars_figure(items, bars, title=_("Clicks per URL"))
    return {
        "rows": rows,
        "page_obj": page_obj,
        "chart": mark_safe(figure_html(fig, div_id="chart-urls")) if rows else "",
        "hidden": any(
            None in (u.clicks, u.unique_clicks, u.unique_clicks_of_request) for u in details.urls
        ),
    }


def _funnel(row: BroadcastRow) -> list[tuple[str, int | None]]:
    return [
        (_("Delivered"), row.delivered),
        (_("Unique impressions"), row.unique_impressions),
        (_("Unique clicks"), row.unique_clicks),
        (_("Video plays"), row.video_plays),
    ]


def _csv(account, broadcast_key: str, chart: str, table: CsvTable) -> HttpResponse:
    header, rows = table
    suffix = "" if chart == "funnel" else f"-{chart}"
    return csv_response(
        header, rows, filename=f"{account.slug}-broadcast-{broadcast_key}{suffix}.csv"
    )


def _chart_csv(account, broadcast_key, chart, row, details) -> HttpResponse:
    if chart == "funnel":
        return _csv(account, broadcast_key, chart, charts.funnel_table(_funnel(row)))
    if details is None or chart not in ("bubbles", "urls"):
        raise Http404
    items, bars = _bubble_chart(details) if chart == "bubbles" else _url_chart(details)
    return _csv(account, broadcast_key, chart, charts.bars_table(items, bars))


def _console_send(request: HttpRequest, broadcast_key: str) -> HttpResponse:
    """A console send's results live on its own page (the one model both pages read)."""
    number = broadcast_key.removeprefix(CONSOLE_KEY)
    broadcast = (
        broadcasts_selectors.broadcast_get(account=request.account, broadcast_id=int(number))
        if number.isdigit()
        else None
    )
    if broadcast is None:
        raise Http404
    return redirect("broadcast_detail", request.workspace.slug, request.account.slug, broadcast.pk)


@require_GET
def broadcast_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_key: str
) -> HttpResponse:
    account = request.account
    if broadcast_key.startswith(CONSOLE_KEY):
        return _console_send(request, broadcast_key)
    row = broadcast_get(account=account, key=broadcast_key)
    if row is None:
        raise Http404
    details = broadcast_details_get(account=account, request_id=row.request_id)
    if request.GET.get("format") == "csv":
        chart = request.GET.get("chart") or "funnel"
        return _chart_csv(account, broadcast_key, chart, row, details)
    bars = _funnel(row)
    fig = charts.funnel_figure(bars, title=_("Delivered, opened and clicked"))
    context = {
        "row": row,
        "chart": mark_safe(figure_html(fig, div_id="chart-funnel")),
        "subnav": insights_subnav(request, "broadcasts"),
        "open_rate": rate_cell(row.open_rate),
        "click_rate": rate_cell(row.click_rate),
        "figures": [(label, count_cell(v)) for label, v in bars],
        "details": details,
        "bubbles": _bubbles_context(details) if details else None,
        "urls": _urls_context(details, request) if details else None,
        "back_url": reverse(
            "insights_broadcasts",
            kwargs={"workspace_slug": workspace_slug, "account_slug": account_slug},
        ),
    }
    return render_page(request, "insights/dashboards/broadcast.html", context)
