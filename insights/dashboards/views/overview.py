"""The Insights overview (KPIs against the previous period, and call-outs) and the pages that
are only charts: chats, reward cards, profile & VOOM, tags."""

from __future__ import annotations

from statistics import median

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from insights.dashboards import charts
from insights.dashboards.pages import KPIS
from insights.dashboards.views import chats as chats_page
from insights.dashboards.views.common import dashboard_page, simple_page
from insights.metrics import display
from insights.metrics.broadcasts import (
    BroadcastRow,
    broadcast_list,
)
from insights.metrics.catalogue import BY_NAME
from insights.metrics.coverage import metric_coverage
from insights.metrics.series import metric_series, metric_totals
from oa_console.ranges import DateRange


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


@require_GET
def overview(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    def extra(account, window):
        broadcasts = broadcast_list(
            account=account, date_from=window.date_from, date_to=window.date_to
        )
        return {"kpis": _kpis(account, window), "callouts": _callouts(account, window, broadcasts)}

    return dashboard_page(request, "overview", extra)


chats = chats_page.chats  # with the section from the console's own chats
rewards = simple_page("rewards")
profile = simple_page("profile")
tags = simple_page("tags")
