"""Template filters for how values read on a page: LINE codes as names, relative times from
the console's catalogue, custom-event properties as pairs, figures formatted by locale.

``{% load console_format %}`` then ``{{ row.age|line_label:"age" }}``, ``{{ when|ago }}``,
``{{ event.properties|property_items }}``, ``{{ points|figure }}``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import template

from oa_console import labels, relative_time
from oa_console.formatting import amount as format_amount
from oa_console.formatting import figure as format_figure
from oa_console.formatting import percent as format_percent
from oa_console.formatting import property_items as format_property_items
from oa_console.formatting import zone_name
from oa_console.formatting import zoned as format_zoned

register = template.Library()


@register.filter
def line_label(value: object, kind: str) -> str:
    """A LINE code as its translated name (``"jp_13"|line_label:"area"`` → "Tokyo")."""
    return labels.label(kind, value)


@register.filter
def ago(value: datetime | None) -> str:
    """ "3 minutes ago" / "in 2 hours" in the active language (see ``relative_time``)."""
    return relative_time.relative(value)


@register.filter
def duration(value: datetime | None) -> str:
    """ "6 days, 16 hours" between ``value`` and now, without "ago"."""
    return relative_time.duration(value) if value is not None else ""


@register.filter
def property_items(value: object) -> list[tuple[str, str]]:
    """A custom event's properties as (key, readable value) pairs."""
    return format_property_items(value)


@register.filter
def figure(value: int | float | Decimal | str | None) -> str:
    """A number in the active locale, with the decimals it has and no more."""
    return format_figure(value)


@register.filter
def amount(value: int | float | Decimal | str | None, currency: str = "") -> str:
    """Money with its currency's decimals: ``{{ event.amount|amount:event.currency }}``."""
    return format_amount(value, currency)


@register.filter
def zoned(value: datetime | None, zone: str | None = None) -> str:
    """A moment in the OA's time zone with the zone shown ("12/06/2026 1:44 p.m. JST"):
    ``{{ job.created_at|zoned:current_account.time_zone }}``."""
    return format_zoned(value, zone)


@register.filter
def time_zone_label(zone: str | None) -> str:
    """ "Asia/Tokyo (JST)": the zone's name with its current abbreviation."""
    return f"{zone or 'UTC'} ({zone_name(zone)})"


@register.filter
def pct(value: int | float | Decimal | None) -> str:
    """A value in percent units as "45.7 %" in the active locale (``{{ share|pct }}``)."""
    return format_percent(value)
