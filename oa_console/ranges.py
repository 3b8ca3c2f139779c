"""The date range of a dashboard or API request: preset (7/30/90/365 days) or custom, in the
OA's time zone, and the previous period of the same length to compare against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oa_console.query_fields import EARLIEST_DATE, LATEST_DATE, date_in_range

PRESETS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


class RangeError(ValueError):
    """A range the user typed that cannot be shown; the message says why."""


@dataclass(frozen=True)
class DateRange:
    date_from: date
    date_to: date
    preset: int | None  # days, or None for a custom range
    compare: bool = False

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def previous(self) -> DateRange:
        """The period of the same length ending the day before this one starts."""
        to = self.date_from - timedelta(days=1)
        return DateRange(to - timedelta(days=self.days - 1), to, self.preset, False)

    @property
    def granularity(self) -> str:
        """Days up to 92 days, weeks up to ~a year and a half, months beyond."""
        if self.days <= 92:
            return "day"
        return "week" if self.days <= 550 else "month"

    def query(self, **extra) -> str:
        """The query string that reproduces this range (shareable links)."""
        from urllib.parse import urlencode

        params = (
            {"range": self.preset}
            if self.preset
            else {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        )
        if self.compare:
            params["compare"] = "1"
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)


def local_today(time_zone: str) -> date:
    return timezone.localtime(timezone.now(), ZoneInfo(time_zone)).date()


def parse_date(value: str, name: str) -> date:
    """A date the dashboards can compute with: its previous period and the charts' buckets
    stay far from ``date.min``/``date.max`` (year 9999 overflowed when a chart added a day)."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise RangeError(
            _("%(name)s must be a date written YYYY-MM-DD, not %(value)s.")
            % {"name": name, "value": value[:40]}
        ) from exc
    if not date_in_range(parsed):
        raise RangeError(
            _("%(name)s must be between %(earliest)s and %(latest)s.")
            % {
                "name": name,
                "earliest": EARLIEST_DATE.isoformat(),
                "latest": LATEST_DATE.isoformat(),
            }
        )
    return parsed


def date_range_from(params, *, time_zone: str) -> DateRange:
    """``range=7|30|90|365`` ending today (the OA's day), or ``from``/``to`` (custom);
    ``compare=1`` adds the previous period. Raises RangeError with a message for bad input."""
    compare = params.get("compare") in ("1", "true", "on")
    raw_from, raw_to = params.get("from") or "", params.get("to") or ""
    today = local_today(time_zone)
    if raw_from or raw_to:
        date_to = parse_date(raw_to, "to") if raw_to else today
        date_from = parse_date(raw_from, "from") if raw_from else date_to - timedelta(days=29)
        if date_from > date_to:
            raise RangeError(_("The start date is after the end date."))
        if (date_to - date_from).days + 1 > MAX_DAYS:
            raise RangeError(_("A range is at most %(days)s days.") % {"days": MAX_DAYS})
        return DateRange(date_from, date_to, None, compare)
    raw = params.get("range") or str(DEFAULT_DAYS)
    try:
        days = int(raw)
    except ValueError:
        days = -1
    if days not in PRESETS:
        raise RangeError(
            _("range must be one of %(choices)s.") % {"choices": ", ".join(map(str, PRESETS))}
        )
    return DateRange(today - timedelta(days=days - 1), today, days, compare)
