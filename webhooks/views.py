"""The LINE webhook endpoint: a thin HTTP shell around ``webhook_request_receive``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from webhooks.services import MAX_BODY_BYTES, webhook_request_receive


def _content_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


@csrf_exempt
@require_POST
def line_webhook(request: HttpRequest, webhook_key: str) -> HttpResponse:
    """LINE waits at most 2 s for this answer: verify, store raw, answer; processing is async."""
    length = _content_length(request)
    # Refuse an oversized body from its declared length, before reading it into memory.
    body = None if length is None or length > MAX_BODY_BYTES else request.body
    outcome = webhook_request_receive(
        webhook_key=webhook_key,
        body=body,
        signature=request.headers.get("X-Line-Signature"),
        content_length=length,
    )
    return JsonResponse(
        {"status": outcome.detail, "received": outcome.received}, status=outcome.status
    )
