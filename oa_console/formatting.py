"""Numbers as a reader expects them: grouped by locale, with the decimals the value has and no
trailing zeros a database column added (a point balance stored as ``4249.000000`` reads
"4,249"), amounts with their currency's decimals, and custom-event properties as pairs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

# ISO 4217 currencies without minor units that LINE's markets use; others show two decimals.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "TWD", "IDR", "VND", "CLP", "ISK"})


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def figure(value: object) -> str:
    """``4249.000000`` → "4,249", ``12.50`` → "12.5", in the active locale; text stays as is."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if not number.is_finite():
        return str(value)
    normalized = number.normalize()
    places = max(0, -normalized.as_tuple().exponent)
    return number_format(normalized, places, use_l10n=True, force_grouping=True)


def amount(value: object, currency: str = "") -> str:
    """Money: grouped, with the currency's decimals (``1200.00`` JPY → "1,200 JPY")."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    places = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    text = number_format(round(number, places), places, use_l10n=True, force_grouping=True)
    return f"{text} {currency.upper()}".strip()


def property_value(value: object) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None:
        return "—"
    if isinstance(value, int | float | Decimal):
        return figure(value)
    if isinstance(value, list | tuple):
        return ", ".join(property_value(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def property_items(value: object) -> list[tuple[str, str]]:
    """A custom event's properties (a JSON object) as (key, readable value) pairs in key order;
    anything else (a bare value a sender put there) is one pair without a key."""
    if not value and value != 0:
        return []
    if isinstance(value, dict):
        return [(str(key), property_value(value[key])) for key in sorted(value, key=str)]
    return [("", property_value(value))]


def zone_name(zone: str | None, moment: datetime | None = None) -> str:
    """The zone's abbreviation at ``moment`` ("JST", "ICT"), or its UTC offset where the tz
    database has no letters for it ("+07"), or the zone's name."""
    tz = _zone(zone)
    moment = moment or timezone.now()
    abbreviation = moment.astimezone(tz).tzname() or ""
    if abbreviation[:1] in "+-":
        return f"UTC{abbreviation}"
    return abbreviation or str(zone or "UTC")


def _zone(zone: str | None) -> tzinfo:
    try:
        return ZoneInfo(zone) if zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zoned(
    value: datetime | None, zone: str | None = None, fmt: str = "SHORT_DATETIME_FORMAT"
) -> str:
    """``value`` in ``zone`` (an OA's time zone name), formatted for the active locale and
    followed by the zone, so a reader never has to guess which clock a time is on."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    local = value.astimezone(_zone(zone))
    return f"{date_format(local, fmt, use_l10n=True)} {zone_name(zone, value)}"


def percent(value: object, places: int = 1) -> str:
    """A value already in percent ("45.7 %"), written the way every page writes percentages
    (the Insights figures' "%(value)s %%", translated per language); "—" when unknown."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = number_format(round(number, places), places, use_l10n=True, force_grouping=True)
    return _("%(value)s %%") % {"value": text}
