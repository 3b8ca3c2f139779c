"""What a rollup producer yields (metric rows per day and source, and the range they replace),
and the JSON-field sums over stored report rows the imported producers share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import BigIntegerField, Count, F, Func, Q, Sum

from insights.metrics.catalogue.metric import API, CSV
from insights.models import InsightRecord
from oa_console.models import LineAccount


@dataclass(frozen=True)
class Row:
    metric: str
    source: str
    date: date
    value: int | None
    hidden: bool = False


@dataclass
class Produced:
    """What one producer computed and the range (and metrics) it is authoritative for."""

    metrics: tuple[str, ...]
    rows: list[Row]
    date_from: date
    date_to: date | None  # None: through the last day there is
    # Several producers write the same metric from different sources (chats.received from
    # the CSV and from webhooks): each replaces only its own sources' rows.
    sources: tuple[str, ...] = (CSV, API)


class JsonInt(Func):
    """An integer read from the ``values`` JSON, SQL NULL when the key is missing or null.

    Django's text transform gives SQLite the string 'null' for a JSON null, which CASTs to 0:
    exactly the "hidden becomes zero" error this app must never make, hence this expression.
    """

    output_field = BigIntegerField()

    def __init__(self, key: str) -> None:
        super().__init__(F("values"))
        self.key = key

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({column} ->> %s) AS bigint)", (*params, self.key)

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"CAST(JSON_EXTRACT({column}, %s) AS INTEGER)", (*params, f'$."{self.key}"')


def json_number(field: str) -> JsonInt:
    return JsonInt(field)


def records_between(account: LineAccount, report: str, date_from: date, date_to: date):
    return InsightRecord.objects.for_account(account).filter(
        report=report, is_current=True, date__gte=date_from, date__lte=date_to
    )


def record_sums(
    account: LineAccount,
    report: str,
    spec: dict[str, tuple[str, ...]],
    date_from: date,
    date_to: date,
    *,
    extra: Q | None = None,
) -> list[Row]:
    """Per day and source, the sum of each metric's fields over the report's current rows.

    A field whose JSON value is null was hidden by LINE: the day's row is flagged ``hidden``
    and, when no row had a visible value, its value is null ("fewer than 20"), never 0.
    An empty field tuple counts rows (``broadcasts.sent``).
    """
    queryset = records_between(account, report, date_from, date_to)
    if extra is not None:
        queryset = queryset.filter(extra)
    fields = sorted({f for parts in spec.values() for f in parts})
    annotations = {}
    for f in fields:
        annotations[f"v_{f}"] = Sum(json_number(f))
        annotations[f"k_{f}"] = Count(json_number(f))
        annotations[f"h_{f}"] = Count("pk", filter=Q(**{f"values__{f}": None}))
    annotations["n_rows"] = Count("pk")
    rows: list[Row] = []
    for r in queryset.values("date", "source").annotate(**annotations).order_by():
        for metric, parts in spec.items():
            if not parts:
                rows.append(Row(metric, r["source"], r["date"], r["n_rows"]))
                continue
            known = sum(r[f"k_{f}"] for f in parts)
            hidden = any(r[f"h_{f}"] for f in parts)
            if not known and not hidden:
                continue  # the file had no such column: no figure, not a zero
            value = sum(r[f"v_{f}"] or 0 for f in parts) if known else None
            rows.append(Row(metric, r["source"], r["date"], value, hidden))
    return rows
