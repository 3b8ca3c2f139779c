"""The request bodies of a sending round and the calls that carry them.

Bodies are built in the thread that holds the database connection; the calls themselves touch
only the network, so a round may run them on a thread pool. Each call carries its batch's retry
key (committed at planning), so a resend after a crash is answered 409, never delivered twice.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.urls import reverse

from broadcasts.messages import rewrite_links
from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import variants
from oa_console.line.calls import Call, calls_make, retried_call
from oa_console.line.messages import is_personalised, personalise
from oa_console.line.outcomes import Outcome
from segments.models import Friend

Method = Broadcast.Method


def _redirect_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("broadcast_click", args=[token])


_TOKEN_MARK = "0token0"


def _redirect_urls() -> Callable[[str], str]:
    """``_redirect_url`` with the URL reversed once per sending round instead of once per link
    of every push. A click token (signed URL-safe base64, ``:`` and ``.``) is a path segment
    that ``reverse`` leaves as it is, so the result is the same."""
    prefix, _mark, suffix = _redirect_url(_TOKEN_MARK).rpartition(_TOKEN_MARK)
    return lambda token: prefix + token + suffix


def _messages_for(
    broadcast: Broadcast,
    *,
    friend_id: int | None,
    display_name: str | None,
    variant_id: int | None = None,
    redirect_url: Callable[[str], str] = _redirect_url,
):
    messages = variants.variant_messages(broadcast, variant_id)  # an A/B arm's, or its own
    if display_name is not None:
        messages = personalise(messages, display_name)
    if broadcast.track_clicks:
        messages = rewrite_links(
            messages,
            broadcast_id=broadcast.pk,
            friend_id=friend_id,
            redirect_url=redirect_url,
            variant_id=variant_id,
            # Signed at the send's start: a retry repeats its body byte for byte.
            signed_at=broadcast.started_at.timestamp() if broadcast.started_at else None,
        )
    return messages


def _narrowcast_body(broadcast: Broadcast, messages: list[dict]) -> dict:
    parts = []
    if broadcast.audience_group_id:
        parts.append({"type": "audience", "audienceGroupId": broadcast.audience_group_id})
    if broadcast.exclusion_group_id:
        parts.append(
            {
                "type": "operator",
                "not": {"type": "audience", "audienceGroupId": broadcast.exclusion_group_id},
            }
        )
    body: dict = {"messages": messages}
    if len(parts) == 1:
        body["recipient"] = parts[0]
    elif parts:
        body["recipient"] = {"type": "operator", "and": parts}
    if broadcast.demographic:
        body["filter"] = {"demographic": broadcast.demographic}
    return body


class _Requests:
    """Request bodies for one sending round. The messages (links tracked) are made once; a
    multicast's body is validated by the SDK for the first batch only and each later batch swaps
    in its own ``to`` (LINE user ids that planning wrote), instead of re-validating 500 ids and
    the same messages on every call. A push's messages are the friend's own (a click token
    naming the friend, maybe the friend's name)."""

    def __init__(self, broadcast: Broadcast) -> None:
        self.broadcast = broadcast
        self.redirect_url = _redirect_urls()
        self.messages = _messages_for(
            broadcast, friend_id=None, display_name=None, redirect_url=self.redirect_url
        )
        self._multicast: dict = {}  # per A/B arm (None: the broadcast's own messages)
        self._personalised: dict = {}  # per A/B arm: do its messages use {displayName}?

    def personalised(self, variant_id: int | None) -> bool:
        if variant_id not in self._personalised:
            messages = variants.variant_messages(self.broadcast, variant_id)
            self._personalised[variant_id] = is_personalised(messages)
        return self._personalised[variant_id]

    def display_names(self, batches: list[BroadcastBatch]) -> dict[int, str]:
        """The display names of the claimed pushes that address the friend by name, in one
        query (none when no message uses ``{displayName}``)."""
        ids = [
            batch.friend_ids[0]
            for batch in batches
            if batch.method == Method.PUSH and self.personalised(batch.variant_id)
        ]
        if not ids:
            return {}
        friends = Friend.objects.for_account(self.broadcast.account)
        return dict(friends.filter(pk__in=ids).values_list("pk", "display_name"))

    def push(self, batch: BroadcastBatch, names: dict[int, str]):
        from linebot.v3 import messaging

        (friend_id,), (user_id,) = batch.friend_ids, batch.line_user_ids
        personalised = self.personalised(batch.variant_id)
        messages = _messages_for(
            self.broadcast,
            friend_id=friend_id,
            display_name=(names.get(friend_id) or "") if personalised else None,
            variant_id=batch.variant_id,
            redirect_url=self.redirect_url,
        )
        body: dict = {"to": user_id, "messages": messages}
        if batch.aggregation_unit:
            body["customAggregationUnits"] = [batch.aggregation_unit]
        return messaging.PushMessageRequest.from_dict(body)

    def multicast(self, to: list[str], variant_id: int | None = None):
        from linebot.v3 import messaging

        if variant_id not in self._multicast:
            messages = self.messages
            if variant_id is not None:
                messages = _messages_for(
                    self.broadcast, friend_id=None, display_name=None, variant_id=variant_id
                )
            self._multicast[variant_id] = messaging.MulticastRequest.from_dict(
                {"to": to, "messages": messages}
            )
            return self._multicast[variant_id]
        return self._multicast[variant_id].copy(update={"to": to})


def _prepare_call(
    broadcast: Broadcast,
    batch: BroadcastBatch,
    api,
    requests: _Requests,
    names: dict[int, str],
) -> Call:
    """The LINE call for ``batch`` through ``api`` (one client per sending round, so its
    connection pool is reused across batches), its body built now, in the thread that holds
    the database connection; the call itself touches only the network, so it may run on a
    pool thread. ``names``: the display names ``_Requests.display_names`` read."""
    from linebot.v3 import messaging

    messages = requests.messages
    # The batch's aggregation unit is part of its body (fixed before the first call, changed
    # only with a new retry key): a retry sends exactly what the first attempt sent.
    units = [batch.aggregation_unit] if batch.aggregation_unit else None
    if batch.method == Method.MULTICAST:
        request = requests.multicast(batch.line_user_ids, batch.variant_id)
        if units:
            request = request.copy(update={"custom_aggregation_units": units})
        send = api.multicast_with_http_info
    elif batch.method == Method.PUSH:
        request = requests.push(batch, names)
        send = api.push_message_with_http_info
    elif batch.method == Method.BROADCAST:
        request = messaging.BroadcastRequest.from_dict({"messages": messages})
        send = api.broadcast_with_http_info
    else:
        request = messaging.NarrowcastRequest.from_dict(_narrowcast_body(broadcast, messages))
        send = api.narrowcast_with_http_info
    return retried_call(send, request, batch.retry_key)


def _send_batches(
    broadcast: Broadcast,
    batches: list[BroadcastBatch],
    api,
    requests: _Requests,
    pool: ThreadPoolExecutor | None,
) -> list[Outcome]:
    """One call per batch, in order of the list; with a ``pool``, they run at once. The bodies
    are all built first: building them while calls run would make this thread and the pool's
    contend for the interpreter lock. Every call has ended when this returns."""
    names = requests.display_names(batches)
    calls = [_prepare_call(broadcast, batch, api, requests, names) for batch in batches]
    return calls_make(calls, pool)
