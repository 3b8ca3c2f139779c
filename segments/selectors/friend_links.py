"""Reads of the console users' linked LINE accounts (see ``segments.friend_links``)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from oa_console.models import LineAccount, User
from segments.models import FriendLink, FriendLinkCode


def friend_link_get(*, account: LineAccount, user: User) -> FriendLink | None:
    """The friend this user's LINE account is in this OA, if they linked it."""
    if not getattr(user, "pk", None):
        return None
    return FriendLink.objects.filter(account=account, user=user).select_related("friend").first()


def friend_link_code_open(
    *, account: LineAccount, user: User, now: datetime | None = None
) -> FriendLinkCode | None:
    """The user's code for this OA that can still be sent, if any."""
    if not getattr(user, "pk", None):
        return None
    return FriendLinkCode.objects.filter(
        account=account, user=user, used_at__isnull=True, expires_at__gt=now or timezone.now()
    ).first()
