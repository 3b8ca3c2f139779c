"""Broadcast messages: the demographic filter of a narrowcast and tracked links (a broadcast's
click tokens; walking and rewriting links is shared with journeys in ``oa_console.line.links``).

Validating messages against LINE's schema and personalising them by name is shared with
journeys and lives in ``oa_console.line.messages``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from oa_console.line.links import rewrite_links as rewrite_message_links
from oa_console.line.links import signed_token, tracked_urls
from oa_console.line.messages import schema_validator

CLICK_SALT = "broadcasts.click"

# ``tracked_urls`` stays importable from here: a broadcast's token names a link by its index there.
__all__ = ["CLICK_SALT", "click_token", "demographic_errors", "rewrite_links", "tracked_urls"]


def demographic_errors(demographic) -> list[str]:
    """Problems with a LINE narrowcast demographic filter (``DemographicFilter`` of the spec)."""
    if not isinstance(demographic, dict):
        return [_("The demographic filter must be a LINE demographic filter object.")]
    return [
        f"{'/'.join(map(str, e.absolute_path)) or _('filter')}: {e.message}"
        for e in schema_validator("DemographicFilter").iter_errors(demographic)
    ]


def click_token(
    *,
    broadcast_id: int,
    url_index: int,
    friend_id: int | None,
    variant_id: int | None = None,
    signed_at: float | None = None,
) -> str:
    """A signed, timestamped token: tampering breaks the signature, age is checked on use. An
    A/B variant's links also name the variant (``url_index`` counts that variant's links).
    ``signed_at`` (epoch seconds) fixes the timestamp, so a retried send repeats its body
    exactly; the same format ``signing.loads`` reads."""
    payload = [broadcast_id, url_index, friend_id or 0]
    if variant_id:
        payload.append(variant_id)
    return signed_token(payload, salt=CLICK_SALT, signed_at=signed_at)


def rewrite_links(
    messages: list[dict],
    *,
    broadcast_id: int,
    friend_id: int | None,
    redirect_url: Callable,
    variant_id: int | None = None,
    signed_at: float | None = None,
) -> list[dict]:
    """Messages with every link sent through the click redirect (``redirect_url(token)``),
    tokens signed at ``signed_at`` when given (see ``click_token``)."""

    def redirect_for(_url: str, index: int) -> str:
        token = click_token(
            broadcast_id=broadcast_id,
            url_index=index,
            friend_id=friend_id,
            variant_id=variant_id,
            signed_at=signed_at,
        )
        return redirect_url(token)

    return rewrite_message_links(messages, redirect_for)
