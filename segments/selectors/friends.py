"""Reads for friends: the searchable list, one friend with history, and name look-ups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from oa_console.models import LineAccount
from segments.models import (
    AttributeDefinition,
    CustomEvent,
    Friend,
    FriendAttribute,
    FriendStatusChange,
    FriendTag,
    Interaction,
)
from segments.rules.compiler import rules_compile
from segments.rules.validation import RuleContext, rules_validate

_VALUE_NUMBER = FriendAttribute._meta.get_field("value_number")
# Digits before the decimal point that ``FriendAttribute.value_number`` can hold.
_NUMBER_INTEGER_DIGITS = _VALUE_NUMBER.max_digits - _VALUE_NUMBER.decimal_places


@dataclass(frozen=True)
class AttributeFilter:
    """Friends whose attribute equals a value typed in a filter box (text case-insensitively;
    numbers, dates and yes/no parsed by the attribute's type)."""

    definition: AttributeDefinition
    value: str

    def condition(self) -> Q:
        # Correlated to the outer query's friend (the OA's), as the segment compiler's are.
        values = FriendAttribute.unscoped.filter(
            friend_id=OuterRef("pk"), definition_id=self.definition.pk
        )
        raw = self.value.strip()
        kind = self.definition.type
        try:
            if kind == AttributeDefinition.Type.NUMBER:
                number = Decimal(raw)
                if not number.is_finite() or number.adjusted() >= _NUMBER_INTEGER_DIGITS:
                    return Q(pk__in=[])  # beyond the column: no one holds it
                values = values.filter(value_number=number)
            elif kind == AttributeDefinition.Type.DATE:
                values = values.filter(value_date=date.fromisoformat(raw))
            elif "\x00" in raw:  # text columns cannot hold NUL (PostgreSQL refuses it)
                return Q(pk__in=[])
            elif kind == AttributeDefinition.Type.BOOLEAN:
                values = values.filter(value_bool=raw.lower() in ("1", "true", "yes"))
            else:
                values = values.filter(value_text__iexact=raw)
        except (InvalidOperation, ValueError):
            return Q(pk__in=[])  # a value the attribute can never hold matches no one
        return Q(Exists(values))


def friend_list(
    *,
    account: LineAccount,
    search: str = "",
    status: str = "",
    followed_after: datetime | None = None,
    followed_before: datetime | None = None,
    tag_id: int | None = None,
    attribute: AttributeFilter | None = None,
    rules: dict | None = None,
) -> QuerySet[Friend]:
    """Friends of one OA, most recently followed first; search matches name, user id or member
    id; ``tag_id`` and ``attribute`` keep friends with that tag / attribute value; ``rules``
    (a segment rule tree, compiled by the segment compiler) keeps the friends it matches and
    raises ``RulesInvalid`` when it is not valid for the OA."""
    friends = Friend.objects.filter(account=account)
    if rules:
        context = RuleContext.for_account(account)
        rules_validate(rules, context=context)
        friends = friends.filter(rules_compile(rules, context=context, now=timezone.now()))
    search = search.strip()
    if "\x00" in search:  # no text column can hold NUL (PostgreSQL refuses to compare it)
        return friends.none()
    if search:
        friends = friends.filter(
            Q(display_name__icontains=search)
            | Q(line_user_id__icontains=search)
            | Q(member_id__iexact=search)
        )
    if status:
        friends = friends.filter(status=status)
    if tag_id is not None:
        # Correlated to the listed friend, already the OA's.
        friends = friends.filter(
            Exists(FriendTag.unscoped.filter(friend_id=OuterRef("pk"), tag_id=tag_id))
        )
    if attribute is not None:
        friends = friends.filter(attribute.condition())
    if followed_after is not None:
        friends = friends.filter(last_followed_at__gte=followed_after)
    if followed_before is not None:
        friends = friends.filter(last_followed_at__lt=followed_before)
    # Friends with an unknown follow time (seen only through messages) go last on every database.
    return friends.order_by(
        F("last_followed_at").desc(nulls_last=True),
        F("last_interaction_at").desc(nulls_last=True),
        "pk",
    )


def friend_get(*, account: LineAccount, line_user_id: str) -> Friend | None:
    return Friend.objects.filter(account=account, line_user_id=line_user_id).first()


def friend_status_history(*, friend: Friend) -> QuerySet[FriendStatusChange]:
    return FriendStatusChange.objects.filter(account_id=friend.account_id, friend=friend).order_by(
        "-occurred_at", "-sequence"
    )


def friend_interactions_recent(*, friend: Friend, limit: int = 50) -> list[Interaction]:
    return list(
        Interaction.objects.filter(account_id=friend.account_id, friend=friend).order_by(
            "-occurred_at", "-pk"
        )[:limit]
    )


def friend_names(*, account: LineAccount, line_user_ids: Iterable[str]) -> dict[str, str]:
    """Display name (or empty) per LINE user id that is a friend of the OA."""
    ids = {user_id for user_id in line_user_ids if user_id}
    if not ids:
        return {}
    return dict(
        Friend.objects.filter(account=account, line_user_id__in=ids).values_list(
            "line_user_id", "display_name"
        )
    )


def friend_attributes(*, friend: Friend) -> list[tuple[AttributeDefinition, object]]:
    """The friend's custom attribute values, in the order of the OA's definitions."""
    rows = FriendAttribute.objects.filter(account_id=friend.account_id, friend=friend)
    values = {
        row.definition_id: {
            "text": row.value_text,
            "number": row.value_number,
            "date": row.value_date,
            "boolean": row.value_bool,
        }[row.definition.type]
        for row in rows.select_related("definition")
    }
    return [
        (definition, values[definition.pk])
        for definition in AttributeDefinition.objects.filter(account_id=friend.account_id)
        if definition.pk in values
    ]


def friend_custom_events_recent(*, friend: Friend, limit: int = 50) -> list[CustomEvent]:
    return list(
        CustomEvent.objects.filter(account_id=friend.account_id, friend=friend).order_by(
            "-occurred_at", "-pk"
        )[:limit]
    )


def friends_known_following(*, account: LineAccount) -> int:
    """Following friends the console knows (webhooks, the follower list, imports)."""
    return Friend.objects.filter(account_id=account.pk, status=Friend.Status.FOLLOWING).count()
