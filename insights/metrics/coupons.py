"""Reads for the Coupons page: each coupon's views, claims, uses and usage rate.

OA Manager exports coupons either per day (a ``date`` column: summed over the range) or as
running totals "as of" a date (the newest snapshot up to the range's end is shown); the daily
coupon series of the rollups only use the first kind, see docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    # Daily rows: the fields with a hidden day (their sum is the visible part, a lower bound),
    # and the usage rate's sides over the days whose claimed and used are both visible.
    partly_hidden: set[str] = field(default_factory=set)
    rate_used: int = 0
    rate_claimed: int = 0
    days_left_out: int = 0

    @property
    def usage_rate(self) -> float | None:
        if self.as_of is None:
            # Summed days: a day LINE hid leaves out that day of this coupon, as the chart does.
            return round(100 * self.rate_used / self.rate_claimed, 2) if self.rate_claimed else None
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
            for name_ in FIELDS:
                value = values.get(name_)
                if value is None:
                    if name_ in values:
                        row.hidden = True
                        row.partly_hidden.add(name_)
                    continue
                setattr(row, name_, (getattr(row, name_) or 0) + int(value))
            used, claimed = values.get("used"), values.get("claimed")
            if used is not None and claimed is not None:
                row.rate_used += int(used)
                row.rate_claimed += int(claimed)
            elif ("used" in values and used is None) or ("claimed" in values and claimed is None):
                row.days_left_out += 1  # hidden by LINE, not a missing column
        else:
            held = snapshots.get(name)
            if held is not None and held.as_of and record.date and held.as_of >= record.date:
                continue
            snapshots[name] = CouponRow(
                name,
                record.date,
                *(values.get(name_) for name_ in FIELDS),
                hidden=any(name_ in values and values[name_] is None for name_ in FIELDS),
            )
    rows = list(daily.values()) + [s for n, s in snapshots.items() if n not in daily]
    return sorted(rows, key=lambda r: (-(r.claimed or 0), r.name))
