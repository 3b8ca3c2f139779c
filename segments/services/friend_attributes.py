"""Setting one custom attribute of one friend from automation (a journey's set-attribute node,
a webhook's answer), typed by the attribute's definition and published to the activity hub so
that tag rules and other journeys react to the change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

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


@transaction.atomic
def friend_attribute_set(*, account: LineAccount, friend: Friend, key: str, value) -> bool:
    """Set the friend's attribute ``key`` to ``value`` (converted to its type); True when the
    value changed. Raises ``AttributeValueInvalid`` for an unknown key or a mistyped value."""
    if friend.account_id != account.pk:
        raise ValueError("friend of another OA")
    definition = AttributeDefinition.objects.for_account(account).filter(key=key).first()
    if definition is None:
        raise AttributeValueInvalid(f"no attribute {key}")
    typed = _typed(definition.type, value)
    column = _COLUMNS[definition.type]
    row, created = FriendAttribute.objects.for_account(account).get_or_create(
        account=account, friend=friend, definition=definition, defaults={column: typed}
    )
    if not created:
        if getattr(row, column) == typed:
            return False
        setattr(row, column, typed)
        row.save(update_fields=[column, "updated_at"])
    publish_many(
        account=account,
        activities=[
            ActivityInput(
                kind=Activity.Kind.ATTRIBUTE_CHANGED,
                friend_id=friend.pk,
                payload={"attribute": key, "value": str(typed)},
            )
        ],
    )
    return True
