"""Reads for the Coupons page: each coupon's views, claims, uses and usage rate.

OA Manager exports coupons either per day (a ``date`` column: summed over the range) or as
running totals "as of" a date (the newest snapshot up to the range's end is shown); the daily
coupon series of the rollups only use the first kind, see docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from insights.models import InsightRecord
from oa_console.models import LineAccount

FIELDS = ("views", "claimed", "used")


@dataclass
class CouponRow:
    name: str
    as_of: date | None  # the snapshot date; None for sums of daily rows
    views: int | None = None
    claimed: int | None = None
    used: int | None = None
    hidden: bool = False

    @property
    def usage_rate(self) -> float | None:
        if self.used is None or not self.claimed or self.hidden:
            return None
        return round(100 * self.used / self.claimed, 2)


def coupon_list(*, account: LineAccount, date_from: date, date_to: date) -> list[CouponRow]:
    records = InsightRecord.objects.filter(
        account=account, report="coupons", is_current=True, date__lte=date_to
    ).only("date", "values")
    daily: dict[str, CouponRow] = {}
    snapshots: dict[str, CouponRow] = {}
    for record in records:
        values = record.values
        name = str(values.get("coupon_name") or values.get("coupon_id") or "")
        if "date" in values:
            if record.date is None or record.date < date_from:
                continue
            row = daily.setdefault(name, CouponRow(name, None))
            for field in FIELDS:
                value = values.get(field)
                if value is None:
                    row.hidden = row.hidden or field in values
                    continue
                setattr(row, field, (getattr(row, field) or 0) + int(value))
        else:
            held = snapshots.get(name)
            if held is not None and held.as_of and record.date and held.as_of >= record.date:
                continue
            snapshots[name] = CouponRow(
                name,
                record.date,
                *(values.get(field) for field in FIELDS),
                hidden=any(field in values and values[field] is None for field in FIELDS),
            )
    rows = list(daily.values()) + [s for n, s in snapshots.items() if n not in daily]
    return sorted(rows, key=lambda r: (-(r.claimed or 0), r.name))
