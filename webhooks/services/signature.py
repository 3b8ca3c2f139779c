"""LINE's request signature: ``X-Line-Signature`` is base64(HMAC-SHA256(channel secret, body)).

Checked over the raw bytes before anything is parsed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def webhook_signature(*, channel_secret: str, body: bytes) -> str:
    """``X-Line-Signature`` for a body: base64(HMAC-SHA256(channel secret, raw body))."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_signature_valid(*, channel_secret: str, body: bytes, signature: str | None) -> bool:
    if not signature or not channel_secret:
        return False
    expected = webhook_signature(channel_secret=channel_secret, body=body).encode("ascii")
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))
