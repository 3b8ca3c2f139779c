"""Setting a custom attribute of friends from automation (a journey's set-attribute node for a
whole batch of friends, a webhook's answer for one), typed by the attribute's definition and
published to the activity hub so that tag rules and other journeys react to the change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish_many
from oa_console.models import LineAccount
from segments.models import AttributeDefinition, Friend, FriendAttribute

_COLUMNS = {
    AttributeDefinition.Type.TEXT: "value_text",
    AttributeDefinition.Type.NUMBER: "value_number",
    AttributeDefinition.Type.DATE: "value_date",
    AttributeDefinition.Type.BOOLEAN: "value_bool",
}
BULK_SIZE = 1000
DISTINCT_UPDATES = 20  # more distinct new values than this: one bulk update instead


class AttributeValueInvalid(ValueError):
    """The value does not fit the attribute's type (or the attribute does not exist)."""


def _typed(type_: str, value):
    if value is None:
        raise AttributeValueInvalid("no value")
    if type_ == AttributeDefinition.Type.TEXT:
        return str(value)[:500]
    if type_ == AttributeDefinition.Type.NUMBER:
        if isinstance(value, bool):
            raise AttributeValueInvalid("a number was expected")
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:
            raise AttributeValueInvalid("a number was expected") from exc
    if type_ == AttributeDefinition.Type.DATE:
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError as exc:
            raise AttributeValueInvalid("a date (YYYY-MM-DD) was expected") from exc
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1", "yes"):
        return True
    if str(value).lower() in ("false", "0", "no"):
        return False
    raise AttributeValueInvalid("true or false was expected")


def attribute_definition_for(*, account: LineAccount, key: str) -> AttributeDefinition:
    """The OA's attribute ``key``; raises ``AttributeValueInvalid`` when it does not exist."""
    definition = AttributeDefinition.objects.for_account(account).filter(key=key).first()
    if definition is None:
        raise AttributeValueInvalid(f"no attribute {key}")
    return definition


def attribute_value_typed(definition: AttributeDefinition, value) -> Any:
    """``value`` converted to the attribute's type; raises ``AttributeValueInvalid``."""
    return _typed(definition.type, value)


@transaction.atomic
def friend_attribute_set(*, account: LineAccount, friend: Friend, key: str, value) -> bool:
    """Set the friend's attribute ``key`` to ``value`` (converted to its type); True when the
    value changed. Raises ``AttributeValueInvalid`` for an unknown key or a mistyped value."""
    if friend.account_id != account.pk:
        raise ValueError("friend of another OA")
    definition = attribute_definition_for(account=account, key=key)
    typed = attribute_value_typed(definition, value)
    return friend_attributes_set(
        account=account, definition=definition, values=[(friend.pk, typed)]
    )[0]


@transaction.atomic
def friend_attributes_set(
    *,
    account: LineAccount,
    definition: AttributeDefinition,
    values: Sequence[tuple[int, Any]],
) -> list[bool]:
    """Set ``definition`` for many friends at once: ``values`` are (friend id, typed value)
    pairs (friends already known to belong to ``account``, values from
    ``attribute_value_typed``), applied in their order as if set one after the other, so a
    friend set twice changes twice only if the second value differs from the first.

    Returns, per pair, whether it changed the value. A few statements whatever the count: one
    read of the current rows, one insert of the new ones, an update per distinct new value
    (one for a node setting a fixed value) or one bulk update when they are many, and one
    publication of every change (an ``attribute_changed`` activity each, in order)."""
    if definition.account_id != account.pk:
        raise ValueError("attribute of another OA")
    column = _COLUMNS[definition.type]
    rows = FriendAttribute.objects.for_account(account)
    current: dict[int, FriendAttribute] = {
        row.friend_id: row
        for row in rows.filter(definition=definition, friend_id__in={pk for pk, _ in values})
    }
    new: dict[int, FriendAttribute] = {}
    updated: dict[int, FriendAttribute] = {}
    changed: list[bool] = []
    published: list[ActivityInput] = []
    for friend_id, typed in values:
        row = current.get(friend_id)
        if row is not None and getattr(row, column) == typed:
            changed.append(False)
            continue
        if row is None:
            row = FriendAttribute(account=account, friend_id=friend_id, definition=definition)
            current[friend_id] = new[friend_id] = row
        elif friend_id not in new:
            updated[friend_id] = row
        setattr(row, column, typed)
        changed.append(True)
        published.append(
            ActivityInput(
                kind=Activity.Kind.ATTRIBUTE_CHANGED,
                friend_id=friend_id,
                payload={"attribute": definition.key, "value": str(typed)},
            )
        )
    if new:
        rows.bulk_create(new.values())
    if updated:
        _rows_update(account, column, list(updated.values()))
    publish_many(account=account, activities=published)
    return changed


def _rows_update(account: LineAccount, column: str, rows: list[FriendAttribute]) -> None:
    """Save ``column`` of existing rows: one UPDATE per distinct value when there are few (a
    node setting one value to everyone), else one bulk update (Django's builds a CASE per row,
    slower per row but one statement)."""
    now = timezone.now()
    by_value: dict[Any, list[int]] = {}
    for row in rows:
        row.updated_at = now
        by_value.setdefault(getattr(row, column), []).append(row.pk)
    queryset = FriendAttribute.objects.for_account(account)
    if len(by_value) > DISTINCT_UPDATES:
        queryset.bulk_update(rows, [column, "updated_at"], batch_size=BULK_SIZE)
        return
    for value, pks in by_value.items():
        queryset.filter(pk__in=pks).update(**{column: value, "updated_at": now})
