"""Custom events from the brand's other systems (POS, e-commerce, CRM): validate each event on
its own, store each idempotency key once, and publish what was stored to the activity hub (tag
rules react there).

One bad event never sinks a batch: the caller gets the index and reasons of every rejected event
and the others are stored. A retried call finds its keys already stored and reports them as
duplicates, so it is safe to resend a whole batch after a timeout.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from oa_console.activity.draining import activity_react_now
from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish_many
from oa_console.models import LineAccount
from segments.models import CustomEvent, Friend

MAX_EVENTS_PER_CALL = 10_000
MAX_PROPERTIES_BYTES = 8000
PURCHASE = "purchase"
EVENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass(frozen=True)
class EventInput:
    """One event after validation: the friend is resolved and the types are Python's."""

    index: int
    friend_id: int
    name: str
    occurred_at: datetime
    properties: dict
    idempotency_key: str
    amount: Decimal | None
    currency: str


@dataclass
class EventsResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    stored: list[CustomEvent] = field(default_factory=list)


def _friend_key(raw) -> tuple[str, str] | None:
    if not isinstance(raw, dict) or len(raw) != 1:
        return None
    ((kind, value),) = raw.items()
    if kind not in ("line_user_id", "member_id") or not isinstance(value, str) or not value:
        return None
    return kind, value


def _check(raw, index: int) -> tuple[dict, dict[str, list[str]]]:
    """Field-level errors of one raw event (before friends are looked up)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        return {}, {"event": [_("Expected an object.")]}
    unknown = sorted(
        set(raw)
        - {"friend", "name", "occurred_at", "properties", "idempotency_key", "amount", "currency"}
    )
    for key in unknown:
        errors[key] = [_("Unknown field.")]
    if _friend_key(raw.get("friend")) is None:
        errors["friend"] = [_('Give exactly one of {"line_user_id": …} or {"member_id": …}.')]
    name = raw.get("name")
    if not isinstance(name, str) or not EVENT_NAME.match(name):
        errors["name"] = [
            _("Expected a name of letters, digits and _ . : - (at most 64 characters).")
        ]
    occurred = raw.get("occurred_at")
    moment = parse_datetime(occurred) if isinstance(occurred, str) else None
    if moment is None or moment.tzinfo is None:
        errors["occurred_at"] = [_("Expected an ISO-8601 time with a UTC offset.")]
    properties = raw.get("properties", {})
    if not isinstance(properties, dict):
        errors["properties"] = [_("Expected an object.")]
    elif len(json.dumps(properties, ensure_ascii=False).encode()) > MAX_PROPERTIES_BYTES:
        errors["properties"] = [
            _("At most %(n)s bytes of properties.") % {"n": MAX_PROPERTIES_BYTES}
        ]
    key = raw.get("idempotency_key")
    if not isinstance(key, str) or not key.strip() or len(key) > 128:
        errors["idempotency_key"] = [_("Expected a non-empty text of at most 128 characters.")]
    amount, currency = raw.get("amount"), raw.get("currency")
    if isinstance(properties, dict):
        amount = properties.get("amount") if amount is None else amount
        currency = properties.get("currency") if currency is None else currency
    parsed_amount = None
    if amount is not None or name == PURCHASE:
        try:
            if isinstance(amount, bool) or not isinstance(amount, (int, float, str)):
                raise InvalidOperation
            parsed_amount = Decimal(str(amount))
            if not parsed_amount.is_finite() or abs(parsed_amount) > MAX_AMOUNT:
                raise InvalidOperation
            parsed_amount = parsed_amount.quantize(Decimal("0.01"))
        except InvalidOperation:
            errors["amount"] = [_("A purchase needs an amount (a number).")]
    needs_currency = currency is not None or name == PURCHASE
    if needs_currency and (not isinstance(currency, str) or not CURRENCY.match(currency)):
        errors["currency"] = [_("Expected a three-letter currency code such as JPY.")]
    clean = {
        "index": index,
        "friend": _friend_key(raw.get("friend")),
        "name": name,
        "occurred_at": moment,
        "properties": properties if isinstance(properties, dict) else {},
        "idempotency_key": key,
        "amount": parsed_amount,
        "currency": currency if isinstance(currency, str) else "",
    }
    return clean, errors


def custom_events_record(
    *, account: LineAccount, events: Sequence, source: str = CustomEvent.Source.API
) -> EventsResult:
    """Validate and store a batch of raw events (at most ``MAX_EVENTS_PER_CALL``).

    Unknown friends are rejected, never created: an event cannot invent a LINE user. Tag
    rules react through the activity hub, before this returns when called outside a
    transaction (the API) and right after the caller's commit otherwise.
    """
    result = _custom_events_store(account=account, events=events, source=source)
    if result.stored:
        activity_react_now()
    return result


@transaction.atomic
def _custom_events_store(*, account: LineAccount, events: Sequence, source: str) -> EventsResult:
    if len(events) > MAX_EVENTS_PER_CALL:
        raise ValueError(f"at most {MAX_EVENTS_PER_CALL} events per call")
    result = EventsResult()
    checked = []
    for index, raw in enumerate(events):
        clean, errors = _check(raw, index)
        if errors:
            result.rejected.append(_rejection(index, raw, errors))
        else:
            checked.append(clean)
    friends = _resolve_friends(account, [item["friend"] for item in checked])
    inputs: list[EventInput] = []
    for item in checked:
        friend_id = friends.get(item["friend"])
        if friend_id is None:
            result.rejected.append(
                _rejection(
                    item["index"],
                    events[item["index"]],
                    {"friend": [_("No friend of this OA has this id.")]},
                )
            )
            continue
        inputs.append(
            EventInput(
                index=item["index"],
                friend_id=friend_id,
                name=item["name"],
                occurred_at=item["occurred_at"],
                properties=item["properties"],
                idempotency_key=item["idempotency_key"],
                amount=item["amount"],
                currency=item["currency"],
            )
        )
    keys = [item.idempotency_key for item in inputs]
    known = set(
        CustomEvent.objects.for_account(account)
        .filter(idempotency_key__in=keys)
        .values_list("idempotency_key", flat=True)
    )
    fresh: dict[str, EventInput] = {}
    for item in inputs:
        if item.idempotency_key in known or item.idempotency_key in fresh:
            result.duplicates += 1
        else:
            fresh[item.idempotency_key] = item
    rows = [
        CustomEvent(
            account=account,
            friend_id=item.friend_id,
            name=item.name,
            occurred_at=item.occurred_at,
            properties=item.properties,
            amount=item.amount,
            currency=item.currency,
            idempotency_key=item.idempotency_key,
            source=source,
        )
        for item in fresh.values()
    ]
    # A concurrent call with the same keys loses the race quietly: ignore_conflicts keeps the
    # first, and the keys are counted as accepted by whichever call stored them.
    CustomEvent.objects.for_account(account).bulk_create(
        rows, ignore_conflicts=True, batch_size=500
    )
    result.accepted = len(rows)
    result.stored = list(
        CustomEvent.objects.for_account(account).filter(idempotency_key__in=list(fresh))
    )
    result.rejected.sort(key=lambda item: item["index"])
    publish_many(
        account=account,
        activities=(
            ActivityInput(
                kind=Activity.Kind.CUSTOM_EVENT,
                occurred_at=event.occurred_at,
                friend_id=event.friend_id,
                payload={"event_id": event.pk, "name": event.name, "properties": event.properties},
            )
            for event in result.stored
        ),
    )
    return result


def _rejection(index: int, raw, errors: dict[str, list[str]]) -> dict:
    key = raw.get("idempotency_key") if isinstance(raw, dict) else None
    return {
        "index": index,
        "idempotency_key": key if isinstance(key, str) else None,
        "errors": errors,
    }


def _resolve_friends(account: LineAccount, keys: list[tuple[str, str]]) -> dict:
    by_kind: dict[str, set[str]] = {"line_user_id": set(), "member_id": set()}
    for kind, value in keys:
        by_kind[kind].add(value)
    found: dict[tuple[str, str], int] = {}
    for kind, values in by_kind.items():
        if not values:
            continue
        for value, pk in (
            Friend.objects.for_account(account)
            .filter(**{f"{kind}__in": values})
            .values_list(kind, "pk")
        ):
            found[(kind, value)] = pk
    return found
