"""Orders import, a type of the Imports page: each row becomes a ``purchase`` custom event
through the same service as the events API, so imported and API orders share validation,
idempotency (the order id is the idempotency key) and auto-tag rules, and feed RFM and the
``event`` segment rules.

Columns not mapped to a field are kept as the event's properties. Order times without an
offset are in the OA's time zone. Rows whose customer matches no friend are counted and listed
for download (friends are never created); a malformed row is reported by row and column and
stops the file unless "skip bad rows" is chosen. Re-importing a file stores nothing twice.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from insights.imports.detection import Detection, apply_spec_mapping, map_spec_headers
from insights.imports.kinds import ApplyResult, ImportKind, header_labels
from insights.imports.members.columns import parse_date
from insights.imports.reports import alias_index
from insights.imports.reports.spec import F, Kind, ReportSpec, normalise_header
from segments.models import CustomEvent
from segments.services.events import (
    CURRENCY,
    MAX_AMOUNT,
    MAX_EVENTS_PER_CALL,
    MAX_PROPERTIES_BYTES,
    PURCHASE,
    custom_events_record,
)

if TYPE_CHECKING:
    from insights.imports.normalise import NormalisedChunk

CLOCK = re.compile(r"^(\S+)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
KEY_PREFIX = "order:"
ORDER_ID_MAX = 128 - len(KEY_PREFIX)

SPEC = ReportSpec(
    "orders",  # type: ignore[arg-type]  # not an Insight report; the spec only lists fields
    _("Orders"),
    _(
        "Purchases from your shop or e-commerce system: customer (LINE user ID or member ID), "
        "order ID, order time, amount and currency. Each order becomes a purchase event, stored "
        "once per order ID, used by segments and RFM."
    ),
    (
        F("line_user_id", Kind.TEXT, _("LINE user ID"), ["line user id", "user id", "userid"]),
        F(
            "member_id",
            Kind.TEXT,
            _("Member ID"),
            ["member id", "memberid", "customer id", "会員id", "会員番号"],
        ),
        F(
            "order_id",
            Kind.TEXT,
            _("Order ID"),
            ["order id", "orderid", "order number", "order no", "注文番号", "注文id"],
            required=True,
        ),
        F(
            "occurred_at",
            Kind.DATETIME,
            _("Order time"),
            [
                "ordered at",
                "order date",
                "date",
                "datetime",
                "purchased at",
                "注文日時",
                "注文日",
                "購入日時",
            ],
            required=True,
        ),
        F(
            "amount",
            Kind.DECIMAL,
            _("Amount"),
            ["amount", "total", "price", "金額", "合計", "合計金額"],
            required=True,
        ),
        F("currency", Kind.TEXT, _("Currency"), ["currency", "通貨"]),
    ),
    keys=(("order_id",),),
    date_field="occurred_at",
    required_any=(("line_user_id", "member_id"),),
)
ALIASES = alias_index(SPEC)


def _moment(raw: str, zone: ZoneInfo) -> datetime | None:
    """ISO-8601 with an offset as sent; a local date or date and time in the OA's time zone."""
    try:
        parsed = parse_datetime(raw)
    except ValueError:
        return None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    match = CLOCK.match(raw)
    day = parse_date(match.group(1) if match else raw)
    if day is None:
        return None
    hour, minute, second = (int(match.group(i) or 0) for i in (2, 3, 4)) if match else (0, 0, 0)
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _amount(raw: str) -> tuple[str, str]:
    try:
        amount = Decimal(raw.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        return "", "not_a_number"
    if not amount.is_finite():
        return "", "not_a_number"
    if abs(amount) > MAX_AMOUNT:
        return "", "amount_range"
    return str(amount.quantize(Decimal("0.01"))), ""


def property_name(header: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", normalise_header(header)).strip("_")[:64]


class OrdersContext:
    def __init__(self, *, mapping: dict[str, str], currency: str, zone: ZoneInfo) -> None:
        self.by_field = {name: column for column, name in mapping.items()}
        self.currency = currency
        self.zone = zone
        self.properties: dict[str, str] = {}  # column -> property name, set per file

    def bind(self, columns) -> None:
        if not self.properties:
            mapped = set(self.by_field.values())
            self.properties = {
                column: property_name(column)
                for column in columns
                if column not in mapped and property_name(column)
            }


class OrdersKind(ImportKind):
    type = "orders"
    label = SPEC.label
    description = SPEC.description
    delete_removes_data = False

    def labels(self):
        return header_labels(SPEC.fields)

    def guess(self, headers, *, account):
        return self._complete_currency(map_spec_headers(headers, SPEC, ALIASES), {})

    def check_mapping(self, headers, mapping, options, *, account):
        return self._complete_currency(apply_spec_mapping(headers, SPEC, mapping), options)

    def _complete_currency(self, detection: Detection, options: dict) -> Detection:
        """Without a currency column the user gives one for the whole file."""
        if "currency" not in detection.mapping.values() and not CURRENCY.match(
            options.get("currency", "")
        ):
            detection.missing.append("currency")
        return detection

    def missing_labels(self, missing):
        return SPEC.missing_labels(missing)

    def mapping_form(self, *, job, data, initial_mapping, initial_options):
        from insights.imports.orders.forms import OrdersMappingForm

        return OrdersMappingForm(
            data,
            headers=job.headers,
            fields=SPEC.fields,
            report=self.type,
            initial_mapping=initial_mapping,
            initial={
                "report": self.type,
                "remember": True,
                "currency": initial_options.get("currency", ""),
            },
        )

    def context(self, *, job, detection):
        return OrdersContext(
            mapping=detection.mapping,
            currency=job.options.get("currency", ""),
            zone=ZoneInfo(job.account.time_zone or "UTC"),
        )

    def normalise(self, chunk, *, first_row, ctx: OrdersContext) -> NormalisedChunk:
        # Imported when a file is read, not when Django starts (see member_import.normalise).
        import numpy as np
        import pandas as pd

        from insights.imports.normalise import NormalisedChunk

        ctx.bind(chunk.columns)
        cells = {column: chunk[column].astype(str).str.strip().tolist() for column in chunk.columns}
        customer_fields = [name for name in ("line_user_id", "member_id") if name in ctx.by_field]
        rows, keys, dates, values, errors = [], [], [], [], []
        rejected = 0
        for i in range(len(chunk)):
            number = first_row + i
            problems: list[tuple[str, str, str]] = []

            cell = {name: cells[column][i] for name, column in ctx.by_field.items()}
            customer = next(
                ((name, cell.get(name, "")) for name in customer_fields if cell.get(name, "")), None
            )
            if customer is None:
                problems.append((ctx.by_field[customer_fields[0]], "missing", ""))
            order_id = cell.get("order_id", "")
            if not order_id:
                problems.append((ctx.by_field["order_id"], "missing", ""))
            elif len(order_id) > ORDER_ID_MAX:
                problems.append((ctx.by_field["order_id"], "too_long", order_id))
            moment = (
                _moment(cell.get("occurred_at", ""), ctx.zone)
                if cell.get("occurred_at", "")
                else None
            )
            if moment is None:
                code = "not_a_datetime" if cell.get("occurred_at", "") else "missing"
                problems.append((ctx.by_field["occurred_at"], code, cell.get("occurred_at", "")))
            amount, code = (
                _amount(cell.get("amount", "")) if cell.get("amount", "") else ("", "missing")
            )
            if code:
                problems.append((ctx.by_field["amount"], code, cell.get("amount", "")))
            currency = (cell.get("currency", "") or ctx.currency).upper()
            if not CURRENCY.match(currency):
                problems.append((ctx.by_field.get("currency", ""), "not_a_currency", currency))
            properties = {
                name: cells[column][i]
                for column, name in ctx.properties.items()
                if cells[column][i]
            }
            encoded = json.dumps(properties, ensure_ascii=False)
            if len(encoded.encode()) > MAX_PROPERTIES_BYTES:
                problems.append((next(iter(ctx.properties)), "too_long", encoded))
            if problems:
                rejected += 1
                errors.extend(
                    {"row": number, "column": column, "code": code, "value": value[:80]}
                    for column, code, value in problems
                )
                continue
            rows.append(number)
            keys.append(order_id)
            dates.append(moment.astimezone(ctx.zone).date().isoformat())
            values.append(
                json.dumps(
                    {
                        "friend": {customer[0]: customer[1]},
                        "occurred_at": moment.isoformat(),
                        "amount": amount,
                        "currency": currency,
                        "properties": properties,
                    },
                    ensure_ascii=False,
                )
            )
        frame = pd.DataFrame(
            {
                "row": np.array(rows, dtype=np.int64),
                "key": pd.Series(keys, dtype=object),
                "date": pd.Series(dates, dtype=object),
                "values": pd.Series(values, dtype=object),
            }
        )
        return NormalisedChunk(frame=frame, errors=errors, rejected_rows=rejected)

    def key_column(self, detection):
        return next(
            (column for column, name in detection.mapping.items() if name == "order_id"), ""
        )

    def doc(self):
        rows = "\n".join(
            f"| `{f.name}`{' **required**' if f.required else ''} | {f.label} | "
            f"{', '.join(f'`{a}`' for a in f.aliases)} |"
            for f in SPEC.fields
        )
        return ORDERS_DOC.format(label=self.label, type=self.type, rows=rows)

    def apply(self, *, stage, job, detection):
        by_field = {name: column for column, name in detection.mapping.items()}
        customer_column = " / ".join(
            by_field[name] for name in ("line_user_id", "member_id") if name in by_field
        )
        result = ApplyResult(unknown_column=customer_column)
        for batch in stage.batches(MAX_EVENTS_PER_CALL):
            events = [
                {
                    "friend": staged.values["friend"],
                    "name": PURCHASE,
                    "occurred_at": staged.values["occurred_at"],
                    "properties": staged.values["properties"],
                    "amount": staged.values["amount"],
                    "currency": staged.values["currency"],
                    "idempotency_key": KEY_PREFIX + staged.key,
                }
                for staged in batch
            ]
            stored = custom_events_record(
                account=job.account, events=events, source=CustomEvent.Source.IMPORT
            )
            result.inserted += stored.accepted
            result.unchanged += stored.duplicates
            problems = []
            for rejected in stored.rejected:
                staged = batch[rejected["index"]]
                if list(rejected["errors"]) == ["friend"]:
                    (value,) = staged.values["friend"].values()
                    result.unknown.append((staged.row, value))
                    continue
                for name, reasons in rejected["errors"].items():
                    problems.append(
                        {
                            "row": staged.row,
                            "column": by_field.get(name, name),
                            "code": "rejected",
                            "value": " ".join(str(r) for r in reasons),
                        }
                    )
            if problems:
                # Checked while reading already; a rule of the events API we do not mirror
                # stops the file rather than storing part of it.
                from insights.imports.run import RowsRejected

                raise RowsRejected(problems, len(problems))
        return result


ORDERS_DOC = """\
## {label} (`{type}`)

One row per order; each becomes a `purchase` custom event (source `import`) through the same
service as `POST /api/v1/accounts/<id>/events/`, with the order ID as its idempotency key
(`order:<order id>`), so re-importing a file stores nothing twice (*unchanged*), and the
events feed RFM and the `event` segment rules. Detected from the header when the order ID,
time, amount, currency and a customer column are all recognised; otherwise the mapping step
asks (and, without a currency column, for the currency of every order).

- The customer is a LINE user ID or a member ID (at least one column); customers matching no
  friend are counted and listed for download, never created.
- Order times with an offset are taken as written; without one they are in the OA's time zone.
  Amounts are numbers (thousands separators allowed, at most 999,999,999,999.99); currencies
  three-letter codes. Columns not mapped to a field are kept as the event's properties.
- A repeated order ID in one file is rejected like a repeated date; any problem stops the file
  unless **skip bad rows** is chosen. Deleting the import keeps the stored events.

| Field | Meaning | Header aliases |
|---|---|---|
{rows}
"""
