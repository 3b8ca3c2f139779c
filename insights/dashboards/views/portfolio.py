"""The workspace's portfolio page: every OA the member may see, compared over 30 days."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from insights.dashboards.portfolio import COLUMNS, WINDOW_DAYS, column_better, portfolio_build
from oa_console.selectors import account_list
from oa_console.views._render import render_page

PER_PAGE = 50
LABELS = {
    "friends": _("Friends"),
    "net_adds_30d": _("Net adds (30 days)"),
    "block_rate": _("Block rate"),
    "open_rate": _("Open rate"),
    "click_rate": _("Click rate"),
    "tag_coverage": _("Tag coverage"),
}


@require_GET
def portfolio_page(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    """Reads through the request's tenant scope: a client login limited to one OA sees only
    that OA, an agency member every OA of the workspace."""
    sort = request.GET.get("sort") or "-friends"
    table = portfolio_build(accounts=list(account_list()), sort=sort)
    page_obj = Paginator(table.rows, PER_PAGE).get_page(request.GET.get("page"))
    columns = [{"key": "name", "label": _("Official Account")}] + [
        {"key": key, "label": LABELS[key], "better": column_better(key)} for key in COLUMNS
    ]
    for column in columns:
        column["sorted"] = sort.lstrip("-") == column["key"]
        column["descending"] = sort == f"-{column['key']}"
        column["url"] = f"?sort={column['key'] if column['descending'] else '-' + column['key']}"
    context = {
        "rows": page_obj,
        "page_obj": page_obj,
        "columns": columns,
        "medians": table.median_display,
        "window_days": WINDOW_DAYS,
        "sort": sort,
    }
    return render_page(
        request, "insights/dashboards/portfolio.html", context, partials=["portfolio"]
    )
