"""Tracked link clicks: a signed token names the broadcast, the link and (for messages sent
to one friend) the friend; the click is stored, a known friend gets the tags of the OA's
"clicked a link" auto-tag rules, and the visitor is sent on to the real link."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from broadcasts.messages import CLICK_SALT, tracked_urls
from broadcasts.models import Broadcast, BroadcastVariant, Click
from oa_console.links import is_web_link
from segments.models import Friend
from segments.services.tag_rules import tag_rules_apply_to_click

logger = logging.getLogger(__name__)

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
    if not is_web_link(urls[url_index]):
        # Stored before compose time checked links (``httpjavascript:…``): never followed,
        # never counted as a click.
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
    if friend is not None:
        _auto_tag(account_id=broadcast.account_id, friend_id=friend.pk, url=urls[url_index])
    return ClickResult(url=urls[url_index])


def _auto_tag(*, account_id: int, friend_id: int, url: str) -> None:
    """The OA's "clicked a link" auto-tag rules. The click is stored already and the visitor
    must reach the link whatever happens here, so a failure is logged, not raised."""
    try:
        tag_rules_apply_to_click(account_id=account_id, friend_id=friend_id, url=url)
    except Exception:
        logger.exception(
            "link click auto-tagging failed",
            extra={"account_id": account_id, "friend_id": friend_id, "url": url},
        )
