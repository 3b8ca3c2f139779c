"""Tracked link clicks: a signed token names the broadcast, the link and (for messages sent
to one friend) the friend; the click is stored with its activity (a known friend's "clicked a
link" auto-tag rules react through the activity hub, before the redirect), and the visitor is
sent on to the real link."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet

from broadcasts.messages import CLICK_SALT, tracked_urls
from broadcasts.models import Broadcast, BroadcastVariant, Click
from oa_console.activity.draining import activity_react_now
from oa_console.activity.models import Activity
from oa_console.activity.publishing import publish
from oa_console.line.links import ClickResult
from oa_console.links import is_web_link
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from segments.models import Friend

logger = logging.getLogger(__name__)

DEFAULT_MAX_AGE = 180 * 24 * 3600


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
    # The token names the broadcast before any tenant is known; its OA scopes the rest.
    broadcast = (
        Broadcast.unscoped.select_related("account__workspace").filter(pk=broadcast_id).first()
    )
    if broadcast is None:
        return ClickResult(url=None)
    messages = broadcast.messages
    if variant_id is not None:
        messages = (
            BroadcastVariant.objects.for_account(broadcast.account)
            .filter(broadcast=broadcast, pk=variant_id)
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
        Friend.objects.for_account(broadcast.account).filter(pk=friend_id).first()
        if friend_id
        else None
    )
    # A public request: the token names the OA, and the work runs in that OA's scope.
    account = broadcast.account
    with tenant_scope(workspace=account.workspace, account=account), transaction.atomic():
        click = Click.objects.for_account(account).create(
            account_id=broadcast.account_id,
            broadcast=broadcast,
            friend=friend,
            variant_id=variant_id,
            url=urls[url_index],
        )
        if friend is not None:
            publish(
                account=account,
                kind=Activity.Kind.LINK_CLICK,
                occurred_at=click.clicked_at,
                friend_id=friend.pk,
                line_user_id=friend.line_user_id,
                payload={"url": click.url, "broadcast_id": broadcast.pk, "click_id": click.pk},
            )
    if friend is not None:
        # The friend's tags from "clicked a link" rules exist before the link opens.
        activity_react_now()
    return ClickResult(url=urls[url_index])


def clicks_of_friends(account: LineAccount) -> QuerySet:
    """The OA's stored clicks of known friends (``friend_id``, ``url``): what a "clicked a
    link" tag rule's backfill reads (registered into ``segments.registries.past_link_clicks``)."""
    return Click.objects.for_account(account).filter(friend__isnull=False)
