"""Reads for the "Rich menu taps" page and API: taps per day and menu (the chart), per area and
per segment rule, over the last days in the OA's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from oa_console.models import LineAccount
from oa_console.ranges import local_today
from richmenus.models import RichMenu, RichMenuTap

PERIODS = (7, 30, 90)


@dataclass(frozen=True)
class TapPeriod:
    first: date
    last: date
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=self.zone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def tap_period(*, account: LineAccount, days: int) -> TapPeriod:
    zone_name = account.time_zone or "UTC"
    last = local_today(zone_name)
    return TapPeriod(first=last - timedelta(days=days - 1), last=last, zone=ZoneInfo(zone_name))


def _taps(account: LineAccount, period: TapPeriod, menu_id: int | None) -> QuerySet:
    taps = RichMenuTap.objects.for_account(account).filter(
        tapped_at__gte=period.since, tapped_at__lt=period.until
    )
    return taps.filter(menu_id=menu_id) if menu_id else taps


@dataclass(frozen=True)
class DailyTaps:
    day: date
    menu_id: int
    menu: str
    taps: int


def taps_per_day(
    *, account: LineAccount, period: TapPeriod, menu_id: int | None = None
) -> list[DailyTaps]:
    """One row per day and menu that had taps, in day then menu name order."""
    rows = (
        _taps(account, period, menu_id)
        .annotate(day=TruncDate("tapped_at", tzinfo=period.zone))
        .values("day", "menu_id", "menu__name")
        .annotate(taps=Count("pk"))
        .order_by("day", "menu__name", "menu_id")
    )
    return [DailyTaps(r["day"], r["menu_id"], r["menu__name"], r["taps"]) for r in rows]


def taps_per_area(*, account: LineAccount, period: TapPeriod, menu_id: int | None = None):
    """Per menu and area: taps, postback and link taps, and distinct friends (postbacks)."""
    return list(
        _taps(account, period, menu_id)
        .values("menu_id", "menu__name", "area_id", "area__label", "area__position")
        .annotate(
            taps=Count("pk"),
            postbacks=Count("pk", filter=Q(kind=RichMenuTap.Kind.POSTBACK)),
            links=Count("pk", filter=Q(kind=RichMenuTap.Kind.LINK)),
            friends=Count("friend_id", distinct=True),
        )
        .order_by("menu__name", "menu_id", "area__position", "area_id")
    )


def taps_per_rule(*, account: LineAccount, period: TapPeriod, menu_id: int | None = None):
    """Per rule that had linked the tapping friend's menu (None: the default menu, a menu
    shown by several rules, or set by a journey)."""
    return list(
        _taps(account, period, menu_id)
        .values("rule_id", "rule__kind", "rule__segment__name", "rule__tag__name", "menu__name")
        .annotate(taps=Count("pk"), friends=Count("friend_id", distinct=True))
        .order_by("-taps", "rule_id")
    )


def tap_menus(*, account: LineAccount) -> QuerySet[RichMenu]:
    """Menus a tap may be filtered by: those that were ever published."""
    return (
        RichMenu.objects.for_account(account).exclude(line_rich_menu_id="").order_by("name", "pk")
    )
