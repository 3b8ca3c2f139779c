"""The OA's Insights pages (overview, friends, broadcasts, chats, coupons, reward cards, profile &
VOOM, tags); the broadcast detail page is ``insights.broadcast_detail_views``.

One view renders the whole page or, for htmx, the ``dashboard-body`` fragment (range control,
KPIs and charts), so changing the range swaps the charts without a reload and the URL keeps the
range. ``?chart=<id>&format=csv`` downloads exactly the numbers of one chart.
"""

from __future__ import annotations

from statistics import median

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from broadcasts import results_display
from insights import charts
from insights.dashboards import KPIS, PAGES, Chart, Page
from insights.metrics import display
from insights.metrics.audience import add_source_counts, demographics_latest
from insights.metrics.broadcasts import (
    SORT_KEYS,
    BroadcastRow,
    attach_blocks,
    broadcast_list,
    broadcasts_sorted,
)
from insights.metrics.catalogue import BY_NAME
from insights.metrics.coupons import coupon_list
from insights.metrics.coverage import metric_coverage
from insights.metrics.series import Series, metric_series, metric_totals
from insights.models import MetricRefreshState
from oa_console import labels
from oa_console.charts import figure_html
from oa_console.csv_download import csv_response
from oa_console.ranges import PRESETS, DateRange, RangeError, date_range_from, local_today
from oa_console.views._render import render_page
from segments.selectors.campaigns import campaign_names_by_source

PARTIALS = ("dashboard-body",)
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


def _window(request: HttpRequest) -> tuple[DateRange, str]:
    try:
        return date_range_from(request.GET, time_zone=request.account.time_zone), ""
    except RangeError as error:
        return date_range_from({}, time_zone=request.account.time_zone), str(error)


def _series_for(account, traces, window: DateRange, granularity: str) -> dict[str, Series]:
    """Series per trace key: one query per distinct source (most charts: one query)."""
    by_source: dict[str | None, list[str]] = {}
    for trace in traces:
        by_source.setdefault(trace.source, []).append(trace.metric)
    out: dict[str, Series] = {}
    for source, names in by_source.items():
        found = metric_series(
            account=account,
            names=list(dict.fromkeys(names)),
            date_from=window.date_from,
            date_to=window.date_to,
            granularity=granularity,
            source=source,
        )
        for trace in traces:
            if trace.source == source:
                out[trace.key] = found[trace.metric]
    return out


def _lines(account, chart: Chart, window: DateRange) -> list[charts.Line]:
    granularity = window.granularity
    current = _series_for(account, chart.traces, window, granularity)
    lines = [charts.Line(t.key, t.title, current[t.key]) for t in chart.traces]
    if window.compare:
        previous = _series_for(account, chart.traces, window.previous, granularity)
        covered = metric_coverage(
            account=account,
            names=list(dict.fromkeys(t.metric for t in chart.traces)),
            date_from=window.previous.date_from,
            date_to=window.previous.date_to,
        )
        lines += [
            charts.Line(
                t.key,
                _("%(label)s (previous period)") % {"label": t.title},
                previous[t.key],
                previous=True,
                coverage=covered[t.metric],
            )
            for t in chart.traces
        ]
    return lines


def _incomplete_notes(lines: list[charts.Line]) -> list[str]:
    """ "Previous period incomplete: N of M days have data", once per distinct coverage (one
    note when every line has the same), naming the lines when they differ."""
    incomplete = [
        line for line in lines if line.previous and line.coverage and not line.coverage.complete
    ]
    by_coverage: dict = {}
    for line in incomplete:
        by_coverage.setdefault(line.coverage, []).append(line.series.metric.label)
    if len(by_coverage) == 1:
        return [display.incomplete_text(next(iter(by_coverage)))]
    return [
        _("%(labels)s: %(flag)s")
        % {"labels": ", ".join(str(label) for label in labels), "flag": display.incomplete_text(c)}
        for c, labels in by_coverage.items()
    ]


def _csv_response(account, chart: Chart, lines, window: DateRange) -> HttpResponse:
    header, rows = charts.lines_table(lines)
    name = f"{account.slug}-{chart.id}-{window.date_from}-{window.date_to}.csv"
    return csv_response(header, rows, filename=name)


def _chart_context(account, page: Page, window: DateRange, request: HttpRequest) -> list[dict]:
    cards = []
    for chart in page.charts:
        lines = _lines(account, chart, window)
        has_data = any(line.series.has_data for line in lines if not line.previous)
        excluded = sum(line.series.excluded_days for line in lines if not line.previous)
        hidden = sum(
            1 for line in lines if not line.previous for p in line.series.points if p.hidden
        )
        fig = charts.figure(
            lines,
            title=str(chart.title),
            kind=chart.kind,
            percent=chart.percent,
            granularity=window.granularity,
        )
        cards.append(
            {
                "chart": chart,
                "has_data": has_data,
                "html": mark_safe(figure_html(fig, div_id=f"chart-{chart.id}")) if has_data else "",
                "csv_url": f"{request.path}?{window.query(chart=chart.id, format='csv')}",
                "excluded_days": excluded,
                "excluded_notes": [
                    line.series.metric.excluded_note % {"count": line.series.excluded_items}
                    for line in lines
                    if not line.previous and line.series.excluded_items
                ],
                "hidden_points": hidden,
                "incomplete_notes": _incomplete_notes(lines),
            }
        )
    return cards


def _kpis(account, window: DateRange) -> list[dict]:
    current = metric_totals(
        account=account, names=list(KPIS), date_from=window.date_from, date_to=window.date_to
    )
    previous = metric_totals(
        account=account,
        names=list(KPIS),
        date_from=window.previous.date_from,
        date_to=window.previous.date_to,
    )
    covered = metric_coverage(
        account=account,
        names=list(KPIS),
        date_from=window.previous.date_from,
        date_to=window.previous.date_to,
    )
    daily = metric_series(
        account=account,
        names=list(KPIS),
        date_from=window.date_from,
        date_to=window.date_to,
        granularity="day",
    )
    cards = []
    for name in KPIS:
        metric = BY_NAME[name]
        change = display.change(current[name], previous[name], metric, covered[name])
        cards.append(
            {
                "name": name,
                "label": metric.label,
                "definition": metric.definition,
                "value": display.figure(current[name], metric),
                "change": change,
                "excluded_days": current[name].excluded_days,
                "sparkline": charts.sparkline([p.value for p in daily[name].points]),
            }
        )
    return cards


def _callouts(account, window: DateRange, broadcasts: list[BroadcastRow]) -> list[dict]:
    """ "What changed": the largest block spike and the best and worst broadcast by open rate."""
    notes = []
    blocks = metric_series(
        account=account,
        names=["friends.blocks"],
        date_from=window.date_from,
        date_to=window.date_to,
    )["friends.blocks"]
    known = [p for p in blocks.points if p.value is not None]
    if known:
        spike = max(known, key=lambda p: p.value)
        typical = median(p.value for p in known)
        if spike.value > 0:
            notes.append(
                {
                    "kind": "warning",
                    "text": _(
                        "Largest block spike: %(count)s blocks on %(day)s (typical day: %(median)s)."
                    )
                    % {
                        "count": display.number(spike.value, "count"),
                        "day": spike.period.isoformat(),
                        "median": display.number(typical, "count"),
                    },
                }
            )
    rated = [b for b in broadcasts if b.open_rate is not None]
    if len(rated) >= 2:
        best = max(rated, key=lambda b: b.open_rate)
        worst = min(rated, key=lambda b: b.open_rate)
        for kind, row, text in (
            ("good", best, _("Best broadcast: “%(title)s”, opened by %(rate)s.")),
            ("bad", worst, _("Weakest broadcast: “%(title)s”, opened by %(rate)s.")),
        ):
            notes.append(
                {
                    "kind": kind,
                    "text": text
                    % {"title": row.title, "rate": display.number(row.open_rate, "percent")},
                    "url": reverse(
                        "insights_broadcast_detail",
                        kwargs={
                            "workspace_slug": account.workspace.slug,
                            "account_slug": account.slug,
                            "broadcast_key": row.key,
                        },
                    ),
                }
            )
    return notes


def _range_context(request: HttpRequest, window: DateRange, error: str) -> dict:
    presets = []
    for days in PRESETS:
        preset = DateRange(window.date_from, window.date_to, days, window.compare)
        presets.append(
            {
                "days": days,
                "url": f"{request.path}?{preset.query()}",
                "active": window.preset == days,
            }
        )
    toggled = DateRange(window.date_from, window.date_to, window.preset, not window.compare)
    return {
        "window": window,
        "range_error": error,
        "presets": presets,
        "compare_url": f"{request.path}?{toggled.query()}",
        "previous": window.previous,
    }


def insights_subnav(request: HttpRequest, current: str) -> list[dict]:
    kwargs = {
        "workspace_slug": request.account.workspace.slug,
        "account_slug": request.account.slug,
    }
    query = request.GET.copy()
    for name in ("chart", "format", "sort", "page"):
        query.pop(name, None)
    suffix = f"?{query.urlencode()}" if query else ""
    items = []
    for name, page in PAGES.items():
        url_name = "account_insights" if name == "overview" else f"insights_{name}"
        items.append(
            {
                "label": page.title,
                "url": reverse(url_name, kwargs=kwargs) + suffix,
                "current": name == current,
            }
        )
    return items


def _dashboard(request: HttpRequest, name: str, extra=None) -> HttpResponse:
    account = request.account
    page = PAGES[name]
    window, error = _window(request)
    chart_id = request.GET.get("chart")
    if request.GET.get("format") == "csv":
        chart = next((c for c in page.charts if c.id == chart_id), None)
        if chart is None:
            raise Http404
        return _csv_response(account, chart, _lines(account, chart, window), window)
    cards = _chart_context(account, page, window, request)
    context = {
        "page": page,
        "cards": cards,
        "has_data": any(card["has_data"] for card in cards),
        "subnav": insights_subnav(request, name),
        "refresh": MetricRefreshState.objects.filter(account=account).first(),
        "today": local_today(account.time_zone),
        **_range_context(request, window, error),
    }
    if extra:
        context.update(extra(account, window))
    return render_page(request, "insights/dashboards/page.html", context, partials=PARTIALS)


@require_GET
def overview(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    def extra(account, window):
        broadcasts = broadcast_list(
            account=account, date_from=window.date_from, date_to=window.date_to
        )
        return {"kpis": _kpis(account, window), "callouts": _callouts(account, window, broadcasts)}

    return _dashboard(request, "overview", extra)


def _simple(name: str):
    @require_GET
    def view(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
        return _dashboard(request, name)

    view.__name__ = f"insights_{name}"
    view.__doc__ = f"The {name} Insights page."
    return view


chats = _simple("chats")
rewards = _simple("rewards")
profile = _simple("profile")
tags = _simple("tags")


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


def count_cell(value: int | None) -> str:
    """A count as a table cell: LINE's null is "fewer than 20", never 0 (also used by the
    broadcast detail page)."""
    return display.number(value, "count") if value is not None else _("fewer than 20")


def rate_cell(value: float | None) -> str:
    return display.number(value, "percent") if value is not None else "—"


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


DIMENSION_LABELS = {
    "gender": gettext_lazy("Gender"),
    "age": gettext_lazy("Age"),
    "area": gettext_lazy("Area"),
    "os": gettext_lazy("OS"),
    "friendship_period": gettext_lazy("Friendship period"),
}


def _audience(account, window):
    demographics = demographics_latest(account=account, date_to=window.date_to)
    tables = [
        {
            "label": DIMENSION_LABELS[dimension],
            "rows": [
                (
                    labels.label(dimension, value),
                    display.number(share, "percent") if share is not None else _("hidden"),
                )
                for value, share in demographics.shares[dimension]
            ],
        }
        for dimension in DIMENSION_LABELS
        if dimension in demographics.shares
    ]
    campaigns = campaign_names_by_source(account=account)
    sources = [
        (labels.add_source_label(source, campaigns), display.number(count, "count"))
        for source, count in add_source_counts(account=account)
    ]
    return {"demographics": tables, "demographics_as_of": demographics.as_of, "sources": sources}


@require_GET
def friends(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return _dashboard(request, "friends", _audience)


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
    return _dashboard(request, "coupons", _coupon_table)


@require_GET
def broadcasts(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return _dashboard(request, "broadcasts", _broadcast_table(request))
