"""The LINE webhook endpoint as a Django view: a thin HTTP shell around ``webhook_request_receive``.

Production traffic reaches the same code through ``webhooks.wsgi.WebhookFastPath``, which
answers this URL before Django's middleware stack; this view serves every other entry point
(the test client, a server not started from ``oa_console.wsgi``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from webhooks.http import webhook_answer_body, webhook_http_receive


@csrf_exempt
@require_POST
def line_webhook(request: HttpRequest, webhook_key: str) -> HttpResponse:
    """LINE waits at most 2 s for this answer: verify, store raw, answer; processing is async."""
    outcome = webhook_http_receive(
        webhook_key=webhook_key,
        content_length=request.META.get("CONTENT_LENGTH"),
        read_body=lambda _length: request.body,
        signature=request.headers.get("X-Line-Signature"),
    )
    return HttpResponse(
        webhook_answer_body(outcome), status=outcome.status, content_type="application/json"
    )
