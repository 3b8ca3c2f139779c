"""Tracked links in a journey's sends: each link of a send node's messages goes through the
journeys click redirect (``/r/j/<token>``), whose signed token names the journey, the node,
the destination and, when the node tracks per friend, the friend.

A send node's ``click_tracking`` says how:

- ``node`` (the default): the token names the journey and node only. Every friend who gets the
  same content gets the same body, so friends reaching the node in the same minute still go
  out as one multicast; clicks are counted per step, not per friend.
- ``friend``: the token also names the friend. The click is the friend's (a ``link_click``
  trigger, a branch's ``clicked`` and "clicked a link" tag rules see it), but every body
  differs, so such sends never group into a multicast and go out by push.
- ``off``: links are sent as written.

The token carries the destination itself, not its index among the node's links: a journey's
links are often personalised (``{event.checkout_url}``, a carousel's ``{item.url}``), and only
the friend's own message held them. It is signed at the start of the send's minute, the
minute the multicast group key uses, so friends grouped together get byte-identical bodies.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from journeys.graph.nodes.send import CLICK_TRACKING_MODES, DEFAULT_CLICK_TRACKING
from oa_console.line.links import rewrite_links, signed_token
from oa_console.links import MAX_LINK_LENGTH, is_web_link

CLICK_SALT = "journeys.click"
FRIEND, NODE, OFF = CLICK_TRACKING_MODES
DEFAULT_MODE = DEFAULT_CLICK_TRACKING

_TOKEN_MARK = "0token0"


def click_token(
    *, journey_id: int, node_id: str, url: str, friend_id: int | None, signed_at: float
) -> str:
    """A signed token of ``[journey_id, node_id, url, friend_id or 0]`` (see
    ``journeys.services.clicks`` for its reading)."""
    return signed_token(
        [journey_id, node_id, url, friend_id or 0], salt=CLICK_SALT, signed_at=signed_at
    )


def _redirect_prefix_suffix() -> tuple[str, str]:
    """The redirect URL around a token, reversed once per message instead of once per link."""
    full = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("journey_click", args=[_TOKEN_MARK])
    prefix, _mark, suffix = full.rpartition(_TOKEN_MARK)
    return prefix, suffix


def track_links(
    messages: list[dict],
    *,
    mode: str,
    journey_id: int,
    node_id: str,
    friend_id: int | None,
    signed_at: datetime,
) -> list[dict]:
    """The messages with their web links sent through the click redirect as ``mode`` says. A
    link that is not a web link, or whose redirect would pass LINE's 1,000 characters, is left
    as written (LINE would refuse the message otherwise)."""
    if mode == OFF:
        return messages
    minute = signed_at.replace(second=0, microsecond=0).timestamp()
    friend = friend_id if mode == FRIEND else None
    prefix, suffix = _redirect_prefix_suffix()

    def redirect_for(url: str, _index: int) -> str:
        if not is_web_link(url):
            return url
        token = click_token(
            journey_id=journey_id, node_id=node_id, url=url, friend_id=friend, signed_at=minute
        )
        redirect = prefix + token + suffix
        return redirect if len(redirect) <= MAX_LINK_LENGTH else url

    return rewrite_links(messages, redirect_for)
