"""The Chats Insights page: the CSV figures' charts (``pages.PAGES["chats"]``) and, beside
them, the section computed from the console's own chats (``insights.dashboards.chat_inbox``),
whose charts download their numbers like the others (``?chart=inbox-…&format=csv``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from insights.dashboards import chat_inbox
from insights.dashboards.views.common import _window, dashboard_page
from oa_console.charts import figure_html
from oa_console.csv_download import csv_response


def _section(request: HttpRequest, account, window) -> dict:
    figures = chat_inbox.inbox_figures(account=account, window=window)

    def csv_url(chart: str) -> str:
        return f"{request.path}?{window.query(chart=chart, format='csv')}"

    return {
        "figures": figures,
        "answers_html": mark_safe(
            figure_html(chat_inbox.answers_figure(figures), div_id="chart-inbox-answers")
        )
        if figures.has_answers
        else "",
        "response_times_html": mark_safe(
            figure_html(
                chat_inbox.response_times_figure(figures), div_id="chart-inbox-response-times"
            )
        )
        if figures.response_times
        else "",
        "busiest_html": mark_safe(
            figure_html(chat_inbox.busiest_hours_figure(figures), div_id="chart-inbox-busiest")
        )
        if figures.has_messages
        else "",
        "csv_urls": {chart.replace("-", "_"): csv_url(chart) for chart in chat_inbox.CHARTS},
    }


@require_GET
def chats(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    chart = request.GET.get("chart", "")
    if request.GET.get("format") == "csv" and chart in chat_inbox.CHARTS:
        window, _error = _window(request)
        figures = chat_inbox.inbox_figures(account=request.account, window=window)
        header, rows = chat_inbox.chart_table(chart, figures)
        name = f"{request.account.slug}-{chart}-{window.date_from}-{window.date_to}.csv"
        return csv_response(header, rows, filename=name)

    def extra(account, window) -> dict:
        return {"chat_inbox": _section(request, account, window)}

    return dashboard_page(request, "chats", extra)
