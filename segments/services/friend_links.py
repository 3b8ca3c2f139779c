"""Linking a console user's own LINE account to a friend of the OA, by a one-time code.

Nobody knows their LINE user ID, so "Send a test to me" cannot ask for it. Instead the console
shows the user a short code (``friend_link_code_issue``); the user sends it to the OA from
their phone; the activity hub hands each text message of a friend to
``friend_link_codes_react`` (the ``segments.friend_links`` subscriber), which links that friend
to the code's user and uses the code up.
From then on the user's test sends go to that friend (``friend_link_get``).

A code is 8 characters of an alphabet without look-alikes (0/O, 1/I), valid for 10 minutes,
used once, and at most one is open per user and OA. 32^8 possibilities keep a friend guessing
codes from linking themselves in someone's place.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from oa_console.activity.models import Activity
from oa_console.activity.publishing import publish
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.models import LineAccount, User
from segments.models import Friend, FriendLink, FriendLinkCode

SUBSCRIBER = "segments.services.friend_links"
KINDS = (Activity.Kind.MESSAGE,)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=10)
# LINE stamps a message with its own clock, in whole milliseconds; ours may run a little ahead.
# A code is shown only after it is drawn, so a message carrying it that LINE dates up to this
# much before the draw was sent after it, not before.
CLOCK_SKEW_ALLOWED = timedelta(seconds=30)
# What a person types: the code alone, with or without the hyphen or a space, any case.
_CODE_MESSAGE = re.compile(r"^\s*([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})\s*$")


@dataclass(frozen=True)
class TextMessage:
    """A text message a friend sent the OA, as webhook processing hands it over."""

    line_user_id: str
    text: str
    occurred_at: datetime


def code_display(code: str) -> str:
    """``K7MQ2XDA`` → ``K7MQ-2XDA``: easier to read off a screen and type on a phone."""
    return f"{code[:4]}-{code[4:]}"


def code_from_text(text: str) -> str | None:
    """The normalised code a message consists of, or None for any other message."""
    match = _CODE_MESSAGE.match(text)
    if match is None:
        return None
    code = (match.group(1) + match.group(2)).upper()
    return code if all(char in CODE_ALPHABET for char in code) else None


@transaction.atomic
def friend_link_code_issue(
    *, account: LineAccount, user: User, now: datetime | None = None
) -> FriendLinkCode:
    """A new code for this user and OA; an earlier open one of theirs stops working."""
    now = now or timezone.now()
    FriendLinkCode.objects.filter(account=account, user=user, used_at__isnull=True).delete()
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return FriendLinkCode.objects.create(
                    account=account,
                    user=user,
                    code=code,
                    created_at=now,
                    expires_at=now + CODE_LIFETIME,
                )
        except IntegrityError:  # an open code of the OA already reads the same: draw again
            continue
    raise RuntimeError("could not draw an unused link code")


@transaction.atomic
def friend_link_codes_redeem(
    *, account: LineAccount, messages: Iterable[TextMessage], now: datetime | None = None
) -> list[FriendLink]:
    """Link the friends whose message is an open code of the OA, sent while it was valid.

    Called with the text messages of friends the activity hub delivers; a message that is not code-shaped costs a regular expression and nothing else.
    """
    by_code: dict[str, TextMessage] = {}
    for message in messages:
        code = code_from_text(message.text)
        if code is not None:
            by_code.setdefault(code, message)
    if not by_code:
        return []
    now = now or timezone.now()
    codes = FriendLinkCode.objects.select_for_update().filter(
        account=account, code__in=list(by_code), used_at__isnull=True
    )
    links = []
    for code in codes:
        message = by_code[code.code]
        if not code.created_at - CLOCK_SKEW_ALLOWED <= message.occurred_at <= code.expires_at:
            continue
        friend = Friend.objects.filter(account=account, line_user_id=message.line_user_id).first()
        if friend is None:
            continue
        link, _created = FriendLink.objects.update_or_create(
            account=account, user_id=code.user_id, defaults={"friend": friend, "linked_at": now}
        )
        code.used_at = now
        code.save(update_fields=["used_at"])
        publish(
            account=account,
            kind=Activity.Kind.MEMBER_ID_LINKED,
            occurred_at=now,
            friend_id=friend.pk,
            line_user_id=friend.line_user_id,
            payload={"console_user_id": code.user_id},
        )
        links.append(link)
    return links


def friend_link_delete(*, account: LineAccount, user: User) -> bool:
    """Unlink the user's LINE account from this OA; False when none was linked."""
    deleted, _by_model = FriendLink.objects.filter(account=account, user=user).delete()
    return bool(deleted)


def friend_link_codes_react(activities: Iterable[ActivityRow]) -> None:
    """The hub's handler: the active-mode text messages of known friends, per OA. Redeeming
    is idempotent (a code is used once), so a redelivered batch links nobody twice."""
    per_account(list(activities), _redeem)


def _redeem(account: LineAccount, rows: list[ActivityRow]) -> None:
    friend_link_codes_redeem(
        account=account,
        messages=[
            TextMessage(
                line_user_id=row.line_user_id,
                text=row.payload.get("text", ""),
                occurred_at=row.occurred_at,
            )
            for row in rows
            if row.friend_id is not None
            and row.payload.get("message_type") == "text"
            and row.payload.get("mode", "active") == "active"
        ],
    )
