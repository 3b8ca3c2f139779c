"""What every Insights page shares: the date range, its charts (series, lines, the CSV of one
chart), the sub-navigation, and rendering the page or, for htmx, its ``dashboard-body``
fragment (range control, KPIs and charts), so changing the range swaps the charts without a
reload and the URL keeps the range. ``?chart=<id>&format=csv`` downloads one chart's numbers."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from insights.dashboards import charts
from insights.dashboards.pages import PAGES, Chart, Page
from insights.metrics import display
from insights.metrics.coverage import metric_coverage
from insights.metrics.series import Series, metric_series
from insights.models import MetricRefreshState
from oa_console.charts import figure_html
from oa_console.csv_download import csv_response
from oa_console.ranges import PRESETS, DateRange, RangeError, date_range_from, local_today
from oa_console.views._render import render_page

PARTIALS = ("dashboard-body",)


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


def dashboard_page(request: HttpRequest, name: str, extra=None) -> HttpResponse:
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


def simple_page(name: str):
    @require_GET
    def view(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
        return dashboard_page(request, name)

    view.__name__ = f"insights_{name}"
    view.__doc__ = f"The {name} Insights page."
    return view


def count_cell(value: int | None) -> str:
    """A count as a table cell: LINE's null is "fewer than 20", never 0 (also used by the
    broadcast detail page)."""
    return display.number(value, "count") if value is not None else _("fewer than 20")


def rate_cell(value: float | None) -> str:
    return display.number(value, "percent") if value is not None else "—"
