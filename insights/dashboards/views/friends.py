"""The Insights friends page: its charts, demographics and add-friend sources."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from insights.dashboards.views.common import dashboard_page
from insights.metrics import display
from insights.metrics.audience import add_source_counts, demographics_latest
from oa_console import labels
from segments.selectors.campaigns import campaign_names_by_source

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
    return dashboard_page(request, "friends", _audience)
