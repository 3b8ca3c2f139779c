"""The LINE webhook endpoint."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def line_webhook(request: HttpRequest, webhook_key: str) -> HttpResponse:
    raise NotImplementedError  # issue 3
