"""Tracked links in LINE messages, shared by broadcasts and journeys: finding a message's links,
rewriting each through a click redirect, and the signed, timestamped tokens those redirects
carry.

What a token names (a broadcast and a link index, a journey's node and a destination) is each
app's own; this module only walks messages and signs. A token is Django's signed, compressed
``signing.dumps`` format, so ``signing.loads(token, salt=..., max_age=...)`` reads it and
tokens already sent keep resolving.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing

from oa_console.line.messages import URL_IN_TEXT


def is_tracked(value) -> bool:
    """Whether an action's uri goes through the click redirect. Every link a message can hold
    now is a web link (compose time refuses anything else), so this only decides for messages
    stored before: it stays what it was then (any uri starting "http"), because a broadcast's
    click token names its link by position and tokens already sent must keep naming the same
    link. The redirects follow web links only (``oa_console.links.is_web_link``)."""
    return isinstance(value, str) and value.startswith("http")


def walk_urls(node, rewrite: Callable[[str], str]):
    """Copy of ``node`` with each http(s) link rewritten: ``uri`` of actions and links in text."""
    if isinstance(node, list):
        return [walk_urls(item, rewrite) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("uri", "linkUri") and is_tracked(value):
            out[key] = rewrite(value)
        elif key == "text" and node.get("type") == "text" and isinstance(value, str):
            out[key] = URL_IN_TEXT.sub(lambda match: rewrite(match.group(0)), value)
        elif key == "altUri":
            out[key] = value  # desktop alternative of a uri action: left as LINE shows it
        else:
            out[key] = walk_urls(value, rewrite)
    return out


def tracked_urls(messages: list[dict]) -> list[str]:
    """The distinct links of the messages, in order: a broadcast's token names a link by its
    index here."""
    seen: dict[str, None] = {}
    walk_urls(messages, lambda url: seen.setdefault(url, None) or url)
    return list(seen)


class _SignedAt(signing.TimestampSigner):
    """A timestamp signer whose timestamp is given, not the clock's."""

    def __init__(self, *, at: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self._at = int(at)

    def timestamp(self) -> str:
        return signing.b62_encode(self._at)


def signed_token(payload, *, salt: str, signed_at: float | None = None) -> str:
    """A signed, timestamped, compressed token of ``payload``: tampering breaks the signature,
    age is checked on use (``signing.loads(..., max_age=...)``). ``signed_at`` (epoch seconds)
    fixes the timestamp, so a message built twice (a retried send, friends grouped into one
    multicast) has the same body; without it the clock's."""
    if signed_at is None:
        return signing.dumps(payload, salt=salt, compress=True)
    return _SignedAt(at=signed_at, salt=salt).sign_object(payload, compress=True)


def rewrite_links(messages: list[dict], redirect_for: Callable[[str, int], str]) -> list[dict]:
    """Messages with every tracked link replaced by ``redirect_for(url, index)``: the link and
    its index among the messages' distinct links (``tracked_urls``)."""
    urls = tracked_urls(messages)
    return walk_urls(messages, lambda url: redirect_for(url, urls.index(url)))


@dataclass(frozen=True)
class ClickResult:
    """Where a click redirect sends the visitor: ``url`` None for a token that is not ours, was
    altered, or names no link (``expired`` when only its age is wrong)."""

    url: str | None
    expired: bool = False
