"""The HTTP edge of the webhook endpoint, shared by the Django view and the WSGI fast path.

Both read the declared length first and refuse an oversized body before reading it into
memory, pass the raw bytes to ``webhook_request_receive`` and answer the same small JSON
document, so the two entry points cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from oa_console import logging as request_logging
from webhooks.services import MAX_BODY_BYTES, webhook_request_receive
from webhooks.services.receiving import ReceiveOutcome


def declared_length(value: str | None) -> int | None:
    """``CONTENT_LENGTH`` as a number; None when it is not one (such a body is never read)."""
    try:
        return int(value or 0)
    except ValueError:
        return None


def webhook_http_receive(
    *,
    webhook_key: str,
    content_length: str | None,
    read_body: Callable[[int], bytes],
    signature: str | None,
) -> ReceiveOutcome:
    """Read the body unless its declared length is already over the limit, then receive it."""
    length = declared_length(content_length)
    body = None if length is None or length > MAX_BODY_BYTES else read_body(length)
    outcome = webhook_request_receive(
        webhook_key=webhook_key, body=body, signature=signature, content_length=length
    )
    if outcome.account is not None:
        request_logging.bind(account=outcome.account.slug)
    return outcome


def webhook_answer_body(outcome: ReceiveOutcome) -> bytes:
    return json.dumps({"status": outcome.detail, "received": outcome.received}).encode()
