"""The LINE call of one claimed journey send: a push to one friend, or a multicast to the rows
that share its retry key. Bodies are built here, in the thread that holds the database
connection; the call itself touches only the network (``oa_console.line.calls``).

A body is sent as the send row stores it, not rebuilt through the SDK's request models: their
validation (a pydantic model per Flex box, text and action) cost more CPU than the whole rest
of a push, for a cart reminder's carousel several milliseconds, and checked nothing new. The
messages were validated against LINE's own schema when the journey was saved
(``journeys.graph.line_messages``) and only had variables filled in since; LINE checks the
body again, and a refusal is recorded as failed with LINE's message
(``sending.recording``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from journeys.models import JourneySend
from oa_console.line.calls import Call, retried_call
from oa_console.models import LineAccount

Method = JourneySend.Method


@dataclass
class ClaimedCall:
    """One call of a claim: its first row (the multicast's lowest id, or the push's row), which
    carries the messages, the retry key and the channel, and the LINE user ids it goes to (the
    other rows are written by retry key, never loaded one by one)."""

    first: JourneySend
    to: list[str]

    @property
    def account(self) -> LineAccount:
        return self.first.account

    @property
    def endpoint(self) -> str:
        """The limiter's endpoint class (LINE meters multicasts apart from pushes)."""
        return "multicast" if self.first.method == Method.MULTICAST else "push"


@cache
def _stored(request_class: type) -> type:
    """A subclass of the SDK's ``request_class`` whose body is the dict it was made with: the
    SDK accepts it where it takes ``request_class`` and serialises it through ``to_dict``."""

    class Stored(request_class):
        def to_dict(self) -> dict:
            return self.__dict__["body"]

    Stored.__name__ = Stored.__qualname__ = f"Stored{request_class.__name__}"
    return Stored


def stored_request(request_class: type, body: dict):
    """An SDK request of ``request_class`` that sends ``body`` as it is, without building the
    SDK's models of it (see the module's docstring for why that is safe)."""
    return _stored(request_class).construct(body=body)


def send_call(api, *, to: list[str], messages: list[dict], retry_key, multicast: bool) -> Call:
    """The LINE call that sends ``messages`` to ``to`` through ``api`` (a ``MessagingApi`` of
    its OA): a multicast, or a push to ``to[0]``; with ``retry_key``, so a repeat after a
    crash is answered 409, never delivered twice. Journey sends and bulk calls both use it."""
    from linebot.v3 import messaging

    if multicast:
        request = stored_request(messaging.MulticastRequest, {"to": to, "messages": messages})
        return retried_call(api.multicast_with_http_info, request, retry_key)
    request = stored_request(messaging.PushMessageRequest, {"to": to[0], "messages": messages})
    return retried_call(api.push_message_with_http_info, request, retry_key)


def journey_call(api, call: ClaimedCall) -> Call:
    """The LINE call of ``call`` through ``api``, with its rows' retry key."""
    first = call.first
    return send_call(
        api,
        to=call.to,
        messages=first.messages,
        retry_key=first.retry_key,
        multicast=first.method == Method.MULTICAST,
    )
