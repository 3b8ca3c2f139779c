"""Orders CSV import: each row becomes a ``purchase`` custom event through the same service as
the events API, so imported and API orders share validation, idempotency (the order id is the
idempotency key) and auto-tag rules.

Rows whose customer matches no friend are reported and skipped (friends are never created); a
row that is malformed rejects the whole file, listing every such row, and nothing is stored.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from oa_console.models import LineAccount
from segments.events import MAX_EVENTS_PER_CALL, custom_events_record
from segments.member_import import MAX_BYTES, MAX_ERRORS, MemberImportError, decode_text, parse_date
from segments.models import CustomEvent

ALIASES = {
    "line_user_id": ["line user id", "user id", "userid", "line_user_id", "lineuserid"],
    "member_id": ["member id", "memberid", "customer id", "会員id", "会員番号"],
    "order_id": ["order id", "orderid", "order number", "order no", "注文番号", "注文id"],
    "occurred_at": [
        "ordered at",
        "order date",
        "date",
        "datetime",
        "purchased at",
        "注文日時",
        "注文日",
        "購入日時",
    ],
    "amount": ["amount", "total", "price", "金額", "合計", "合計金額"],
    "currency": ["currency", "通貨"],
}
CLOCK = re.compile(r"^(\S+)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


class OrderImportError(MemberImportError):
    """Same shape as member import errors: a message and (row, column, reason) items."""


@dataclass
class OrderImportResult:
    rows: int = 0
    stored: int = 0
    duplicates: int = 0
    unknown: int = 0
    unknown_ids: list[str] = field(default_factory=list)


def _normalise(label: str) -> str:
    text = unicodedata.normalize("NFKC", label).strip().lower()
    return re.sub(r"[\s_\-./()]+", " ", text).strip()


def _moment(raw: str, zone: ZoneInfo) -> datetime | None:
    """ISO-8601 with an offset as sent; a local date or date and time in the OA's time zone."""
    parsed = parse_datetime(raw)
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


def orders_import(
    *, account: LineAccount, content: bytes, default_currency: str = "JPY"
) -> OrderImportResult:
    if len(content) > MAX_BYTES:
        raise OrderImportError(_("The file is larger than 20 MB."))
    reader = csv.reader(io.StringIO(decode_text(content)))
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise OrderImportError(_("The file is empty.")) from exc
    lookup = {_normalise(a): name for name, aliases in ALIASES.items() for a in aliases}
    columns: dict[str, int] = {}
    properties: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = lookup.get(_normalise(header))
        if name and name not in columns:
            columns[name] = index
        elif header:
            properties[index] = re.sub(r"[^a-z0-9_]+", "_", _normalise(header)).strip("_")[:64]
    key = (
        "line_user_id"
        if "line_user_id" in columns
        else ("member_id" if "member_id" in columns else "")
    )
    missing = [n for n in ("order_id", "occurred_at", "amount") if n not in columns]
    if not key or missing:
        raise OrderImportError(
            _(
                "An orders file needs columns for the customer (LINE user ID or member ID), the "
                "order ID, the order time and the amount."
            )
        )
    zone = ZoneInfo(account.time_zone or "UTC")
    events, numbers, errors = [], [], []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [value.strip() for value in row] + [""] * (len(headers) - len(row))
        moment = _moment(cells[columns["occurred_at"]], zone)
        if moment is None:
            errors.append(
                {
                    "row": number,
                    "column": headers[columns["occurred_at"]],
                    "reason": _("not a date or date and time"),
                }
            )
            continue
        order_id = cells[columns["order_id"]]
        events.append(
            {
                "friend": {key: cells[columns[key]]},
                "name": "purchase",
                "occurred_at": moment.isoformat(),
                "properties": {name: cells[i] for i, name in properties.items() if name},
                "amount": cells[columns["amount"]].replace(",", ""),
                "currency": (cells[columns["currency"]] if "currency" in columns else "")
                or default_currency,
                "idempotency_key": f"order:{order_id}" if order_id else "",
            }
        )
        numbers.append(number)
    result = OrderImportResult(rows=len(numbers) + len(errors))
    if result.rows == 0:
        raise OrderImportError(_("The file has a header but no rows."))
    with transaction.atomic():
        for start in range(0, len(events), MAX_EVENTS_PER_CALL):
            batch = custom_events_record(
                account=account,
                events=events[start : start + MAX_EVENTS_PER_CALL],
                source=CustomEvent.Source.IMPORT,
            )
            result.stored += batch.accepted
            result.duplicates += batch.duplicates
            for rejected in batch.rejected:
                number = numbers[start + rejected["index"]]
                if list(rejected["errors"]) == ["friend"]:
                    result.unknown += 1
                    if len(result.unknown_ids) < 20:
                        result.unknown_ids.append(events[start + rejected["index"]]["friend"][key])
                    continue
                for name, reasons in rejected["errors"].items():
                    source = {"idempotency_key": "order_id", "friend": key}.get(name, name)
                    column = headers[columns[source]] if source in columns else name
                    errors.append({"row": number, "column": column, "reason": " ".join(reasons)})
        if errors:
            transaction.set_rollback(True)
    if errors:
        errors.sort(key=lambda item: item["row"])
        raise OrderImportError(
            _("%(count)s problem(s) in the file; nothing was imported.") % {"count": len(errors)},
            errors[:MAX_ERRORS],
        )
    return result
