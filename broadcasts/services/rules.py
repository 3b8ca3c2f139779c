"""Per-OA sending rules: the frequency cap and quiet hours that every send path applies."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from broadcasts.models import Delivery, SendingRules, delivered_deliveries
from oa_console.models import LineAccount


def sending_rules_get(*, account: LineAccount) -> SendingRules:
    """The OA's rules; an OA that never saved any gets the defaults (2 per 7 days, 22-08)."""
    rules = SendingRules.objects.for_account(account).first()
    return rules or SendingRules(account=account)


@transaction.atomic
def sending_rules_update(
    *,
    account: LineAccount,
    cap_enabled: bool,
    cap_messages: int,
    cap_days: int,
    quiet_enabled: bool,
    quiet_start: time,
    quiet_end: time,
    use_aggregation_units: bool = True,
) -> SendingRules:
    errors = {}
    if not 1 <= cap_messages <= 50:
        errors["cap_messages"] = _("Choose between 1 and 50 messages.")
    if not 1 <= cap_days <= 90:
        errors["cap_days"] = _("Choose between 1 and 90 days.")
    if quiet_enabled and quiet_start == quiet_end:
        errors["quiet_end"] = _("Quiet hours must end at a different time than they start.")
    if errors:
        raise ValidationError(errors)
    rules, _created = SendingRules.objects.for_account(account).update_or_create(
        account=account,
        defaults={
            "cap_enabled": cap_enabled,
            "cap_messages": cap_messages,
            "cap_days": cap_days,
            "quiet_enabled": quiet_enabled,
            "quiet_start": quiet_start,
            "quiet_end": quiet_end,
            "use_aggregation_units": use_aggregation_units,
        },
    )
    return rules


def capped_friend_ids(*, account: LineAccount, now: datetime) -> QuerySet:
    """Friends who already received as many broadcasts as the cap allows within its window, as
    a subquery of friend ids (empty when the cap is off)."""
    rules = sending_rules_get(account=account)
    if not rules.cap_enabled:
        return Delivery.objects.for_account(account).none().values("friend_id")
    return (
        delivered_deliveries(account=account, since=now - timedelta(days=rules.cap_days))
        .values("friend_id")
        .annotate(received=Count("pk"))
        .filter(received__gte=rules.cap_messages)
        .values("friend_id")
    )


def _local(account: LineAccount, moment: datetime) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(account.time_zone))


def quiet_hours_end(*, account: LineAccount, moment: datetime) -> datetime | None:
    """When the quiet period containing ``moment`` ends (an aware datetime), or None when
    ``moment`` is outside quiet hours. Quiet hours may span midnight (22:00 to 08:00)."""
    rules = sending_rules_get(account=account)
    if not rules.quiet_enabled or rules.quiet_start == rules.quiet_end:
        return None
    local = _local(account, moment)
    start, end, now_t = rules.quiet_start, rules.quiet_end, local.time()
    spans_midnight = start > end
    inside = (start <= now_t or now_t < end) if spans_midnight else (start <= now_t < end)
    if not inside:
        return None
    end_day = local.date()
    if spans_midnight and now_t >= start:
        end_day += timedelta(days=1)
    return local_to_utc(account=account, local=datetime.combine(end_day, end))


def quiet_hours_next_start(*, account: LineAccount, moment: datetime) -> datetime | None:
    """When the next quiet period starts after ``moment`` (outside quiet hours), or None when
    quiet hours are off. A send in progress stops there."""
    rules = sending_rules_get(account=account)
    if not rules.quiet_enabled or rules.quiet_start == rules.quiet_end:
        return None
    zone = zoneinfo.ZoneInfo(account.time_zone)
    local = _local(account, moment)
    day = local.date() if local.time() < rules.quiet_start else local.date() + timedelta(days=1)
    return datetime.combine(day, rules.quiet_start, tzinfo=zone).astimezone(UTC)


def local_to_utc(*, account: LineAccount, local: datetime) -> datetime:
    """A wall-clock time in the OA's zone as an aware UTC datetime.

    A time that does not exist (skipped by a DST change) is refused; one that happens twice
    (clocks turned back) means its first occurrence, as a calendar would.
    """
    zone = zoneinfo.ZoneInfo(account.time_zone)
    naive = local.replace(tzinfo=None)
    aware = naive.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise ValidationError(
            {
                "send_at": _(
                    "%(time)s does not exist in %(zone)s (the clocks skip it); choose another time."
                )
                % {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": account.time_zone}
            }
        )
    return aware.astimezone(UTC)
