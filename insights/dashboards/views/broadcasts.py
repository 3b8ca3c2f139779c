"""The Insights broadcasts page: its charts and the sortable table of broadcasts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from broadcasts import results_display
from insights.dashboards.views.common import count_cell, dashboard_page, rate_cell
from insights.metrics import display
from insights.metrics.broadcasts import (
    SORT_KEYS,
    BroadcastRow,
    attach_blocks,
    broadcast_list,
    broadcasts_sorted,
)

COLUMN_LABELS = {
    "sent_at": gettext_lazy("Sent"),
    "title": gettext_lazy("Broadcast"),
    "delivered": gettext_lazy("Delivered"),
    "unique_impressions": gettext_lazy("Unique impressions"),
    "unique_clicks": gettext_lazy("Unique clicks"),
    "open_rate": gettext_lazy("Open rate"),
    "click_rate": gettext_lazy("Click rate"),
    "video_plays": gettext_lazy("Video plays"),
    "blocks_24h": gettext_lazy("Blocks 24 h"),
    "blocks_72h": gettext_lazy("Blocks 72 h"),
}
COUNT_COLUMNS = ("delivered", "unique_impressions", "unique_clicks")
BROADCASTS_PER_PAGE = 25


def _broadcast_table(request: HttpRequest):
    def extra(account, window):
        sort = request.GET.get("sort") or "-sent_at"
        by_blocks = sort.lstrip("-").startswith("blocks_")
        rows = broadcasts_sorted(
            broadcast_list(
                account=account,
                date_from=window.date_from,
                date_to=window.date_to,
                with_blocks=by_blocks,
            ),
            sort,
        )
        paginator = Paginator(rows, BROADCASTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        if not by_blocks:
            attach_blocks(account=account, rows=list(page_obj.object_list))
        columns = []
        for key in SORT_KEYS:
            descending = sort == f"-{key}"
            columns.append(
                {
                    "label": COLUMN_LABELS[key],
                    "key": key,
                    "sorted": sort.lstrip("-") == key,
                    "descending": descending,
                    "url": f"{request.path}?{window.query(sort=key if descending else f'-{key}')}",
                }
            )
        page_obj.object_list = [_broadcast_item(row, request) for row in page_obj.object_list]
        return {
            "broadcasts": page_obj,
            "page_obj": page_obj,
            "sort": sort,
            "columns": columns,
            "page_query": window.query(sort=sort),
        }

    return extra


def _blocks(count: int | None, baseline: float | None) -> str:
    if count is None:
        return "—"
    usual = number_format(round(baseline or 0, 1), 1, use_l10n=True)
    return f"{display.number(count, 'count')} ({usual})"


def _broadcast_item(row: BroadcastRow, request: HttpRequest) -> dict:
    """One table row, every figure already formatted (templates hold no logic). A console send
    links to its own page and, until LINE has published its figures, says when it will."""
    item = {
        "key": row.key,
        "title": row.title,
        "sent_at": row.sent_at,
        "source": row.source,
        "source_label": row.source_label,
        "url": reverse(
            "insights_broadcast_detail",
            args=[request.workspace.slug, request.account.slug, row.key],
        ),
        "status": "",
        "cells": [],
    }
    results = row.results
    if results is not None:
        item["url"] = reverse(
            "broadcast_detail",
            args=[request.workspace.slug, request.account.slug, results.broadcast_id],
        )
        if not results.published:
            item["status"] = results_display.status_text(results, request.account)
            item["blocks"] = [
                _blocks(row.blocks_24h, row.baseline_24h),
                _blocks(row.blocks_72h, row.baseline_72h),
            ]
            return item
        item["cells"] = [
            *(
                results_display.figure(
                    getattr(row, name),
                    at_least=name in results.at_least,
                    arms=1 if name == "delivered" else results.arms,
                )
                for name in COUNT_COLUMNS
            ),
            rate_cell(row.open_rate),
            rate_cell(row.click_rate),
            count_cell(row.video_plays) if row.video_plays is not None else "—",
            _blocks(row.blocks_24h, row.baseline_24h),
            _blocks(row.blocks_72h, row.baseline_72h),
        ]
        return item
    return {
        **item,
        "cells": [
            *(count_cell(getattr(row, name)) for name in COUNT_COLUMNS),
            rate_cell(row.open_rate),
            rate_cell(row.click_rate),
            count_cell(row.video_plays) if row.video_plays is not None else "—",
            _blocks(row.blocks_24h, row.baseline_24h),
            _blocks(row.blocks_72h, row.baseline_72h),
        ],
    }


@require_GET
def broadcasts(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return dashboard_page(request, "broadcasts", _broadcast_table(request))
