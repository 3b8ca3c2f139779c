"""Tracked link clicks: a signed token names the broadcast, the link and (for messages sent
to one friend) the friend; the click is stored and the visitor sent on to the real link."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from broadcasts.messages import CLICK_SALT, tracked_urls
from broadcasts.models import Broadcast, BroadcastVariant, Click
from segments.models import Friend

DEFAULT_MAX_AGE = 180 * 24 * 3600


@dataclass(frozen=True)
class ClickResult:
    url: str | None
    expired: bool = False


def _max_age() -> int:
    return int(getattr(settings, "BROADCAST_CLICK_MAX_AGE", DEFAULT_MAX_AGE))


def click_record(*, token: str, record: bool = True) -> ClickResult:
    """The link to redirect to (and the click stored unless ``record`` is false), or why there
    is none.

    A token that is not ours, was altered, or names a link the broadcast does not contain
    gets no URL: the caller shows a safe page instead of redirecting anywhere a token says.
    """
    try:
        payload = signing.loads(token, salt=CLICK_SALT, max_age=_max_age())
        broadcast_id, url_index, friend_id, *rest = payload
        variant_id = rest[0] if rest else None
    except signing.SignatureExpired:
        return ClickResult(url=None, expired=True)
    except (signing.BadSignature, ValueError, TypeError):
        return ClickResult(url=None)
    broadcast = Broadcast.unscoped.filter(pk=broadcast_id).first()
    if broadcast is None:
        return ClickResult(url=None)
    messages = broadcast.messages
    if variant_id is not None:
        messages = (
            BroadcastVariant.unscoped.filter(broadcast=broadcast, pk=variant_id)
            .values_list("messages", flat=True)
            .first()
        )
        if messages is None:
            return ClickResult(url=None)
    urls = tracked_urls(messages)
    if not isinstance(url_index, int) or not 0 <= url_index < len(urls):
        return ClickResult(url=None)
    if not record:
        return ClickResult(url=urls[url_index])
    friend = (
        Friend.unscoped.filter(pk=friend_id, account_id=broadcast.account_id).first()
        if friend_id
        else None
    )
    Click.unscoped.create(
        account_id=broadcast.account_id,
        broadcast=broadcast,
        friend=friend,
        variant_id=variant_id,
        url=urls[url_index],
    )
    return ClickResult(url=urls[url_index])
