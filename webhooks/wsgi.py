"""A WSGI fast path for ``POST /webhooks/line/<webhook key>/``, in front of Django.

LINE waits for this answer, and a burst after a big broadcast is thousands of requests a
second. Django's request object, URL resolution and middleware stack (sessions, locale, CSRF,
messages, tenancy: none of which this endpoint uses) cost about as much CPU as verifying and
storing the events, so this fast path (registered in ``WebhooksConfig.ready()`` and put in
front of Django by ``oa_console.wsgi``) answers this one URL here and hands every other
request to Django unchanged.

What Django would still have done is done here too: ``request_started`` / ``request_finished``
are sent (they manage database connections with ``CONN_MAX_AGE``), the request is logged as
``RequestLogMiddleware`` logs it, and an unexpected error answers 500 with the traceback
logged. The receiving code itself is shared with the Django view (``webhooks.http``).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus

from django.core import signals

from oa_console import logging as request_logging
from oa_console.middleware import log_request
from webhooks.http import webhook_answer_body, webhook_http_receive

logger = logging.getLogger("webhooks.wsgi")

# The URL of ``webhooks.urls.line`` (``line/<str:webhook_key>/`` under ``webhooks/``); a test checks
# that ``reverse("line_webhook")`` and this pattern agree.
WEBHOOK_PATH = re.compile(r"/webhooks/line/(?P<webhook_key>[^/]+)/")

StartResponse = Callable[..., object]


class _ClosingBody:
    """The response body; ``close()`` (called by the server after sending) ends the request
    the way Django's ``HttpResponse.close()`` does, by sending ``request_finished``."""

    def __init__(self, chunks: list[bytes]):
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        signals.request_finished.send(sender=WebhookFastPath)


class WebhookFastPath:
    """Answer LINE's webhook POSTs directly; pass everything else to ``django_app``."""

    def __init__(self, django_app: Callable[[dict, StartResponse], Iterable[bytes]]):
        self.django_app = django_app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        match = WEBHOOK_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "POST":
            return self.django_app(environ, start_response)  # e.g. GET: Django answers 405
        return self._answer(match["webhook_key"], environ, start_response)

    def _answer(
        self, webhook_key: str, environ: dict, start_response: StartResponse
    ) -> Iterable[bytes]:
        signals.request_started.send(sender=WebhookFastPath, environ=environ)
        started = time.perf_counter()
        token = request_logging.start_request()
        status = HTTPStatus.INTERNAL_SERVER_ERROR
        body = b'{"status": "server error", "received": 0}'
        try:
            outcome = webhook_http_receive(
                webhook_key=webhook_key,
                content_length=environ.get("CONTENT_LENGTH"),
                read_body=environ["wsgi.input"].read,
                signature=environ.get("HTTP_X_LINE_SIGNATURE"),
            )
            status = HTTPStatus(outcome.status)
            body = webhook_answer_body(outcome)
        except Exception:
            # Never 200 for events that may not be stored; LINE redelivers a 5xx.
            logger.exception("webhook request failed")
        finally:
            log_request(
                method="POST",
                path=environ.get("PATH_INFO", ""),
                status=int(status),
                started=started,
            )
            request_logging.end_request(token)
        start_response(
            f"{status.value} {status.phrase}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return _ClosingBody([body])
