"""Friends by a date attribute falling on a given day: what date-driven automation (a journey's
birthday or membership-expiry trigger) enrols each day.

A date in the past (a birthday) falls on each of its anniversaries, 29 February on 28 February
in common years; a date still to come (an expiry) falls on that day itself. One query on the
definition's rows (``attribute_date_idx`` holds exactly the rows with a date).
"""

from __future__ import annotations

from calendar import isleap
from datetime import date

from django.db.models import Q, QuerySet

from oa_console.models import LineAccount
from segments.models import AttributeDefinition, FriendAttribute


def friends_with_date_on(*, account: LineAccount, key: str, day: date, today: date) -> QuerySet:
    """Ids of the OA's friends whose date attribute ``key`` falls on ``day`` (see above);
    ``today`` (the OA's local date) tells past dates from dates to come. None for an unknown
    key or an attribute that is not a date."""
    definition = (
        AttributeDefinition.objects.for_account(account)
        .filter(key=key, type=AttributeDefinition.Type.DATE)
        .first()
    )
    values = FriendAttribute.objects.for_account(account)
    if definition is None:
        return values.none().values_list("friend_id", flat=True)
    anniversary = Q(value_date__month=day.month, value_date__day=day.day)
    if (day.month, day.day) == (2, 28) and not isleap(day.year):
        anniversary |= Q(value_date__month=2, value_date__day=29)
    return (
        values.filter(definition=definition, value_date__isnull=False)
        .filter(Q(value_date=day) | (Q(value_date__lt=today) & anniversary))
        .values_list("friend_id", flat=True)
    )
