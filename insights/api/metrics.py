"""Metrics API: series of documented metrics for one OA, and the workspace portfolio table."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from insights.dashboards.portfolio import COLUMNS, WINDOW_DAYS, column_better, portfolio_build
from insights.metrics.catalogue import BY_NAME, PUBLIC_NAMES
from insights.metrics.coverage import metric_coverage
from insights.metrics.series import GRANULARITIES, metric_series, metric_totals
from insights.models import MetricDaily, MetricSource
from oa_console.api.base import AccountApiView, TenantApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.ranges import RangeError, date_range_from

MAX_METRICS = 50


class MetricPointOutputSerializer(serializers.Serializer):
    period = serializers.DateField()
    value = serializers.FloatField(allow_null=True)
    hidden = serializers.BooleanField(help_text="LINE withheld (part of) it: below 20")
    sources = serializers.ListField(child=serializers.CharField())
    excluded_days = serializers.IntegerField()
    excluded_items = serializers.IntegerField(
        help_text="coupon usage rate: coupon-days left out because LINE hid a figure"
    )


class ComparisonOutputSerializer(serializers.Serializer):
    total = serializers.FloatField(allow_null=True, help_text="this period's figure")
    previous_from = serializers.DateField()
    previous_to = serializers.DateField()
    previous_total = serializers.FloatField(allow_null=True)
    previous_days = serializers.IntegerField()
    previous_days_with_data = serializers.IntegerField()
    previous_complete = serializers.BooleanField(
        help_text="false: the previous period's data does not cover it; no change is given"
    )
    change = serializers.FloatField(
        allow_null=True,
        help_text="relative change in % (counts) or percentage points (rates); null when the "
        "previous period is incomplete or has no figure",
    )
    change_unit = serializers.CharField(help_text="percent or points")


def _comparison(metric, current, previous, coverage, window) -> dict:
    change = None
    if coverage.complete and current.value is not None and previous.value is not None:
        delta = current.value - previous.value
        if metric.unit == "percent":
            change = round(delta, 2)
        elif previous.value:
            change = round(100 * delta / abs(previous.value), 2)
    return {
        "total": current.value,
        "previous_from": window.previous.date_from,
        "previous_to": window.previous.date_to,
        "previous_total": previous.value,
        "previous_days": coverage.days,
        "previous_days_with_data": coverage.days_with_data,
        "previous_complete": coverage.complete,
        "change": change,
        "change_unit": "points" if metric.unit == "percent" else "percent",
    }


class MetricSeriesOutputSerializer(serializers.Serializer):
    name = serializers.CharField(source="metric.name")
    label = serializers.CharField(source="metric.label")
    unit = serializers.CharField(source="metric.unit")
    definition = serializers.CharField(source="metric.definition")
    better = serializers.CharField(
        source="metric.better", help_text="higher, lower, or empty: which way is good for the OA"
    )
    excluded_days = serializers.IntegerField()
    excluded_items = serializers.IntegerField()
    points = MetricPointOutputSerializer(many=True)
    # Not read_only: drf-spectacular marks read-only fields required in answers.
    comparison = ComparisonOutputSerializer(required=False, help_text="only with compare=1")


# "from" is a Python keyword, hence a serializer built from a dict.
AccountMetricsOutputSerializer = inline_serializer(
    "AccountMetricsOutput",
    {
        "account": serializers.IntegerField(),
        "time_zone": serializers.CharField(),
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "granularity": serializers.ChoiceField(choices=GRANULARITIES),
        "metrics": MetricSeriesOutputSerializer(many=True),
    },
)


class AccountMetricsApi(AccountApiView):
    """Series of one or more metrics for one OA, per day, week or month of the OA's time zone."""

    class MetricsInputSerializer(serializers.Serializer):
        metric = serializers.ListField(
            child=serializers.CharField(), allow_empty=False, max_length=MAX_METRICS
        )
        granularity = serializers.ChoiceField(choices=GRANULARITIES, default="day")
        source = serializers.ChoiceField(
            choices=MetricSource.choices, required=False, allow_blank=True
        )

        def validate_metric(self, names: list[str]) -> list[str]:
            unknown = [name for name in names if name not in BY_NAME]
            if unknown:
                raise serializers.ValidationError(
                    _("Unknown metric: %(names)s. Known metrics: %(known)s.")
                    % {"names": ", ".join(unknown), "known": ", ".join(PUBLIC_NAMES)}
                )
            return list(dict.fromkeys(names))

    @extend_schema(
        summary="Metric series",
        parameters=[
            OpenApiParameter(
                "metric",
                str,
                many=True,
                required=True,
                enum=list(PUBLIC_NAMES),
                description=f"dotted metric name(s), at most {MAX_METRICS}",
            ),
            OpenApiParameter("from", str, description="first day, YYYY-MM-DD"),
            OpenApiParameter("to", str, description="last day, YYYY-MM-DD"),
            OpenApiParameter("range", int, description="7, 30, 90 or 365 days to today"),
            OpenApiParameter("granularity", str, enum=list(GRANULARITIES)),
            OpenApiParameter("source", str, enum=MetricSource.values),
            OpenApiParameter(
                "compare",
                bool,
                description="1: add each metric's total against the previous period of the same "
                "length, with how many of its days have data (no change when incomplete)",
            ),
        ],
        responses=AccountMetricsOutputSerializer,
        description=operation_description(
            (
                "Series of one or more documented metrics (docs/metrics.md) for one OA, per "
                "day, week or month of the OA's time zone, over `from`/`to` or the last `range` "
                "days, optionally from one source (CSV import or API)."
            ),
            returns=(
                "the OA, its time zone, the window and granularity, and per metric its label, "
                "unit, definition and `points` (period, value, whether LINE hid it, sources)."
            ),
            errors=[
                (
                    400,
                    (
                        "an unknown metric (the error lists the known ones), granularity or source, or "
                        "a date window that is not valid."
                    ),
                )
            ],
        ),
    )
    def get(self, request, account_id: int):
        params = request.query_params
        serializer = self.MetricsInputSerializer(
            data={
                "metric": params.getlist("metric"),
                "granularity": params.get("granularity") or "day",
                "source": params.get("source") or "",
            }
        )
        serializer.is_valid(raise_exception=True)
        try:
            window = date_range_from(params, time_zone=self.account.time_zone)
        except RangeError as error:
            raise ValidationError({"from": [str(error)]}) from error
        data = serializer.validated_data
        series = metric_series(
            account=self.account,
            names=data["metric"],
            date_from=window.date_from,
            date_to=window.date_to,
            granularity=data["granularity"],
            source=data.get("source") or None,
        )
        metrics = MetricSeriesOutputSerializer(series.values(), many=True).data
        if window.compare:
            names = data["metric"]
            totals = [
                metric_totals(
                    account=self.account, names=names, date_from=w.date_from, date_to=w.date_to
                )
                for w in (window, window.previous)
            ]
            covered = metric_coverage(
                account=self.account,
                names=names,
                date_from=window.previous.date_from,
                date_to=window.previous.date_to,
            )
            for entry in metrics:
                name = entry["name"]
                entry["comparison"] = ComparisonOutputSerializer(
                    _comparison(
                        BY_NAME[name], totals[0][name], totals[1][name], covered[name], window
                    )
                ).data
        return Response(
            {
                "account": self.account.pk,
                "time_zone": self.account.time_zone,
                "from": window.date_from,
                "to": window.date_to,
                "granularity": data["granularity"],
                "metrics": metrics,
            }
        )


class PortfolioCellOutputSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    hidden = serializers.BooleanField()
    percentile = serializers.IntegerField(
        allow_null=True,
        help_text="share of the other OAs this one does better than: 100 is the best, whichever "
        "way is better for the metric (see `better`)",
    )
    standing = serializers.CharField(
        help_text="good (top quarter), middle, bad (bottom quarter), or empty without a rank"
    )
    as_of = serializers.DateField(
        allow_null=True, help_text="the figure predates the window: the latest known, of that day"
    )


class PortfolioRowOutputSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    workspace = serializers.CharField()
    friends = PortfolioCellOutputSerializer()
    net_adds_30d = PortfolioCellOutputSerializer()
    block_rate = PortfolioCellOutputSerializer()
    open_rate = PortfolioCellOutputSerializer()
    click_rate = PortfolioCellOutputSerializer()
    tag_coverage = PortfolioCellOutputSerializer()


class PortfolioPageOutputSerializer(serializers.Serializer):
    """Documents the portfolio's answer: a page of rows, and figures over every OA listed."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PortfolioRowOutputSerializer(many=True)
    window_days = serializers.IntegerField()
    metrics = serializers.DictField(
        child=serializers.CharField(), help_text="each column's metric in docs/metrics.md"
    )
    medians = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="per column, the median over every OA listed (not only this page)",
    )
    better = serializers.DictField(
        child=serializers.CharField(), help_text="per column, which way is better: higher or lower"
    )


class PortfolioApi(TenantApiView):
    """Every OA the caller may see, over each OA's last 30 days (docs/metrics.md, Portfolio)."""

    pagination_class = StandardPagination

    class QuerySerializer(serializers.Serializer):
        """The query string, validated before it reaches a query (``workspace=%00`` was a 500
        on PostgreSQL, which refuses NUL in text; DRF's CharField refuses it here)."""

        workspace = serializers.SlugField(required=False, max_length=50)
        sort = serializers.CharField(required=False, max_length=40)

    @extend_schema(
        summary="Portfolio",
        parameters=[
            OpenApiParameter("workspace", str, description="only this workspace (its slug)"),
            OpenApiParameter("sort", str, description="column, '-' for descending"),
        ],
        responses=PortfolioPageOutputSerializer,
        description=operation_description(
            (
                "Every OA the caller may see side by side over each OA's last 30 days: friends, "
                "net adds, block rate, open rate, click rate and tag coverage, each with its "
                "percentile among the OAs listed (docs/metrics.md, Portfolio). `workspace` "
                "limits it to one workspace; `sort` orders it by a column (`-` for descending)."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of rows (value, percentile and `as_of` per column), plus `window_days`, "
                "the column names (`metrics`) and their `medians`."
            ),
            errors=[
                (400, "a `workspace` that is not a slug or a `sort` that is not text."),
            ],
            scoped=False,
        ),
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        accounts = self.visible_accounts().order_by("display_name", "pk")
        workspace = query.validated_data.get("workspace")
        if workspace:
            accounts = accounts.filter(workspace__slug=workspace)
        # Unscoped read, limited to the OAs resolved from the caller's grants just above.
        table = portfolio_build(
            accounts=list(accounts),
            manager=MetricDaily.unscoped,
            sort=query.validated_data.get("sort") or "-friends",
        )
        page = self.paginate(table.rows)
        results = [
            {
                "account": row.account.pk,
                "slug": row.account.slug,
                "name": row.account.display_name,
                "workspace": row.account.workspace.slug,
                **{key: PortfolioCellOutputSerializer(row.cells[key]).data for key in COLUMNS},
            }
            for row in page
        ]
        response = self.paginated_response(results)
        response.data["window_days"] = WINDOW_DAYS
        response.data["metrics"] = COLUMNS
        response.data["medians"] = table.medians
        response.data["better"] = {key: column_better(key) for key in COLUMNS}
        return response
