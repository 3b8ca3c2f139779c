"""Per-OA sending rules: the frequency cap and quiet hours that every send path applies.

Broadcasts and journeys both send to an OA's friends and may not import each other, so the
rules (and the cap's count of what friends received from either) live here, below both. The
messages counted come from ``segments.registries.message_receipts``, where each sending app
registers its own.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from oa_console.models import LineAccount
from segments.models import Friend, SendingRules
from segments.registries.message_receipts import message_receipts

# friend ids per query when checking given friends against the cap (SQLite's variable limit).
CAP_CHECK_CHUNK = 5000


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


def _at_cap(account: LineAccount, sources: list[QuerySet], cap: int) -> QuerySet:
    """Friend ids with at least ``cap`` rows across ``sources``, as one aggregated subquery.

    One source (broadcasts alone) is grouped by the ORM, the query broadcasts always ran. More
    are combined as ``GROUP BY`` over their ``UNION ALL``, which the ORM cannot express (a
    combined query takes no further filters), so it is composed from each source's own SQL and
    parameters: still one query, one aggregate, that the database plans as a whole.
    """
    sources = [source for source in sources if not source.query.is_empty()]  # .none()
    if not sources:
        return Friend.objects.for_account(account).none().values("pk")
    if len(sources) == 1:
        return (
            sources[0]
            .order_by()
            .values("friend_id")
            .annotate(received=Count("friend_id"))
            .filter(received__gte=cap)
            .values("friend_id")
        )
    parts, params = [], []
    for number, source in enumerate(sources):
        query = source.order_by().values("friend_id").query
        sql, source_params = query.get_compiler(using=source.db).as_sql()
        parts.append(f"SELECT r{number}.friend_id FROM ({sql}) AS r{number}")
        params += list(source_params)
    received = (
        "SELECT receipts.friend_id FROM (" + " UNION ALL ".join(parts) + ") AS receipts "
        "GROUP BY receipts.friend_id HAVING COUNT(*) >= %s"
    )
    return (
        Friend.objects.for_account(account)
        .filter(pk__in=RawSQL(received, (*params, cap)))
        .values("pk")
    )


def capped_friend_ids(*, account: LineAccount, now: datetime) -> QuerySet:
    """Friends who already received as many messages (from every registered source: broadcasts,
    journeys) as the cap allows within its window, as a subquery of friend ids (empty when the
    cap is off or nothing sends)."""
    rules = sending_rules_get(account=account)
    sources = message_receipts(account, now - timedelta(days=rules.cap_days))
    if not rules.cap_enabled or not sources:
        return Friend.objects.for_account(account).none().values("pk")
    return _at_cap(account, sources, rules.cap_messages)


def frequency_capped(*, account: LineAccount, friend_ids: Iterable[int], now: datetime) -> set[int]:
    """Which of ``friend_ids`` are already at the OA's cap: a send to them now is held back.

    Counts the messages of every registered source, filtered to the given friends before they
    are grouped, so checking one friend stays cheap in an OA of millions of deliveries."""
    rules = sending_rules_get(account=account)
    if not rules.cap_enabled:
        return set()
    since = now - timedelta(days=rules.cap_days)
    wanted = list(dict.fromkeys(friend_ids))
    capped: set[int] = set()
    for start in range(0, len(wanted), CAP_CHECK_CHUNK):
        chunk = wanted[start : start + CAP_CHECK_CHUNK]
        sources = [
            source.filter(friend_id__in=chunk) for source in message_receipts(account, since)
        ]
        if sources:
            rows = _at_cap(account, sources, rules.cap_messages)
            capped.update(next(iter(row.values())) for row in rows)
    return capped


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
