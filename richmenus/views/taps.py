"""The "Rich menu taps" page: taps per day and menu (a chart with its CSV), per area and per
segment rule, over 7, 30 or 90 days, for all menus or one."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from oa_console.charts import figure_html
from oa_console.csv_download import csv_response
from oa_console.views._render import render_page
from richmenus import taps_charts
from richmenus.selectors.taps import (
    PERIODS,
    tap_menus,
    tap_period,
    taps_per_area,
    taps_per_day,
    taps_per_rule,
)

CSV = "taps.csv"


class TapFilter(forms.Form):
    days = forms.TypedChoiceField(
        label=gettext_lazy("Period"), coerce=int, required=False, empty_value=30
    )
    menu = forms.TypedChoiceField(
        label=gettext_lazy("Rich menu"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: the labels are in the language of the request.
        self.fields["days"].choices = [(n, _("Last %(n)s days") % {"n": n}) for n in PERIODS]
        self.fields["menu"].choices = [("", gettext_lazy("All menus"))] + [
            (m.pk, m.name) for m in tap_menus(account=account)
        ]


@require_GET
def rich_menu_taps(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    account = request.account
    # Unfiltered, the page shows 30 days: the select says so too.
    form = TapFilter(request.GET or None, account=account, initial={"days": 30})
    values = form.cleaned_data if form.is_valid() else {"days": 30, "menu": None}
    period = tap_period(account=account, days=values["days"] or 30)
    menu_id = values["menu"]
    daily = taps_per_day(account=account, period=period, menu_id=menu_id)
    if request.GET.get("download") == CSV:
        header, rows = taps_charts.taps_table(daily, period.days())
        return csv_response(header, rows, filename=f"rich-menu-taps-{period.last}.csv")
    chart = ""
    if taps_charts.has_data(daily):
        # figure_html escapes the figure's JSON (a menu name cannot close its script element).
        chart = mark_safe(
            figure_html(taps_charts.taps_figure(daily, period.days()), div_id="rich-menu-taps")
        )
    context = {
        "form": form,
        "period": period,
        "chart": chart,
        "areas": taps_per_area(account=account, period=period, menu_id=menu_id),
        "rules": taps_per_rule(account=account, period=period, menu_id=menu_id),
        "csv_query": _csv_query(request),
    }
    return render_page(request, "richmenus/taps.html", context)


def _csv_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["download"] = CSV
    return query.urlencode()
